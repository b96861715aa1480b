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
	EvItemDone                = "conversation.item.done"
	EvItemTruncated           = "conversation.item.truncated"
	EvInputTranscriptDelta    = "conversation.item.input_audio_transcription.delta"
	EvInputTranscriptDone     = "conversation.item.input_audio_transcription.completed"
	EvInputTranscriptFailed   = "conversation.item.input_audio_transcription.failed"
	EvResponseCreated         = "response.created"
	EvOutputItemAdded         = "response.output_item.added"
	EvOutputItemDone          = "response.output_item.done"
	EvOutputTranscriptDelta   = "response.output_audio_transcript.delta"
	EvOutputTranscriptDone    = "response.output_audio_transcript.done"
	EvOutputTextDelta         = "response.output_text.delta"
	EvOutputTextDone          = "response.output_text.done"
	EvFunctionArgsDone        = "response.function_call_arguments.done"
	EvResponseDone            = "response.done"
	EvAudioBufferStarted      = "output_audio_buffer.started"
	EvAudioBufferStopped      = "output_audio_buffer.stopped"
	EvAudioBufferCleared      = "output_audio_buffer.cleared"
	evLegacyOutputTranscript  = "response.audio_transcript.done"  // beta name, still seen in old servers
	evLegacyOutputDelta       = "response.audio_transcript.delta" // beta name of the delta
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
	AudioStartMS   *int64          `json:"audio_start_ms,omitempty"` // speech_started
	AudioEndMS     *int64          `json:"audio_end_ms,omitempty"`   // speech_stopped, conversation.item.truncated
	CallID         string          `json:"call_id,omitempty"`        // function_call_arguments.done
	Name           string          `json:"name,omitempty"`           // function_call_arguments.done
	Arguments      string          `json:"arguments,omitempty"`      // function_call_arguments.done
	Item           *EventItem      `json:"item,omitempty"`
	Response       *EventResponse  `json:"response,omitempty"`
	Error          *EventError     `json:"error,omitempty"`
	Session        json.RawMessage `json:"session,omitempty"`
	// ReceivedAt is not the provider's: the room stamps the copies it
	// forwards as a witness with when its data channel delivered them
	// (milliseconds since the epoch, the browser's clock).
	ReceivedAt int64 `json:"receivedAt,omitempty"`
}

// EventItem is a conversation item inside an event.
type EventItem struct {
	ID        string         `json:"id"`
	Type      string         `json:"type"` // message, function_call, function_call_output
	Role      string         `json:"role"`
	Status    string         `json:"status,omitempty"` // in_progress, completed, incomplete
	Content   []EventContent `json:"content,omitempty"`
	CallID    string         `json:"call_id,omitempty"`   // function_call
	Name      string         `json:"name,omitempty"`      // function_call
	Arguments string         `json:"arguments,omitempty"` // function_call
}

// EventContent is one content part of a message item.
type EventContent struct {
	Type       string  `json:"type"` // input_text, input_audio, output_text, output_audio, text, audio
	Text       string  `json:"text,omitempty"`
	Transcript *string `json:"transcript,omitempty"`
}

// EventResponse is the response object of response.created and
// response.done.
type EventResponse struct {
	ID            string        `json:"id"`
	Status        string        `json:"status"` // completed, cancelled, incomplete, failed, in_progress
	StatusDetails *StatusDetail `json:"status_details,omitempty"`
	Output        []EventItem   `json:"output,omitempty"`
}

// StatusDetail says why a response ended as it did.
type StatusDetail struct {
	Type   string `json:"type"`
	Reason string `json:"reason,omitempty"`
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
