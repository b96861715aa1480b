package chaos

import (
	"encoding/json"
	"time"

	"github.com/interviewd/interviewd/internal/testenv/peer"
)

// witnessTypes are the data channel's events that carry a final line, or
// the interviewer's end_interview.
var witnessTypes = map[string]bool{
	"conversation.item.input_audio_transcription.completed": true, "response.output_audio_transcript.done": true,
	"response.output_text.done": true, "conversation.item.added": true, "conversation.item.done": true,
	"conversation.item.created": true, "response.function_call_arguments.done": true,
}

// witness keeps an event that carries a line, or end_interview, with its
// receivedAt, and sends it when a socket is open.
func (c *candidate) witness(ev peer.Event) {
	end := ev.Type == "response.function_call_arguments.done" && ev.Name == "end_interview"
	if !witnessTypes[ev.Type] || !end && !hasLine(ev) {
		return
	}
	raw := withReceivedAt(ev.Raw)
	c.recent = append(c.recent, raw)
	if len(c.recent) > replayRecent {
		c.recent = c.recent[1:]
	}
	c.pending = append(c.pending, raw)
	c.flushPending()
}

// replayWitness queues the recent events again, before those waiting, and
// sends them: the server that now reads the call stores what it never heard.
func (c *candidate) replayWitness() {
	waiting := map[string]bool{}
	for _, ev := range c.pending {
		waiting[string(ev)] = true
	}
	var again []json.RawMessage
	for _, ev := range c.recent {
		if !waiting[string(ev)] {
			again = append(again, ev)
		}
	}
	c.pending = append(again, c.pending...)
	c.flushPending()
}

// withReceivedAt is the event as the room forwards it: with receivedAt,
// when it arrived, in milliseconds since the epoch.
func withReceivedAt(raw string) json.RawMessage {
	var m map[string]json.RawMessage
	if json.Unmarshal([]byte(raw), &m) != nil {
		return json.RawMessage(raw)
	}
	m["receivedAt"], _ = json.Marshal(time.Now().UnixMilli())
	b, _ := json.Marshal(m)
	return b
}

// flushPending sends the waiting witness events when a socket is open.
func (c *candidate) flushPending() {
	if c.ws != nil {
		c.flushWitness(c.pending)
		c.pending = nil
	}
}

// hasLine is the room's test: a message with text, or a transcript, with
// an item ID.
func hasLine(ev peer.Event) bool {
	if ev.Item != nil {
		if ev.Item.Type != "message" || ev.Item.ID == "" {
			return false
		}
		for _, part := range ev.Item.Content {
			if part.Text != "" || (part.Transcript != nil && *part.Transcript != "") {
				return true
			}
		}
		return false
	}
	return ev.ItemID != "" && ev.Transcript != ""
}

// flushWitness sends events as transcript messages within the server's
// limits (50 events, 32 KiB).
func (c *candidate) flushWitness(evs []json.RawMessage) {
	var batch []json.RawMessage
	size := 0
	flush := func() {
		if len(batch) > 0 {
			c.send(map[string]any{"type": "transcript", "events": batch})
		}
		batch, size = nil, 0
	}
	for _, ev := range evs {
		n := len(ev) + 1
		if n > witnessBytes {
			continue
		}
		if len(batch) == witnessEvents || size+n > witnessBytes {
			flush()
		}
		batch = append(batch, ev)
		size += n
	}
	flush()
}
