package realtime

import (
	"encoding/json"
	"fmt"

	"github.com/interviewd/interviewd/internal/interview"
)

// EventUsage is the usage object of response.done's response and of
// the input transcription's completed event, in OpenAI's shape. A
// transcription billed by "duration" has only Type and Seconds.
type EventUsage struct {
	Type               string              `json:"type,omitempty"` // transcription: tokens or duration
	TotalTokens        int64               `json:"total_tokens"`
	InputTokens        int64               `json:"input_tokens"`
	OutputTokens       int64               `json:"output_tokens"`
	InputTokenDetails  *InputTokenDetails  `json:"input_token_details,omitempty"`
	OutputTokenDetails *OutputTokenDetails `json:"output_token_details,omitempty"`
	Seconds            float64             `json:"seconds,omitempty"` // type duration
}

// InputTokenDetails splits a usage's input tokens.
type InputTokenDetails struct {
	TextTokens          int64         `json:"text_tokens"`
	AudioTokens         int64         `json:"audio_tokens"`
	CachedTokens        int64         `json:"cached_tokens"`
	CachedTokensDetails *TokenDetails `json:"cached_tokens_details,omitempty"`
}

// OutputTokenDetails splits a usage's output tokens.
type OutputTokenDetails = TokenDetails

// TokenDetails is a split into text and audio tokens.
type TokenDetails struct {
	TextTokens  int64 `json:"text_tokens"`
	AudioTokens int64 `json:"audio_tokens"`
}

// usageEvent is the part of a server event ParseUsage reads.
type usageEvent struct {
	Type     string      `json:"type"`
	ItemID   string      `json:"item_id"`
	Usage    *EventUsage `json:"usage"`
	Response *struct {
		ID    string      `json:"id"`
		Usage *EventUsage `json:"usage"`
	} `json:"response"`
}

// ParseUsage reads the usage a server event reports: response.done's
// (with the response's id) or the input transcription's completed
// event's (with the item's id). It returns false for other events, for
// those without usage and for a transcription billed by duration, which
// has no tokens; an error for malformed JSON or a usage that fails
// interview.Usage.Validate. The caller fills TenantID, InterviewID,
// Model and At.
func ParseUsage(event []byte) (interview.Usage, bool, error) {
	if len(event) > MaxEventSize {
		return interview.Usage{}, false, fmt.Errorf("event of %d bytes is too large", len(event))
	}
	var ev usageEvent
	if err := json.Unmarshal(event, &ev); err != nil {
		return interview.Usage{}, false, fmt.Errorf("decode usage: %w", err)
	}
	u := interview.Usage{}
	var eu *EventUsage
	switch {
	case ev.Type == EvResponseDone && ev.Response != nil:
		u.Kind, u.SourceID, eu = interview.UsageResponse, ev.Response.ID, ev.Response.Usage
	case ev.Type == EvInputTranscriptDone:
		u.Kind, u.SourceID, eu = interview.UsageTranscription, ev.ItemID, ev.Usage
	}
	if eu == nil || eu.Type == "duration" {
		return interview.Usage{}, false, nil
	}
	u.UsageTokens = eu.tokens(u.Kind)
	if err := u.Validate(); err != nil {
		return interview.Usage{}, false, fmt.Errorf("usage of %s %s: %w", ev.Type, u.SourceID, err)
	}
	return u, true, nil
}

// tokens maps the usage onto interview.UsageTokens. Without input
// details, a response's input is taken as text and a transcription's as
// audio (what it transcribes); without output details, output is text.
// Cached tokens without their split are counted as cached text.
func (eu *EventUsage) tokens(kind interview.UsageKind) interview.UsageTokens {
	var t interview.UsageTokens
	switch d := eu.InputTokenDetails; {
	case d != nil:
		t.TextIn, t.AudioIn = d.TextTokens, d.AudioTokens
		if c := d.CachedTokensDetails; c != nil {
			t.CachedTextIn, t.CachedAudioIn = c.TextTokens, c.AudioTokens
		} else {
			t.CachedTextIn = d.CachedTokens
		}
	case kind == interview.UsageTranscription:
		t.AudioIn = eu.InputTokens
	default:
		t.TextIn = eu.InputTokens
	}
	if d := eu.OutputTokenDetails; d != nil {
		t.TextOut, t.AudioOut = d.TextTokens, d.AudioTokens
	} else {
		t.TextOut = eu.OutputTokens
	}
	return t
}
