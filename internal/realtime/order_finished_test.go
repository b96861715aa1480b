package realtime

import (
	"testing"
	"time"
)

// TestLineFinished: a line carries when its final event arrived, which a
// line held back by an earlier unfinished one keeps until it is released.
func TestLineFinished(t *testing.T) {
	o := NewOrdering(5 * time.Second)
	t0 := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	first := "item_1"
	o.Observe(Event{Type: EvCommitted, ItemID: first}, t0)
	o.Observe(Event{Type: EvOutputItemAdded, Item: &EventItem{ID: "item_2", Type: "message"}}, t0.Add(time.Second))
	if got := o.Observe(Event{Type: EvOutputTranscriptDone, ItemID: "item_2", Transcript: "Next question."}, t0.Add(2*time.Second)); len(got) != 0 {
		t.Fatalf("released %+v before the earlier line finished", got)
	}
	got := o.Observe(Event{Type: EvInputTranscriptDone, ItemID: first, Transcript: "An answer."}, t0.Add(3*time.Second))
	if len(got) != 2 {
		t.Fatalf("released %+v", got)
	}
	if !got[0].Finished.Equal(t0.Add(3*time.Second)) || !got[1].Finished.Equal(t0.Add(2*time.Second)) {
		t.Errorf("finished at %v and %v", got[0].Finished, got[1].Finished)
	}
	if !got[1].Timestamp.Equal(t0.Add(time.Second)) {
		t.Errorf("Timestamp changed: %v", got[1].Timestamp)
	}
}
