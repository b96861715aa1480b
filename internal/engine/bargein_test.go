package engine

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/interviewd/interviewd/internal/testenv/peer"
)

// toneSynth speaks every line as a tone of the given length, so the
// speaker sends real PCMU packets without a speech program.
type toneSynth struct{ length time.Duration }

func (toneSynth) Name() string { return "test-tone" }
func (s toneSynth) Synthesize(context.Context, Line) (PCM, error) {
	p := PCM{Rate: 8000, Samples: make([]int16, int(s.length.Seconds()*8000))}
	for i := range p.Samples {
		p.Samples[i] = int16(8000 * math.Sin(2*math.Pi*440*float64(i)/8000))
	}
	return p, nil
}

// TestBargeIn: the candidate speaks while the greeting's audio plays. The
// audio stops within a packet, output_audio_buffer.cleared is sent, the
// response ends cancelled (turn_detected) with only the heard text,
// conversation.item.truncated carries the audio actually sent, and the
// candidate's turn then counts as the answer to question 1.
func TestBargeIn(t *testing.T) {
	checkLeaks(t)
	rec := gatedRecognizer{release: make(chan struct{})}
	_, srv := startEngine(t, func(c *Config) {
		c.Synthesizer = toneSynth{3 * time.Second}
		c.VoiceDetector = &packetTurns{}
		c.Recognizer = rec
	})
	cl, sb, _ := connect(t, srv, true, testInstructions)
	start := sb.events.until("response.output_audio_transcript.delta")
	start = append(start, sb.events.until("response.output_audio_transcript.delta")...)
	go cl.Send(peer.Silence(15 * peer.Frame)...)
	evs := append(start, sb.events.until("conversation.item.truncated")...)
	var heardText strings.Builder
	i := 0
	for ; evs[i].Type != "input_audio_buffer.speech_started"; i++ {
		if evs[i].Type == "response.output_audio_transcript.delta" {
			heardText.WriteString(evs[i].Delta)
		}
	}
	want := []string{"input_audio_buffer.speech_started", "output_audio_buffer.cleared", "response.output_audio.done",
		"response.output_audio_transcript.done", "response.content_part.done", "response.output_item.done",
		"conversation.item.done", "response.done", "conversation.item.truncated"}
	cut := evs[i:]
	if types := eventTypes(cut); strings.Join(types, " ") != strings.Join(want, " ") {
		t.Fatalf("barge-in events:\n got %v\nwant %v", types, want)
	}
	done, partDone, resp, trunc := cut[3], cut[4], cut[7].Response, cut[8]
	if done.Transcript != heardText.String() || partDone.Part.Transcript != heardText.String() ||
		!strings.HasPrefix(done.Transcript, "Hello Ada") || strings.Contains(done.Transcript, "proud") {
		t.Errorf("heard %q, transcript.done %q, part %q", heardText.String(), done.Transcript, partDone.Part.Transcript)
	}
	if resp.Status != "cancelled" || resp.StatusDetails == nil || resp.StatusDetails.Type != "cancelled" ||
		resp.StatusDetails.Reason != "turn_detected" || resp.Output[0].Status != "incomplete" {
		t.Errorf("response.done %s", cut[7].Raw)
	}
	if trunc.ItemID != done.ItemID || *trunc.AudioEndMS <= 0 || *trunc.AudioEndMS >= 3000 ||
		!strings.Contains(trunc.Raw, `"content_index":0`) {
		t.Errorf("truncated %s", trunc.Raw)
	}
	sent := *trunc.AudioEndMS / 20
	time.Sleep(300 * time.Millisecond)
	heard := cl.Heard()
	t.Logf("audio_end_ms %d (%d packets); the client heard %d packets", *trunc.AudioEndMS, sent, heard)
	if heard > sent || heard < sent-3 {
		t.Errorf("heard %d packets, audio_end_ms says %d were sent", heard, sent)
	}
	time.Sleep(200 * time.Millisecond)
	if cl.Heard() != heard {
		t.Errorf("the audio went on after the barge-in: %d packets, then %d", heard, cl.Heard())
	}
	close(rec.release) // the answer is transcribed and the interviewer goes on
	turn := append([]event{cut[0]}, sb.events.until("response.created")...)
	checkUserTurn(t, turn, done.ItemID)
	next := checkResponse(t, append(turn[len(turn)-1:], sb.events.until("response.done")...))
	// The candidate spoke before question 1 was finished: the interviewer
	// finishes it rather than take the words as its answer.
	if !strings.Contains(next.text, "let me finish the question") || !strings.Contains(next.text, "proud") {
		t.Errorf("after the barged-in answer: %q", next.text)
	}
}

