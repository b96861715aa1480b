package engine

import (
	"context"
	"math/rand/v2"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// countingRecognizer counts the answers it is given and how much audio
// they held; it hears nothing.
type countingRecognizer struct{ calls, samples atomic.Int64 }

func (*countingRecognizer) Name() string { return "test-counting" }
func (r *countingRecognizer) Recognize(_ context.Context, u Utterance) (Transcript, error) {
	r.calls.Add(1)
	r.samples.Add(int64(len(u.Audio.Samples)))
	return Transcript{Text: "words"}, nil
}

// TestBadInput: none of these crashes the engine, ends the call by itself
// or leaks a goroutine (checkLeaks runs after every call is closed).
func TestBadInput(t *testing.T) {
	checkLeaks(t)
	t.Run("audio with no speech", func(t *testing.T) {
		rec := &countingRecognizer{}
		e, srv := startEngine(t, func(c *Config) { c.Recognizer = rec })
		m := newMic(t, false) // no level extension: every packet is decoded
		m.call(srv, sessionWithSilence(testInstructions, 500, nil))
		m.events.response()
		m.send(opusSilence, levels(-1, 2*time.Second)...)
		if n := rec.calls.Load(); n != 0 || e.Stats().Utterances != 0 {
			t.Errorf("silence made %d answers", n)
		}
		if e.Stats().BadFrames != 0 {
			t.Errorf("silence frames did not decode: %+v", e.Stats())
		}
	})
	t.Run("a client that sends no media", func(t *testing.T) {
		e, srv := startEngine(t)
		m := newMic(t, true)
		m.call(srv, sessionWithSilence(testInstructions, 500, map[string]any{"idle_timeout_ms": 300}))
		for range 4 { // greeting, nudge, question 2, nudge
			m.events.response()
		}
		if got := m.events.response().text; !strings.Contains(got, "concludes our interview") {
			t.Errorf("closing line %q", got)
		}
		if e.ActiveCalls() != 1 {
			t.Error("the engine ended the call by itself")
		}
	})
	t.Run("a client that disconnects mid-utterance", func(t *testing.T) {
		rec := &countingRecognizer{}
		e, srv := startEngine(t, func(c *Config) { c.Recognizer = rec })
		m := newMic(t, true)
		m.call(srv, sessionWithSilence(testInstructions, 500, nil))
		m.events.until("response.done")
		m.send(opusSilence, levels(20, 600*time.Millisecond)...)
		m.events.until("input_audio_buffer.speech_started")
		m.Close()
		waitFor(t, "the call to end", func() bool { return e.ActiveCalls() == 0 })
	})
	t.Run("corrupt Opus payloads", func(t *testing.T) {
		rec := &countingRecognizer{}
		e, srv := startEngine(t, func(c *Config) { c.Recognizer = rec })
		m := newMic(t, false)
		m.call(srv, sessionWithSilence(testInstructions, 500, nil))
		m.events.until("response.done")
		rnd := rand.New(rand.NewPCG(1, 2))
		for range 100 {
			junk := make([]byte, 1+rnd.IntN(200))
			for i := range junk {
				junk[i] = byte(rnd.Uint32())
			}
			m.send(junk, -1)
		}
		m.send(nil, -1, -1)
		m.send(opusSilence, levels(-1, 200*time.Millisecond)...)
		t.Logf("stats after junk: %+v", e.Stats())
		if e.ActiveCalls() != 1 {
			t.Errorf("the call ended")
		}
	})
}
