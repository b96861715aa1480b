package realtime

import (
	"strings"
	"testing"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
)

func str(s string) *string { return &s }

func texts(lines []Line) string {
	var parts []string
	for _, l := range lines {
		parts = append(parts, string(l.Speaker[0])+":"+l.Text)
	}
	return strings.Join(parts, " ")
}

// TestOrderingOutOfOrderTranscription: the candidate's transcript completes
// after the interviewer's next line, yet the lines come out in the order
// they were said.
func TestOrderingOutOfOrderTranscription(t *testing.T) {
	o := NewOrdering(10 * time.Second)
	now := time.Now()
	var got []Line
	events := []Event{
		{Type: EvOutputItemAdded, Item: &EventItem{ID: "a1", Type: "message", Role: "assistant"}},
		{Type: EvOutputTranscriptDone, ItemID: "a1", Transcript: "Hello Ada. Question one?"},
		{Type: EvCommitted, ItemID: "u1", PreviousItemID: str("a1")},
		{Type: EvOutputItemAdded, Item: &EventItem{ID: "a2", Type: "message", Role: "assistant"}},
		{Type: EvOutputTranscriptDone, ItemID: "a2", Transcript: "Question two?"},
		{Type: EvCommitted, ItemID: "u2", PreviousItemID: str("a2")},
		{Type: EvInputTranscriptDone, ItemID: "u2", Transcript: "second answer"},
		{Type: EvInputTranscriptDone, ItemID: "u1", Transcript: "first answer"},
	}
	for i, ev := range events {
		got = append(got, o.Observe(ev, now.Add(time.Duration(i)*time.Millisecond))...)
	}
	want := "i:Hello Ada. Question one? c:first answer i:Question two? c:second answer"
	if texts(got) != want {
		t.Errorf("got %q\nwant %q", texts(got), want)
	}
	if o.Pending() != 0 {
		t.Errorf("pending %d", o.Pending())
	}
}

func TestOrderingPatienceAndFailure(t *testing.T) {
	o := NewOrdering(time.Second)
	t0 := time.Now()
	o.Observe(Event{Type: EvCommitted, ItemID: "u1"}, t0)
	o.Observe(Event{Type: EvOutputItemAdded, Item: &EventItem{ID: "a1", Type: "message"}}, t0)
	if got := o.Observe(Event{Type: EvOutputTranscriptDone, ItemID: "a1", Transcript: "next"}, t0); len(got) != 0 {
		t.Fatalf("released past an unfinished line: %v", got)
	}
	if got := o.Flush(t0.Add(2*time.Second), false); texts(got) != "i:next" {
		t.Errorf("patience did not release: %q", texts(got))
	}
	// The late transcript still arrives and is released then.
	if got := o.Observe(Event{Type: EvInputTranscriptDone, ItemID: "u1", Transcript: "late"}, t0.Add(3*time.Second)); texts(got) != "c:late" {
		t.Errorf("late line: %q", texts(got))
	}
	// A failed transcription never holds anything back.
	o.Observe(Event{Type: EvCommitted, ItemID: "u2"}, t0)
	o.Observe(Event{Type: EvInputTranscriptFailed, ItemID: "u2"}, t0)
	got := o.Observe(Event{Type: EvOutputTranscriptDone, ItemID: "a3", Transcript: "bye"}, t0)
	if texts(got) != "i:bye" {
		t.Errorf("after failure: %q", texts(got))
	}
	// Repeated events do not duplicate a line.
	if got := o.Observe(Event{Type: EvOutputTranscriptDone, ItemID: "a3", Transcript: "bye"}, t0); len(got) != 0 {
		t.Errorf("duplicate released: %v", got)
	}
}

func TestOrderingForceFlushAndSpeakers(t *testing.T) {
	o := NewOrdering(time.Hour)
	now := time.Now()
	o.Observe(Event{Type: EvCommitted, ItemID: "u1"}, now)
	o.Observe(Event{Type: EvItemAdded, PreviousItemID: str("u1"), Item: &EventItem{ID: "s1", Type: "message", Role: "system"}}, now)
	o.Observe(Event{Type: EvOutputTextDone, ItemID: "s1", Text: "note"}, now)
	got := o.Flush(now, true)
	if len(got) != 1 || got[0].Speaker != interview.SpeakerSystem {
		t.Errorf("force flush: %+v", got)
	}
}
