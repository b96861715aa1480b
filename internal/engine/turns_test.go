package engine

import (
	"context"
	"strings"
	"testing"
	"time"
)

// heldRecognizer holds every recognition until the test answers it:
// Recognize hands the test a channel on held, in the order the answers
// were committed, and returns the text the test sends on it.
type heldRecognizer struct{ held chan chan string }

func (heldRecognizer) Name() string { return "test-held" }
func (r heldRecognizer) Recognize(ctx context.Context, _ Utterance) (Transcript, error) {
	reply := make(chan string, 1)
	select {
	case r.held <- reply:
	case <-ctx.Done():
		return Transcript{}, ctx.Err()
	}
	select {
	case text := <-reply:
		return Transcript{Text: text}, nil
	case <-ctx.Done():
		return Transcript{}, ctx.Err()
	}
}

func (r heldRecognizer) next(t *testing.T) chan string {
	t.Helper()
	select {
	case reply := <-r.held:
		return reply
	case <-time.After(5 * time.Second):
		t.Fatal("no recognition within 5 s")
	}
	return nil
}

// untilNoResponse reads events up to and including typ, failing the test
// if the interviewer starts a response meanwhile.
func (s *events) untilNoResponse(typ string) []event {
	s.t.Helper()
	evs := s.until(typ)
	if hasType(evs, "response.created") {
		s.t.Fatalf("a response started before %s: %v", typ, eventTypes(evs))
	}
	return evs
}

// TestResponseWaitsForTheAnswer: the candidate answers, pauses longer than
// the end-of-turn silence, and speaks again before the first part's
// transcript is in. The interviewer does not respond to the first part
// while the second is being spoken, nor while the second still awaits its
// transcript; it responds once, after the last transcript, and moves on.
func TestResponseWaitsForTheAnswer(t *testing.T) {
	checkLeaks(t)
	part := join(levels(20, 600*time.Millisecond), levels(127, 800*time.Millisecond)) // ends 500 ms into the silence
	for _, tt := range []struct {
		name string
		// duringSecond releases the first part's transcript while the
		// second part is spoken (speech_started seen, not yet committed);
		// else once the second part is committed too.
		duringSecond bool
	}{
		{"first transcript while the candidate speaks again", true},
		{"first transcript while the second awaits its own", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rec := heldRecognizer{held: make(chan chan string, 4)}
			_, srv := startEngine(t, func(c *Config) {
				c.Recognizer = rec
				c.Limits.MaxRecognitions = 4
			})
			m := newMic(t, true)
			m.call(srv, sessionWithSilence(testInstructions, 500, nil))
			m.events.response() // the greeting

			m.send(opusSilence, part...)
			m.events.untilNoResponse("conversation.item.done") // committed, the item added and done
			first := rec.next(t)
			second := m.sendAsync(part)
			m.events.untilNoResponse("input_audio_buffer.speech_started")
			if !tt.duringSecond {
				<-second
				m.events.untilNoResponse("conversation.item.done")
			}
			first <- "I built a payment service."
			m.events.untilNoResponse("conversation.item.input_audio_transcription.completed")
			if tt.duringSecond {
				<-second
				m.events.untilNoResponse("conversation.item.done")
			}
			m.events.expectQuiet(300*time.Millisecond, "conversation.item.input_audio_transcription.delta")
			rec.next(t) <- "And I wrote its tests."
			evs := m.events.until("response.created")
			if types := eventTypes(evs); types[len(types)-2] != "conversation.item.input_audio_transcription.completed" {
				t.Fatalf("the response did not follow the second transcript: %v", types)
			}
			next := checkResponse(t, append(evs[len(evs)-1:], m.events.until("output_audio_buffer.stopped")...))
			if !strings.Contains(next.text, "Why do you want") {
				t.Errorf("after the answer in two parts: %q", next.text)
			}
			m.events.expectQuiet(time.Second) // exactly one response
		})
	}
}
