package speech

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"net/http/httptest"

	"github.com/interviewd/interviewd/internal/engine"
	"github.com/interviewd/interviewd/internal/testenv"
	"github.com/interviewd/interviewd/internal/testenv/peer"
)

const instructions = `You are a friendly interviewer for Example Corp.
Candidate: Ada Lovelace
Position: Backend Engineer

Ask these questions in order, one at a time:
1. Tell me about a project you are proud of.
2. Why do you want to work with us?
`

var answers = []string{
	"My favorite project was a weather station that I built with my brother last summer.",
	"I want to work with you because your team builds products that people use every day.",
}

// endOfTurn is the end-of-turn silence interviewd's session builder sets.
const endOfTurn = 2500

func checkLeaks(t testing.TB) {
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) })
}

// detected returns the machine's speech tools, or skips (fails under CI)
// when one is missing.
func detected(t testing.TB) Tools {
	t.Helper()
	tools := Detect(context.Background(), nil)
	if _, ok := tools.Recognizer.(*Pocketsphinx); !ok {
		testenv.Missing(t, "pocketsphinx_continuous with pocketsphinx-en-us", nil)
	}
	if _, ok := tools.Synthesizer.(*Voices); !ok {
		testenv.Missing(t, "flite or espeak-ng", nil)
	}
	return tools
}

// line is one transcript entry as the events tell it.
type line struct{ speaker, itemID, text string }

// TestSpokenInterview runs a whole interview by voice: a pion peer plays
// flite's answers (Opus from an Ogg file, in real time, without the
// audio-level extension, so the energy detector decides) after each
// question. The engine speaks both questions, hears both answers,
// transcribes them with pocketsphinx, calls end_interview and says goodbye
// when asked; the call lasts until the client hangs up.
func TestSpokenInterview(t *testing.T) {
	checkLeaks(t)
	tools := detected(t)
	recorded := []utterance{record(t, say(answers[0])), record(t, say(answers[1]))}
	e, srv := startEngine(t, tools)
	if c := e.Capabilities(); c.TextMode() || !strings.Contains(c.String(), "pocketsphinx") {
		t.Fatalf("capabilities %s", c)
	}
	p := newPeer(t, false)
	answer, callID := call(t, p, srv, session(instructions, endOfTurn))
	if !strings.Contains(answer, "maxplaybackrate=16000;sprop-maxcapturerate=16000") || !hasLine(answer, "a=rtpmap:0 PCMU/8000") {
		t.Errorf("answer does not ask for SILK wideband or offer PCMU:\n%s", answer)
	}
	transcript := runInterview(t, p, recorded, true)
	checkTranscript(t, transcript)
	for i, want := range answers {
		wer := WER(want, transcript[2*i+1].text)
		fmt.Printf("answer %d: WER %.1f%%\n  said:  %s\n  heard: %s\n", i+1, 100*wer, want, transcript[2*i+1].text)
		if wer > 0.35 {
			t.Errorf("answer %d: word error rate %.0f%% > 35%%", i+1, 100*wer)
		}
	}
	if heard := p.Heard(); heard < 200 {
		t.Errorf("heard %d PCMU packets from the interviewer; want its lines as audio", heard)
	}
	hangUpAfterGoodbye(t, e, srv, callID, p)
}

// hangUpAfterGoodbye checks that the engine keeps the call after the
// goodbye, as OpenAI does, then hangs up as interviewd does.
func hangUpAfterGoodbye(t *testing.T, e *engine.Engine, srv *httptest.Server, callID string, p *peer.Peer) {
	t.Helper()
	time.Sleep(500 * time.Millisecond)
	if e.ActiveCalls() != 1 {
		t.Fatal("the engine ended the call by itself")
	}
	hangup(t, srv, callID)
	waitEnded(t, e, p)
}

