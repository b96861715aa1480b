package engine

import (
	"encoding/json"
	"io"
	"sync"
	"time"
)

// RecordEntry is one line of the engine's record (Config.Record): a
// finished conversation message with text, or a function call. It is what
// the engine said and heard, the oracle against which a store's
// transcript is checked (docs/engine.md, "The record").
type RecordEntry struct {
	Time   time.Time `json:"time"`
	CallID string    `json:"call_id"`
	ItemID string    `json:"item_id"`
	// Role is the message's role (assistant, user); empty for a function call.
	Role string `json:"role,omitempty"`
	// Text is the message's text or transcript.
	Text string `json:"text,omitempty"`
	// Name is the function's name; empty for a message.
	Name string `json:"name,omitempty"`
}

// recorder appends record entries, one JSON line each, to a writer shared
// by every call; a write error is logged once and recording goes on.
type recorder struct {
	mu     sync.Mutex
	w      io.Writer
	failed bool
}

// record notes the server event v of call callID when it finishes an item
// worth recording: conversation.item.done of a message with text or of a
// function call, and a finished input transcription with text (the text
// of an audio item, which is null when the item is done).
func (e *Engine) record(callID string, v any) {
	if e.rec == nil {
		return
	}
	entry := RecordEntry{CallID: callID}
	switch ev := v.(type) {
	case conversationItemEvent:
		if ev.Type != "conversation.item.done" || !recordItem(&entry, ev.Item) {
			return
		}
	case transcriptionCompletedEvent:
		if ev.Transcript == "" {
			return
		}
		entry.ItemID, entry.Role, entry.Text = ev.ItemID, "user", ev.Transcript
	default:
		return
	}
	entry.Time = time.Now().UTC()
	e.rec.write(entry, e)
}

// recordItem fills entry from a finished item and reports whether the item
// is a function call or a message with text.
func recordItem(entry *RecordEntry, it itemObject) bool {
	entry.ItemID = it.ID
	switch it.Type {
	case "function_call":
		entry.Name = it.Name
		return true
	case "message":
		entry.Role, entry.Text = it.Role, itemText(it)
		return entry.Text != ""
	}
	return false
}

// itemText is a message's text: its text parts and string transcripts
// (a null transcript, an audio item not yet transcribed, adds nothing).
func itemText(it itemObject) string {
	if it.Content == nil {
		return ""
	}
	var text string
	for _, c := range *it.Content {
		if c.Text != nil {
			text += *c.Text
		}
		var s string
		if len(c.Transcript) > 0 && json.Unmarshal(c.Transcript, &s) == nil {
			text += s
		}
	}
	return text
}

func (r *recorder) write(entry RecordEntry, e *Engine) {
	b, _ := json.Marshal(entry) // only strings and a time: cannot fail
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, err := r.w.Write(append(b, '\n')); err != nil && !r.failed {
		r.failed = true
		e.log.Error("engine record: write failed; later entries may be missing", "err", err)
	}
}
