package realtime

import (
	"testing"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
)

// script feeds events to an Ordering, each at t0 plus its offset, and
// collects the lines released.
type script struct {
	o     *Ordering
	t0    time.Time
	lines []Line
}

func newScript() *script {
	return &script{o: NewOrdering(0), t0: time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)}
}

func (s *script) at(ms int64, ev Event) {
	s.lines = append(s.lines, s.o.Observe(ev, s.t0.Add(time.Duration(ms)*time.Millisecond))...)
}

func (s *script) offsets() []time.Duration {
	var out []time.Duration
	for _, l := range s.lines {
		out = append(out, l.Timestamp.Sub(s.t0))
	}
	return out
}

func ms(n int64) *int64 { return &n }

// greetingStarts is a response r1 whose message a1 starts playing at 100 ms.
func (s *script) greetingStarts() {
	s.at(0, Event{Type: EvResponseCreated, Response: &EventResponse{ID: "r1", Status: "in_progress"}})
	s.at(10, Event{Type: EvOutputItemAdded, ResponseID: "r1", Item: &EventItem{ID: "a1", Type: "message", Role: "assistant", Status: "in_progress"}})
	s.at(11, Event{Type: EvItemAdded, PreviousItemID: str(""), Item: &EventItem{ID: "a1", Type: "message", Role: "assistant"}})
	s.at(100, Event{Type: EvAudioBufferStarted, ResponseID: "r1"})
	s.at(600, Event{Type: EvOutputTranscriptDelta, ItemID: "a1", Delta: "Hello Ada, "})
	s.at(1800, Event{Type: EvOutputTranscriptDelta, ItemID: "a1", Delta: "welcome to "})
}

// candidateAnswers is the candidate's turn u1 after a1: speech from 3000 ms
// of the session's audio, which started 250 ms after t0.
func (s *script) candidateAnswers(from int64) {
	s.at(from+3250, Event{Type: EvSpeechStarted, ItemID: "u1", AudioStartMS: ms(3000)})
	s.at(from+5000, Event{Type: EvSpeechStopped, ItemID: "u1", AudioEndMS: ms(4700)})
	s.at(from+5010, Event{Type: EvCommitted, ItemID: "u1", PreviousItemID: str("a1")})
	s.at(from+5011, Event{Type: EvItemAdded, PreviousItemID: str("a1"), Item: &EventItem{ID: "u1", Type: "message", Role: "user",
		Content: []EventContent{{Type: "input_audio"}}}})
	s.at(from+5400, Event{Type: EvInputTranscriptDone, ItemID: "u1", Transcript: "Sorry, can you repeat?"})
}

// TestOrderingSpeakingOverGreeting is issue 9's first bug with barge-in:
// the candidate speaks over the greeting, which is cut short. The greeting
// comes first, holding what was heard and marked interrupted, then the
// candidate; times are when each started speaking.
func TestOrderingSpeakingOverGreeting(t *testing.T) {
	s := newScript()
	s.greetingStarts()
	s.at(3250, Event{Type: EvSpeechStarted, ItemID: "u1", AudioStartMS: ms(3000)})
	s.at(3260, Event{Type: EvAudioBufferCleared, ResponseID: "r1"})
	s.at(3270, Event{Type: EvOutputTranscriptDone, ItemID: "a1", Transcript: "Hello Ada, welcome to "})
	s.at(3280, Event{Type: EvResponseDone, Response: &EventResponse{ID: "r1", Status: "cancelled",
		StatusDetails: &StatusDetail{Type: "cancelled", Reason: "turn_detected"}}})
	s.at(3290, Event{Type: EvItemTruncated, ItemID: "a1", AudioEndMS: ms(3150)})
	s.at(5000, Event{Type: EvSpeechStopped, ItemID: "u1", AudioEndMS: ms(4700)})
	s.at(5010, Event{Type: EvCommitted, ItemID: "u1", PreviousItemID: str("a1")})
	s.at(5400, Event{Type: EvInputTranscriptDone, ItemID: "u1", Transcript: "Sorry, can you repeat?"})
	if got, want := texts(s.lines), "i:Hello Ada, welcome to c:Sorry, can you repeat?"; got != want {
		t.Fatalf("lines %q, want %q", got, want)
	}
	if !s.lines[0].Interrupted || s.lines[1].Interrupted {
		t.Errorf("interrupted: %v %v", s.lines[0].Interrupted, s.lines[1].Interrupted)
	}
	same(t, s.offsets(), []time.Duration{100 * time.Millisecond, 3250 * time.Millisecond})
}