// runInterview drives the interview as interviewd does: response.create
// for the greeting, each function call answered (and response.create
// after end_interview, for the goodbye), each answer played once its
// question has been asked. It returns the transcript in conversation
// order, and checks the events of each answer: speech_started,
// speech_stopped, committed (chained to the item before it), the
// transcription delta and completed.
func runInterview(t *testing.T, p *peer.Peer, recorded []utterance, deltas bool) []line {
	t.Helper()
	p.SendEvent(peer.ResponseCreate())
	evs := p.Until("response.done", 60*time.Second)
	out := []line{spoken(t, evs)}
	if p.AnswerCalls(evs) {
		t.Fatal("end_interview at the greeting")
	}
	for _, u := range recorded {
		go p.Send(u.packets...)
		evs = p.Until("response.done", 60*time.Second)
		out = append(out, checkAnswer(t, evs, out[len(out)-1].itemID, deltas))
		if hasType(evs, "response.output_audio_transcript.done") {
			out = append(out, spoken(t, evs))
		}
		if p.AnswerCalls(evs) {
			out = append(out, spoken(t, p.Until("output_audio_buffer.stopped", 60*time.Second)))
		}
	}
	return out
}

func hasType(evs []peer.Event, typ string) bool {
	for _, ev := range evs {
		if ev.Type == typ {
			return true
		}
	}
	return false
}

func spoken(t *testing.T, evs []peer.Event) line {
	t.Helper()
	var started bool
	for _, ev := range evs {
		switch ev.Type {
		case "output_audio_buffer.started":
			started = true
		case "response.output_audio_transcript.done":
			if !started {
				t.Errorf("transcript.done before output_audio_buffer.started")
			}
			return line{"interviewer", ev.ItemID, ev.Transcript}
		}
	}
	t.Fatalf("no interviewer line in %d events", len(evs))
	return line{}
}

func checkAnswer(t *testing.T, evs []peer.Event, prev string, deltas bool) line {
	t.Helper()
	want := []string{"input_audio_buffer.speech_started", "input_audio_buffer.speech_stopped",
		"input_audio_buffer.committed", "conversation.item.input_audio_transcription.delta",
		"conversation.item.input_audio_transcription.completed"}
	var got []peer.Event
	if !deltas {
		want = slices.Delete(want, 3, 4)
	}
	for _, ev := range evs {
		if strings.HasPrefix(ev.Type, "input_audio_buffer.") || strings.HasPrefix(ev.Type, "conversation.item.input_audio_transcription.") {
			got = append(got, ev)
		}
		// The function call's output interviewd added comes before the answer.
		if ev.Type == "conversation.item.added" && len(got) == 0 {
			prev = ev.Item.ID
		}
	}
	if len(got) != len(want) {
		t.Fatalf("answer events %v, want %v", types(got), want)
	}
	for i := range want {
		if got[i].Type != want[i] || got[i].ItemID != got[0].ItemID {
			t.Fatalf("answer events %v, want %v for one item", types(got), want)
		}
	}
	if c := got[2]; c.PreviousItemID == nil || *c.PreviousItemID != prev {
		t.Errorf("committed %s, want previous_item_id %s", c.Raw, prev)
	}
	return line{"candidate", got[len(got)-1].ItemID, got[len(got)-1].Transcript}
}

func types(evs []peer.Event) []string {
	var out []string
	for _, ev := range evs {
		out = append(out, ev.Type)
	}
	return out
}

func checkTranscript(t *testing.T, tr []line) {
	t.Helper()
	checkTranscriptShape(t, tr)
	if !strings.Contains(tr[0].text, "Tell me about a project you are proud of.") {
		t.Errorf("greeting %q lacks question 1", tr[0].text)
	}
}

// checkTranscriptShape checks five lines, interviewer and candidate in
// turn: greeting with question 1, answer, question 2, answer, closing.
func checkTranscriptShape(t *testing.T, tr []line) {
	t.Helper()
	if len(tr) != 5 {
		t.Fatalf("transcript has %d lines", len(tr))
	}
	wants := []string{"Ada Lovelace", "", "Why do you want to work with us?", "", "Goodbye"}
	for i, l := range tr {
		speaker := "interviewer"
		if i%2 == 1 {
			speaker = "candidate"
		}
		if l.speaker != speaker || !strings.Contains(l.text, wants[i]) {
			t.Errorf("line %d: %s %q, want %s saying %q", i, l.speaker, l.text, speaker, wants[i])
		}
	}
}

func waitEnded(t *testing.T, e *engine.Engine, p *peer.Peer) {
	t.Helper()
	select {
	case <-p.DataChannelClosed():
	case <-time.After(15 * time.Second):
		t.Fatal("the engine did not end the call")
	}
	deadline := time.Now().Add(10 * time.Second)
	for e.ActiveCalls() > 0 {
		if time.Now().After(deadline) {
			t.Fatal("call still active")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
