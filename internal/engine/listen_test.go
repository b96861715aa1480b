package engine

import (
	"context"
	"encoding/json"
	"net/http/httptest"
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

// TestTimeline: the listener keeps the decoded audio in step with RTP
// time. A lost packet leaves 20 ms of silence in its place, a packet that
// comes after its moment was filled is not used, and a long jump (a paused
// sender) starts again without filling.
func TestTimeline(t *testing.T) {
	const frame = 20 * time.Millisecond
	pcm := PCM{Rate: listenRate, Samples: make([]int16, listenRate/50)}
	var tl timeline
	steps := []struct {
		at   time.Duration
		fill int
		ok   bool
	}{
		{0, 0, true},
		{frame, 0, true},
		{3 * frame, listenRate / 50, true}, // the packet at 2 frames was lost
		{2 * frame, 0, false},              // and comes now, too late
		{3 * frame, 0, false},              // a repeat
		{4 * frame, 0, true},               // on time again
		{4*frame + 2*time.Second, 0, true}, // a paused sender: no 2 s of filling
		{4*frame + 2*time.Second + frame, 0, true},
	}
	for i, s := range steps {
		fill, ok := tl.place(s.at)
		if fill != s.fill || ok != s.ok {
			t.Fatalf("step %d at %v: fill %d, use %v; want %d, %v", i, s.at, fill, ok, s.fill, s.ok)
		}
		if ok {
			tl.played(s.at, pcm)
		}
	}
}