// TestOrderingTalkingDuringLongGreeting is the first bug without barge-in:
// the candidate's words are transcribed long before a 20 s greeting ends;
// they wait for it, whatever the patience, because it is still being said.
func TestOrderingTalkingDuringLongGreeting(t *testing.T) {
	s := newScript()
	s.o.Patience = time.Second
	s.greetingStarts()
	s.candidateAnswers(0)
	if got := s.o.Flush(s.t0.Add(15*time.Second), false); len(got) != 0 || len(s.lines) != 0 {
		t.Fatalf("released %q while the greeting is being said", texts(append(s.lines, got...)))
	}
	s.at(19000, Event{Type: EvOutputTranscriptDelta, ItemID: "a1", Delta: "the interview."})
	s.at(20000, Event{Type: EvOutputTranscriptDone, ItemID: "a1", Transcript: "Hello Ada, welcome to the interview."})
	s.at(20010, Event{Type: EvResponseDone, Response: &EventResponse{ID: "r1", Status: "completed"}})
	s.at(20020, Event{Type: EvAudioBufferStopped, ResponseID: "r1"})
	if got, want := texts(s.lines), "i:Hello Ada, welcome to the interview. c:Sorry, can you repeat?"; got != want {
		t.Fatalf("lines %q, want %q", got, want)
	}
	if s.lines[0].Interrupted {
		t.Error("a whole greeting is marked interrupted")
	}
	same(t, s.offsets(), []time.Duration{100 * time.Millisecond, 3250 * time.Millisecond})
}

// TestOrderingEndMidSentence is issue 9's second bug: the call ends while
// the interviewer is speaking; the line is stored with what was said.
func TestOrderingEndMidSentence(t *testing.T) {
	s := newScript()
	s.greetingStarts()
	if got := s.o.Flush(s.t0.Add(2*time.Second), false); len(got) != 0 {
		t.Fatalf("released %q mid-sentence", texts(got))
	}
	got := s.o.Flush(s.t0.Add(2*time.Second), true)
	if len(got) != 1 || got[0].Text != "Hello Ada, welcome to" || !got[0].Interrupted || got[0].Speaker != interview.SpeakerInterviewer {
		t.Fatalf("force flush: %+v", got)
	}
	if o := got[0].Timestamp.Sub(s.t0); o != 100*time.Millisecond {
		t.Errorf("timestamp %v", o)
	}
}

// TestOrderingTextItemsAndFunctionCalls: a user's text item is a line, a
// function call is none and holds nothing back.
func TestOrderingTextItemsAndFunctionCalls(t *testing.T) {
	s := newScript()
	s.at(0, Event{Type: EvOutputItemAdded, ResponseID: "r1", Item: &EventItem{ID: "f1", Type: "function_call", Name: "question_asked"}})
	s.at(1, Event{Type: EvItemAdded, Item: &EventItem{ID: "f1", Type: "function_call"}})
	s.at(2, Event{Type: EvOutputItemAdded, ResponseID: "r1", Item: &EventItem{ID: "a1", Type: "message", Role: "assistant"}})
	s.at(3, Event{Type: EvItemAdded, PreviousItemID: str("f1"), Item: &EventItem{ID: "a1", Type: "message", Role: "assistant"}})
	s.at(50, Event{Type: EvAudioBufferStarted, ResponseID: "r1"})
	s.at(900, Event{Type: EvOutputTranscriptDone, ItemID: "a1", Transcript: "Question one?"})
	s.at(950, Event{Type: EvResponseDone, Response: &EventResponse{ID: "r1", Status: "completed"}})
	s.at(960, Event{Type: EvAudioBufferStopped, ResponseID: "r1"})
	s.at(4000, Event{Type: EvItemAdded, PreviousItemID: str("a1"), Item: &EventItem{ID: "t1", Type: "message", Role: "user",
		Content: []EventContent{{Type: "input_text", Text: "typed answer"}}}})
	s.at(4001, Event{Type: EvItemDone, PreviousItemID: str("a1"), Item: &EventItem{ID: "t1", Type: "message", Role: "user",
		Content: []EventContent{{Type: "input_text", Text: "typed answer"}}}})
	if got, want := texts(s.lines), "i:Question one? c:typed answer"; got != want {
		t.Fatalf("lines %q, want %q", got, want)
	}
	same(t, s.offsets(), []time.Duration{50 * time.Millisecond, 4000 * time.Millisecond})
	if s.o.Pending() != 0 {
		t.Errorf("pending %d", s.o.Pending())
	}
}

