package web

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/interviewd/interviewd/internal/calls"
	"github.com/interviewd/interviewd/internal/interview"
)

// TestUpdateMessages: a manager's update becomes the documented server
// message (docs/signaling.md): progress byte for byte, an entry as the
// transcript message.
func TestUpdateMessages(t *testing.T) {
	b, err := json.Marshal(updateMessage(calls.Update{Progress: &calls.Progress{Question: 2, Total: 5}}))
	if want := `{"type":"progress","question":2,"total":5}`; err != nil || string(b) != want {
		t.Errorf("progress %s (%v), want %s", b, err, want)
	}
	var back serverMessage
	if err := json.Unmarshal(b, &back); err != nil || back.Type != msgProgress || back.Question != 2 || back.Total != 5 {
		t.Errorf("decode %s: %+v %v", b, back, err)
	}
	at := time.Date(2026, 5, 1, 10, 1, 2, 500e6, time.UTC)
	m := updateMessage(calls.Update{Entry: &interview.TranscriptEntry{Seq: 3, Speaker: interview.SpeakerCandidate,
		Text: "Hi", Timestamp: at, ItemID: "item_1"}})
	if m.Type != msgTranscript || m.Entry == nil || m.Entry.Seq != 3 || m.Question != 0 {
		t.Errorf("entry update %+v", m)
	}
	if b, _ := json.Marshal(m); containsKey(b, "question") {
		t.Errorf("a transcript message carries progress fields: %s", b)
	}
}

func containsKey(b []byte, key string) bool {
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	_, ok := m[key]
	return ok
}
