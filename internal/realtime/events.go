package realtime

import (
	"encoding/json"
	"fmt"
)

// Server event types interviewd acts on (GA names).
const (
	EvSessionUpdated          = "session.updated"
	EvError                   = "error"
	EvSpeechStarted           = "input_audio_buffer.speech_started"
	EvSpeechStopped           = "input_audio_buffer.speech_stopped"
	EvCommitted               = "input_audio_buffer.committed"
	EvItemAdded               = "conversation.item.added"
	EvInputTranscriptDelta    = "conversation.item.input_audio_transcription.delta"
	EvInputTranscriptDone     = "conversation.item.input_audio_transcription.completed"
	EvInputTranscriptFailed   = "conversation.item.input_audio_transcription.failed"
	EvOutputItemAdded         = "response.output_item.added"
	EvOutputTranscriptDelta   = "response.output_audio_transcript.delta"
	EvOutputTranscriptDone    = "response.output_audio_transcript.done"
	EvOutputTextDone          = "response.output_text.done"
	EvResponseDone            = "response.done"
	evLegacyOutputTranscript  = "response.audio_transcript.done" // beta name, still seen in old servers
	MaxEventSize              = 1 << 20
	maxTranscriptTextFromPeer = 20000
)

// Event is the part of a server event interviewd reads. Unknown fields are
// ignored; unknown types are passed over.
type Event struct {
	Type           string          `json:"type"`
	EventID        string          `json:"event_id,omitempty"`
	ItemID         string          `json:"item_id,omitempty"`
	PreviousItemID *string         `json:"previous_item_id,omitempty"`
	ResponseID     string          `json:"response_id,omitempty"`
	Transcript     string          `json:"transcript,omitempty"`
	Text           string          `json:"text,omitempty"`
	Delta          string          `json:"delta,omitempty"`
	Item           *EventItem      `json:"item,omitempty"`
	Error          *EventError     `json:"error,omitempty"`
	Session        json.RawMessage `json:"session,omitempty"`
}

// EventItem is a conversation item inside an event.
type EventItem struct {
	ID     string `json:"id"`
	Type   string `json:"type"`
	Role   string `json:"role"`
	Status string `json:"status,omitempty"`
}

// EventError is the error object of an error event.
type EventError struct {
	Type    string `json:"type"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// DecodeEvent parses one server event, refusing oversized or typeless ones.
func DecodeEvent(b []byte) (Event, error) {
	var ev Event
	if len(b) > MaxEventSize {
		return ev, fmt.Errorf("event of %d bytes is too large", len(b))
	}
	if err := json.Unmarshal(b, &ev); err != nil {
		return ev, fmt.Errorf("decode event: %w", err)
	}
	if ev.Type == "" {
		return ev, fmt.Errorf("event without a type")
	}
	return ev, nil
}
