package engine

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pion/sdp/v3"

	"github.com/interviewd/interviewd/internal/testenv/peer"
)

// newMic returns a client whose microphone is driven packet by packet: each
// 20 ms packet carries an Opus payload and, when levels is set, an RFC 6464
// level, as Chromium sends them.
func newMic(t testing.TB, levels bool) *client {
	t.Helper()
	return newPeerClient(t, peer.Options{AudioLevel: levels})
}

// call creates a call with session on srv, waits until it is connected
// and asks for the greeting.
func (c *client) call(srv *httptest.Server, session string) string {
	c.t.Helper()
	answer, callID := createCall(c.t, srv, c.Offer(), session)
	c.Answer(answer)
	c.WaitConnected()
	c.events.until("session.created") // the data channel is open
	c.SendEvent(peer.ResponseCreate())
	if c.audioLevel && !strings.Contains(answer, sdp.AudioLevelURI) {
		c.t.Fatalf("the answer does not negotiate the audio level:\n%s", answer)
	}
	return callID
}

// send plays packets in real time: level per packet (-1 = no extension).
func (c *client) send(payload []byte, levels ...int) {
	c.Send(packets(payload, levels)...)
}

// sendAsync sends silence payloads at levels in the background; the
// channel closes when they are sent.
func (c *client) sendAsync(levels []int) <-chan struct{} {
	return c.Play(packets(opusSilence, levels)...)
}

func packets(payload []byte, levels []int) []peer.Packet {
	out := make([]peer.Packet, len(levels))
	for i, lv := range levels {
		out[i] = peer.Packet{Payload: payload, Level: lv}
	}
	return out
}

// levels returns n packets at level lv: 20 is speech, 127 silence.
func levels(lv int, d time.Duration) []int {
	out := make([]int, int(d/(20*time.Millisecond)))
	for i := range out {
		out[i] = lv
	}
	return out
}