// TestBargeInLate: the candidate starts answering once most of question 1
// has been spoken, over its last words. The greeting is cut as in
// TestBargeIn, but the words count as the answer: the next response asks
// question 2 rather than finishing question 1.
func TestBargeInLate(t *testing.T) {
	checkLeaks(t)
	rec := gatedRecognizer{release: make(chan struct{})}
	_, srv := startEngine(t, func(c *Config) {
		c.Synthesizer = toneSynth{6 * time.Second} // 14 deltas about 430 ms apart
		c.VoiceDetector = &packetTurns{}
		c.Recognizer = rec
	})
	cl, sb, _ := connect(t, srv, true, testInstructions)
	var heard strings.Builder
	for !strings.Contains(heard.String(), "a project you are") { // 31 of the question's 41 bytes
		evs := sb.events.until("response.output_audio_transcript.delta")
		heard.WriteString(evs[len(evs)-1].Delta)
	}
	go cl.Send(peer.Silence(15 * peer.Frame)...)
	evs := sb.events.until("response.done")
	resp := evs[len(evs)-1].Response
	var said string
	for _, ev := range evs {
		if ev.Type == "response.output_audio_transcript.done" {
			said = ev.Transcript
		}
	}
	if resp.Status != "cancelled" || resp.StatusDetails == nil || resp.StatusDetails.Reason != "turn_detected" {
		t.Fatalf("the greeting was not cut by the answer: %s", evs[len(evs)-1].Raw)
	}
	if !strings.Contains(said, "a project you are") || strings.Contains(said, "proud") {
		t.Fatalf("the greeting was cut at %q; want after most of the question, before its end", said)
	}
	close(rec.release)
	sb.events.until("conversation.item.input_audio_transcription.completed")
	var next strings.Builder // two deltas tell the next line; its 6 s of audio are not waited for
	for range 2 {
		evs := sb.events.until("response.output_audio_transcript.delta")
		next.WriteString(evs[len(evs)-1].Delta)
	}
	if got := next.String(); !strings.HasPrefix(got, "Thank you. And the last question:") {
		t.Errorf("after an answer over the question's last words: %q…; want question 2", got)
	}
}

// gatedRecognizer hears "Yes." once release is closed.
type gatedRecognizer struct{ release chan struct{} }

func (gatedRecognizer) Name() string { return "test-gated" }
func (r gatedRecognizer) Recognize(ctx context.Context, _ Utterance) (Transcript, error) {
	select {
	case <-r.release:
		return Transcript{Text: "Yes."}, nil
	case <-ctx.Done():
		return Transcript{}, ctx.Err()
	}
}

// TestNoInterrupt: with interrupt_response false, speech during a response
// does not cut it; the turn's response follows once it has ended.
func TestNoInterrupt(t *testing.T) {
	checkLeaks(t)
	_, srv := startEngine(t, func(c *Config) {
		c.Synthesizer = toneSynth{time.Second}
		c.VoiceDetector = &packetTurns{}
		c.Recognizer = &countingRecognizer{}
	})
	cl := newClient(t, true)
	answer, callID := createCall(t, srv, cl.Offer(), sessionWithSilence(testInstructions, 500,
		map[string]any{"interrupt_response": false}))
	sb := dialSideband(t, srv, callID)
	sb.send(t, peer.ResponseCreate())
	cl.Answer(answer)
	cl.WaitConnected()
	start := sb.events.until("response.output_audio_transcript.delta")
	go cl.Send(peer.Silence(15 * peer.Frame)...)
	greet := checkResponseWithin(t, append(start, sb.events.until("output_audio_buffer.stopped")...))
	if greet.done.Response.Status != "completed" || !strings.Contains(greet.text, "proud") {
		t.Errorf("the greeting was cut: %q %s", greet.text, greet.done.Raw)
	}
	if next := sb.events.response(); !strings.Contains(next.text, "Why do you want") {
		t.Errorf("after the answer: %q", next.text)
	}
}

// checkResponseWithin checks a response whose events are interleaved with
// a user turn's, which it leaves out.
func checkResponseWithin(t *testing.T, evs []event) spoken {
	t.Helper()
	var kept []event
	for _, ev := range evs {
		if !strings.HasPrefix(ev.Type, "input_audio_buffer.") && !strings.HasPrefix(ev.Type, "conversation.item.input_audio") {
			kept = append(kept, ev)
		}
	}
	return checkResponse(t, kept)
}

func eventTypes(evs []event) []string {
	var out []string
	for _, ev := range evs {
		out = append(out, ev.Type)
	}
	return out
}

// TestIdleTimeout: with idle_timeout_ms, silence after a response commits
// an empty user item (input_audio_buffer.timeout_triggered) and the
// interviewer responds; without it the engine waits in silence.
func TestIdleTimeout(t *testing.T) {
	checkLeaks(t)
	_, srv := startEngine(t)
	t.Run("with idle_timeout_ms", func(t *testing.T) {
		m := newMic(t, true)
		m.call(srv, sessionWithSilence(testInstructions, 500, map[string]any{"idle_timeout_ms": 300}))
		greet := m.events.response()
		evs := m.events.until("response.created")
		want := []string{"input_audio_buffer.timeout_triggered", "input_audio_buffer.committed",
			"conversation.item.added", "conversation.item.done",
			"conversation.item.input_audio_transcription.completed", "response.created"}
		if types := eventTypes(evs); strings.Join(types, " ") != strings.Join(want, " ") {
			t.Fatalf("idle timeout events:\n got %v\nwant %v", types, want)
		}
		to := evs[0]
		if d := *to.AudioEndMS - *to.AudioStartMS; d < 250 || d > 600 || to.ItemID != evs[1].ItemID ||
			*evs[1].PreviousItemID != greet.itemID || evs[4].Transcript != "" {
			t.Errorf("timeout %s, committed %s, transcript %s", to.Raw, evs[1].Raw, evs[4].Raw)
		}
		nudge := checkResponse(t, append(evs[5:], m.events.until("response.done")...))
		if !strings.HasPrefix(nudge.text, "Take your time.") {
			t.Errorf("after the timeout: %q", nudge.text)
		}
	})
	t.Run("without", func(t *testing.T) {
		m := newMic(t, true)
		m.call(srv, sessionWithSilence(testInstructions, 500, nil))
		m.events.response()
		m.events.expectQuiet(time.Second)
	})
}