// TestOrderingTimesNeverGoBack: a candidate whose speech started before the
// interviewer's audio, yet comes after it in the conversation, is timed at
// the interviewer's start, not before.
func TestOrderingTimesNeverGoBack(t *testing.T) {
	s := newScript()
	s.at(0, Event{Type: EvSpeechStarted, ItemID: "u0", AudioStartMS: ms(0)})
	s.at(10, Event{Type: EvOutputItemAdded, ResponseID: "r1", Item: &EventItem{ID: "a1", Type: "message", Role: "assistant"}})
	s.at(500, Event{Type: EvAudioBufferStarted, ResponseID: "r1"})
	s.at(900, Event{Type: EvOutputTranscriptDone, ItemID: "a1", Transcript: "Hello."})
	s.at(1000, Event{Type: EvCommitted, ItemID: "u0", PreviousItemID: str("a1")})
	s.at(1100, Event{Type: EvResponseDone, Response: &EventResponse{ID: "r1", Status: "completed"}})
	s.at(1150, Event{Type: EvAudioBufferStopped, ResponseID: "r1"})
	s.at(1200, Event{Type: EvInputTranscriptDone, ItemID: "u0", Transcript: "Hello?"})
	same(t, s.offsets(), []time.Duration{500 * time.Millisecond, 500 * time.Millisecond})
}

// TestOrderingLateLineKeepsItsPlace: a transcription that outlives the
// patience lets later lines go; when it comes, its timestamp lies between
// its neighbours', so the store puts it back at its place.
func TestOrderingLateLineKeepsItsPlace(t *testing.T) {
	s := newScript()
	s.o.Patience = 2 * time.Second
	s.at(0, Event{Type: EvSpeechStarted, ItemID: "u1", AudioStartMS: ms(0)})
	s.at(900, Event{Type: EvCommitted, ItemID: "u1"})
	s.at(1000, Event{Type: EvOutputItemAdded, ResponseID: "r1", Item: &EventItem{ID: "a1", Type: "message", Role: "assistant"}})
	s.at(1100, Event{Type: EvAudioBufferStarted, ResponseID: "r1"})
	s.at(1200, Event{Type: EvOutputTranscriptDone, ItemID: "a1", Transcript: "Next question."})
	s.at(1300, Event{Type: EvResponseDone, Response: &EventResponse{ID: "r1", Status: "completed"}})
	s.at(1400, Event{Type: EvAudioBufferStopped, ResponseID: "r1"})
	s.lines = append(s.lines, s.o.Flush(s.t0.Add(4*time.Second), false)...)
	s.at(5000, Event{Type: EvInputTranscriptDone, ItemID: "u1", Transcript: "late answer"})
	if got, want := texts(s.lines), "i:Next question. c:late answer"; got != want {
		t.Fatalf("lines %q, want %q", got, want)
	}
	same(t, s.offsets(), []time.Duration{1100 * time.Millisecond, 0})
}

// TestOrderingHeldWhilePlaying is OpenAI's timing: the model's text and
// response.done come long before its audio has played. The line (and the
// candidate's after it) waits for the audio, whatever the patience; audio
// cleared by the candidate speaking over it leaves it interrupted.
func TestOrderingHeldWhilePlaying(t *testing.T) {
	s := newScript()
	s.o.Patience = time.Second
	s.at(0, Event{Type: EvOutputItemAdded, ResponseID: "r1", Item: &EventItem{ID: "a1", Type: "message", Role: "assistant"}})
	s.at(300, Event{Type: EvAudioBufferStarted, ResponseID: "r1"})
	s.at(400, Event{Type: EvOutputTranscriptDelta, ItemID: "a1", Delta: "A long question "})
	s.at(500, Event{Type: EvOutputTranscriptDelta, ItemID: "a1", Delta: "that takes twenty seconds to say."})
	s.at(600, Event{Type: EvOutputTranscriptDone, ItemID: "a1", Transcript: "A long question that takes twenty seconds to say."})
	s.at(700, Event{Type: EvResponseDone, Response: &EventResponse{ID: "r1", Status: "completed"}})
	s.lines = append(s.lines, s.o.Flush(s.t0.Add(10*time.Second), false)...)
	if len(s.lines) != 0 {
		t.Fatalf("released %q while its audio plays", texts(s.lines))
	}
	s.at(10250, Event{Type: EvSpeechStarted, ItemID: "u1", AudioStartMS: ms(10000)})
	s.at(10260, Event{Type: EvAudioBufferCleared, ResponseID: "r1"})
	s.at(10270, Event{Type: EvItemTruncated, ItemID: "a1", AudioEndMS: ms(9900)})
	s.at(12000, Event{Type: EvCommitted, ItemID: "u1", PreviousItemID: str("a1")})
	s.at(12500, Event{Type: EvInputTranscriptDone, ItemID: "u1", Transcript: "Can I stop you there?"})
	if got, want := texts(s.lines), "i:A long question that takes twenty seconds to say. c:Can I stop you there?"; got != want {
		t.Fatalf("lines %q, want %q", got, want)
	}
	if !s.lines[0].Interrupted || s.lines[1].Interrupted {
		t.Errorf("interrupted: %v %v", s.lines[0].Interrupted, s.lines[1].Interrupted)
	}
	same(t, s.offsets(), []time.Duration{300 * time.Millisecond, 10250 * time.Millisecond})
}

func same[T comparable](t *testing.T, got, want []T) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
}