func join(parts ...[]int) []int {
	var out []int
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

var opusSilence = []byte{0xf8, 0xff, 0xfe}

func sessionWithSilence(instructions string, silenceMS int, extra map[string]any) string {
	td := map[string]any{"type": "server_vad", "silence_duration_ms": silenceMS}
	for k, v := range extra {
		td[k] = v
	}
	b, _ := json.Marshal(map[string]any{
		"type": "realtime", "instructions": instructions,
		"audio": map[string]any{"input": map[string]any{"turn_detection": td}},
	})
	return string(b)
}

// TestThinkingPauseDoesNotEndTurn: with the session builder's 2.5 s
// end-of-turn silence, an answer with a 2 s pause in it is one turn, and
// it ends 2.5 s after the last speech. With 1.5 s, the same pause ends it.
func TestThinkingPauseDoesNotEndTurn(t *testing.T) {
	checkLeaks(t)
	answer := join(levels(20, time.Second), levels(127, 2*time.Second), levels(22, time.Second), levels(127, 3500*time.Millisecond))
	for _, tt := range []struct {
		name      string
		silenceMS int
		turns     int
	}{{"2.5 s end of turn keeps a 2 s pause", 2500, 1}, {"1.5 s end of turn ends at the pause", 1500, 2}} {
		t.Run(tt.name, func(t *testing.T) {
			_, srv := startEngine(t)
			m := newMic(t, true)
			m.call(srv, sessionWithSilence(testInstructions, tt.silenceMS, nil))
			m.events.until("response.done")
			start := time.Now()
			m.send(opusSilence, answer...)
			var stops []event
			for len(stops) < tt.turns {
				ev := m.events.next()
				if ev.Type == "input_audio_buffer.speech_stopped" {
					stops = append(stops, ev)
				}
			}
			end := stops[len(stops)-1]
			if !strings.Contains(end.Raw, `"audio_end_ms"`) {
				t.Fatalf("speech_stopped without audio_end_ms: %s", end.Raw)
			}
			t.Logf("%d turn(s); the last ended %v after the audio began", len(stops), time.Since(start).Round(10*time.Millisecond))
			if tt.turns == 1 {
				// speech ends at 4 s; the turn must end 2.5 s later, not at the pause
				if ms := audioEndMS(t, end); ms < 6300 || ms > 6800 {
					t.Errorf("turn ended at %d ms of audio, want about 6500", ms)
				}
			}
		})
	}
}

func audioEndMS(t *testing.T, ev event) int {
	var v struct {
		AudioEndMS int `json:"audio_end_ms"`
	}
	if err := json.Unmarshal([]byte(ev.Raw), &v); err != nil {
		t.Fatal(err)
	}
	return v.AudioEndMS
}

// emptyRecognizer hears nothing, as pocketsphinx does in a cough.
type emptyRecognizer struct{}

func (emptyRecognizer) Name() string { return "test-empty" }
func (emptyRecognizer) Recognize(context.Context, Utterance) (Transcript, error) {
	return Transcript{}, nil
}

// lastLine checks the last response in evs and returns its transcript.
func lastLine(t *testing.T, evs []event) string {
	t.Helper()
	for i := len(evs) - 1; i >= 0; i-- {
		if evs[i].Type == "response.created" {
			return checkResponse(t, evs[i:]).text
		}
	}
	t.Fatal("no response")
	return ""
}

// TestFollowUps: a question nobody answers gets one nudge and then the
// interview moves on; an answer without words gets one "did not catch
// that" and the next answer moves on whatever it holds.
func TestFollowUps(t *testing.T) {
	checkLeaks(t)
	_, srv := startEngine(t, func(c *Config) {
		c.Recognizer = emptyRecognizer{}
	})
	m := newMic(t, true)
	m.call(srv, sessionWithSilence(testInstructions, 500, map[string]any{"idle_timeout_ms": 700}))
	line := func() string { return lastLine(t, m.events.until("response.done")) }
	line() // greeting and question 1
	if q := line(); !strings.HasPrefix(q, "Take your time.") {
		t.Fatalf("with no answer: %q", q)
	}
	if q := line(); !strings.Contains(q, "Why do you want") {
		t.Fatalf("with no answer after the nudge: %q", q)
	}
	short := join(levels(20, 500*time.Millisecond), levels(127, time.Second))
	sent := m.sendAsync(short)
	if q := line(); !strings.HasPrefix(q, "Sorry, I did not catch that.") {
		t.Fatalf("after an empty answer: %q", q)
	}
	<-sent
	sent = m.sendAsync(short)
	if q := line(); !strings.Contains(q, "concludes our interview") {
		t.Fatalf("after a second empty answer: %q", q)
	}
	<-sent
}

// TestReorder: the listener decodes packets in RTP order. In order they
// pass at once; a packet delivered after the one that followed it is put
// back in its place; one still missing when reorderDepth packets wait
// behind it is skipped, and comes too late if it comes at all; a repeat is
// not used twice; a large jump (a sender that started again) is followed.
func TestReorder(t *testing.T) {
	steps := []struct {
		seq  uint16
		out  []uint16
		late bool
	}{
		{65533, []uint16{65533}, false},
		{65534, []uint16{65534}, false},
		{0, nil, false},                    // 65535 is missing
		{65535, []uint16{65535, 0}, false}, // and comes late: both in order
		{2, nil, false},                    // 1 is missing
		{3, nil, false},
		{4, []uint16{2, 3, 4}, false}, // three wait: 1 is given up
		{1, nil, true},                // too late
		{4, nil, true},                // a repeat
		{5, []uint16{5}, false},
		{7, nil, false},
		{7, nil, true}, // a repeat of a held packet
		{1000, []uint16{7, 1000}, false},
		{1001, []uint16{1001}, false},
	}
	var r reorder
	for i, s := range steps {
		ready, late := r.push(audioPacket{seq: s.seq})
		var got []uint16
		for _, p := range ready {
			got = append(got, p.seq)
		}
		if !slices.Equal(got, s.out) || late != s.late {
			t.Fatalf("step %d, packet %d: released %v, late %v; want %v, %v", i, s.seq, got, late, s.out, s.late)
		}
	}
	r.push(audioPacket{seq: 1003})
	if got := r.flush(); len(got) != 1 || got[0].seq != 1003 || r.next != 1004 {
		t.Fatalf("flush %v, next %d", got, r.next)
	}
}

// chromiumAnswer is one spoken answer as Chromium sends it from a Web Audio
// microphone that is silent between answers (measured, docs/engine.md
// "Listening"): packets only while the answer plays, quiet onset frames
// (-61 to -71 dBov) before the words, then speech, then a quiet tail.
func chromiumAnswer() []int {
	onset := []int{68, 61, 64, 66, 65, 63, 67, 67, 68, 66, 64, 38}
	words := join(levels(13, 400*time.Millisecond), levels(45, 60*time.Millisecond), levels(22, 600*time.Millisecond))
	return join(onset, words, []int{45, 61, 64, 67})
}

// TestSenderPausesBetweenAnswers: a sender that sends nothing between
// answers, as Chromium does with a digitally silent microphone, and whose
// RTP sequence numbers and timestamps run on across the pause as if it had
// not happened. The first answer ends on the wall clock; the second must
// start a turn of its own, placed after the first in the call's audio.
func TestSenderPausesBetweenAnswers(t *testing.T) {
	checkLeaks(t)
	_, srv := startEngine(t)
	m := newMic(t, true) // no open microphone: nothing is sent between clips
	m.call(srv, sessionWithSilence(testInstructions, 1000, nil))
	m.events.until("response.done")
	var turns [][]event
	for i := range 2 {
		m.send(opusSilence, chromiumAnswer()...)
		turn := m.events.untilWithin("input_audio_buffer.speech_stopped", 3*time.Second)
		if !hasType(turn, "input_audio_buffer.speech_started") {
			t.Fatalf("answer %d: no speech_started before the turn ended: %v", i+1, eventTypes(turn))
		}
		turns = append(turns, turn)
		if q := m.events.response(); i == 0 && !strings.Contains(q.text, "Why do you want") {
			t.Fatalf("after answer 1: %q", q.text)
		}
		time.Sleep(time.Second) // the microphone stays silent: no packets
	}
	end1 := audioEndMS(t, turns[0][len(turns[0])-1])
	var start2 int64
	for _, ev := range turns[1] {
		if ev.Type == "input_audio_buffer.speech_started" {
			start2 = *ev.AudioStartMS
		}
	}
	t.Logf("answer 1 ended at %d ms, answer 2 started at %d ms", end1, start2)
	if start2 < int64(end1)+1000 {
		t.Errorf("answer 2 starts at %d ms of audio, not after answer 1's end at %d ms and the pause", start2, end1)
	}
}

// untilWithin is until with a deadline: it fails the test if typ has not
// come within d.
func (s *events) untilWithin(typ string, d time.Duration) []event {
	s.t.Helper()
	var out []event
	deadline := time.After(d)
	for {
		select {
		case ev, ok := <-s.ch:
			if !ok {
				s.t.Fatal("event stream closed")
			}
			out = append(out, ev)
			if ev.Type == typ {
				return out
			}
		case <-deadline:
			s.t.Fatalf("no %s within %v; got %v", typ, d, eventTypes(out))
		}
	}
}
