package engine

import (
	"encoding/json"
	"time"
)

// The server events, in OpenAI's GA shapes. Every event is marshalled once
// and the same bytes go to the data channel and to every sideband.

type header struct {
	Type    string `json:"type"`
	EventID string `json:"event_id"`
}

func hdr(typ string) header { return header{Type: typ, EventID: newID("event_")} }

type sessionEvent struct {
	header
	Session sessionObject `json:"session"`
}

type sessionObject struct {
	Type             string          `json:"type"`
	Object           string          `json:"object"`
	ID               string          `json:"id"`
	Model            string          `json:"model"`
	OutputModalities []string        `json:"output_modalities"`
	Instructions     string          `json:"instructions"`
	ExpiresAt        int64           `json:"expires_at"`
	Audio            sessionIO       `json:"audio"`
	MaxOutputTokens  string          `json:"max_output_tokens"`
	ToolChoice       json.RawMessage `json:"tool_choice"`
	Tools            json.RawMessage `json:"tools"`
	Tracing          *struct{}       `json:"tracing"`
	Prompt           *struct{}       `json:"prompt"`
	Include          *[]struct{}     `json:"include"`
}

type sessionIO struct {
	Input  sessionInput  `json:"input"`
	Output sessionOutput `json:"output"`
}

type sessionInput struct {
	Format         audioFormat     `json:"format"`
	Transcription  json.RawMessage `json:"transcription"`
	NoiseReduction json.RawMessage `json:"noise_reduction"`
	TurnDetection  json.RawMessage `json:"turn_detection"`
}

type sessionOutput struct {
	Format audioFormat `json:"format"`
	Voice  string      `json:"voice"`
	Speed  float64     `json:"speed"`
}

type audioFormat struct {
	Type string `json:"type"`
	Rate int    `json:"rate"`
}

var pcm24k = audioFormat{Type: "audio/pcm", Rate: 24000}

func newSessionEvent(typ, id string, s session, expires time.Time) sessionEvent {
	return sessionEvent{header: hdr(typ), Session: sessionObject{
		Type: "realtime", Object: "realtime.session", ID: id, Model: s.Model,
		OutputModalities: []string{"audio"}, Instructions: s.Instructions,
		ExpiresAt: expires.Unix(), MaxOutputTokens: "inf", ToolChoice: s.ToolChoice, Tools: s.Tools,
		Audio: sessionIO{
			Input: sessionInput{Format: pcm24k, Transcription: s.Transcription,
				NoiseReduction: s.NoiseReduction, TurnDetection: s.TurnDetection},
			Output: sessionOutput{Format: pcm24k, Voice: s.Voice, Speed: s.Speed},
		},
	}}
}

type responseEvent struct {
	header
	Response responseObject `json:"response"`
}

type responseObject struct {
	Object           string         `json:"object"`
	ID               string         `json:"id"`
	Status           string         `json:"status"`
	StatusDetails    *statusDetails `json:"status_details"`
	Output           []itemObject   `json:"output"`
	ConversationID   string         `json:"conversation_id"`
	OutputModalities []string       `json:"output_modalities"`
	MaxOutputTokens  string         `json:"max_output_tokens"`
	Audio            responseAudio  `json:"audio"`
	Usage            *usageObject   `json:"usage"`
	Metadata         *struct{}      `json:"metadata"`
}

// statusDetails says why a response did not complete.
type statusDetails struct {
	Type   string `json:"type"`
	Reason string `json:"reason"`
}

type responseAudio struct {
	Output sessionOutputVoice `json:"output"`
}

type sessionOutputVoice struct {
	Format audioFormat `json:"format"`
	Voice  string      `json:"voice"`
}

// usageObject is a response's token usage in OpenAI's shape, with the
// engine's estimates (usage.go).
type usageObject struct {
	TotalTokens        int                `json:"total_tokens"`
	InputTokens        int                `json:"input_tokens"`
	OutputTokens       int                `json:"output_tokens"`
	InputTokenDetails  inputTokenDetails  `json:"input_token_details"`
	OutputTokenDetails outputTokenDetails `json:"output_token_details"`
}

type inputTokenDetails struct {
	TextTokens   int `json:"text_tokens"`
	AudioTokens  int `json:"audio_tokens"`
	ImageTokens  int `json:"image_tokens"`
	CachedTokens int `json:"cached_tokens"`
	// CachedTokensDetails splits CachedTokens by modality.
	CachedTokensDetails cachedDetails `json:"cached_tokens_details"`
}

type cachedDetails struct {
	TextTokens  int `json:"text_tokens"`
	AudioTokens int `json:"audio_tokens"`
}

type outputTokenDetails struct {
	TextTokens  int `json:"text_tokens"`
	AudioTokens int `json:"audio_tokens"`
}

// itemObject is a conversation item: a message, a function_call or a
// function_call_output; the fields of the other types are left out.
type itemObject struct {
	ID        string           `json:"id"`
	Object    string           `json:"object"`
	Type      string           `json:"type"`
	Status    string           `json:"status,omitempty"`
	Role      string           `json:"role,omitempty"`
	Content   *[]contentObject `json:"content,omitempty"`
	CallID    string           `json:"call_id,omitempty"`
	Name      string           `json:"name,omitempty"`
	Arguments *string          `json:"arguments,omitempty"`
	Output    *string          `json:"output,omitempty"`
}

// contentObject is one content part of a message: output_audio with its
// transcript, input_audio (transcript null until transcribed) or input_text.
type contentObject struct {
	Type       string          `json:"type"`
	Text       *string         `json:"text,omitempty"`
	Transcript json.RawMessage `json:"transcript,omitempty"`
}

func transcriptJSON(s string) json.RawMessage {
	b, _ := json.Marshal(s)
	return b
}

type audioBufferEvent struct {
	header
	ResponseID string `json:"response_id"`
}

type outputItemEvent struct {
	header
	ResponseID  string     `json:"response_id"`
	OutputIndex int        `json:"output_index"`
	Item        itemObject `json:"item"`
}

// conversationItemEvent is conversation.item.added and .done.
type conversationItemEvent struct {
	header
	PreviousItemID *string    `json:"previous_item_id"`
	Item           itemObject `json:"item"`
}

type contentPartEvent struct {
	header
	ResponseID   string     `json:"response_id"`
	ItemID       string     `json:"item_id"`
	OutputIndex  int        `json:"output_index"`
	ContentIndex int        `json:"content_index"`
	Part         partObject `json:"part"`
}

type partObject struct {
	Type       string `json:"type"`
	Transcript string `json:"transcript"`
}

// outputAudioDoneEvent is response.output_audio.done.
type outputAudioDoneEvent struct {
	header
	ResponseID   string `json:"response_id"`
	ItemID       string `json:"item_id"`
	OutputIndex  int    `json:"output_index"`
	ContentIndex int    `json:"content_index"`
}

type functionArgsDeltaEvent struct {
	header
	ResponseID  string `json:"response_id"`
	ItemID      string `json:"item_id"`
	OutputIndex int    `json:"output_index"`
	CallID      string `json:"call_id"`
	Delta       string `json:"delta"`
}

type functionArgsDoneEvent struct {
	header
	ResponseID  string `json:"response_id"`
	ItemID      string `json:"item_id"`
	OutputIndex int    `json:"output_index"`
	CallID      string `json:"call_id"`
	Name        string `json:"name"`
	Arguments   string `json:"arguments"`
}

type truncatedEvent struct {
	header
	ItemID       string `json:"item_id"`
	ContentIndex int    `json:"content_index"`
	AudioEndMS   int64  `json:"audio_end_ms"`
}

type rateLimitsEvent struct {
	header
	RateLimits []rateLimit `json:"rate_limits"`
}

type rateLimit struct {
	Name         string  `json:"name"`
	Limit        int     `json:"limit"`
	Remaining    int     `json:"remaining"`
	ResetSeconds float64 `json:"reset_seconds"`
}

// newRateLimits reports generous, never-exhausted limits: the engine has none.
func newRateLimits() rateLimitsEvent {
	return rateLimitsEvent{header: hdr("rate_limits.updated"), RateLimits: []rateLimit{
		{Name: "requests", Limit: 1000, Remaining: 999, ResetSeconds: 60},
		{Name: "tokens", Limit: 50000, Remaining: 50000, ResetSeconds: 60}}}
}

type transcriptDeltaEvent struct {
	header
	ResponseID   string `json:"response_id"`
	ItemID       string `json:"item_id"`
	OutputIndex  int    `json:"output_index"`
	ContentIndex int    `json:"content_index"`
	Delta        string `json:"delta"`
}

type transcriptDoneEvent struct {
	header
	ResponseID   string `json:"response_id"`
	ItemID       string `json:"item_id"`
	OutputIndex  int    `json:"output_index"`
	ContentIndex int    `json:"content_index"`
	Transcript   string `json:"transcript"`
}

type committedEvent struct {
	header
	PreviousItemID *string `json:"previous_item_id"`
	ItemID         string  `json:"item_id"`
}

type transcriptionDeltaEvent struct {
	header
	ItemID       string `json:"item_id"`
	ContentIndex int    `json:"content_index"`
	Delta        string `json:"delta"`
}

type transcriptionCompletedEvent struct {
	header
	ItemID       string     `json:"item_id"`
	ContentIndex int        `json:"content_index"`
	Transcript   string     `json:"transcript"`
	Usage        tokenUsage `json:"usage"`
	// Note is the engine's own addition: why Transcript is empty.
	Note string `json:"note,omitempty"`
}

// tokenUsage is a transcription's usage in OpenAI's "tokens" shape.
type tokenUsage struct {
	Type              string             `json:"type"`
	TotalTokens       int                `json:"total_tokens"`
	InputTokens       int                `json:"input_tokens"`
	InputTokenDetails transcriptionInput `json:"input_token_details"`
	OutputTokens      int                `json:"output_tokens"`
}

type transcriptionInput struct {
	TextTokens  int `json:"text_tokens"`
	AudioTokens int `json:"audio_tokens"`
}

type transcriptionFailedEvent struct {
	header
	ItemID       string    `json:"item_id"`
	ContentIndex int       `json:"content_index"`
	Error        *apiError `json:"error"`
}

type speechEvent struct {
	header
	AudioStartMS *int64 `json:"audio_start_ms,omitempty"`
	AudioEndMS   *int64 `json:"audio_end_ms,omitempty"`
	ItemID       string `json:"item_id"`
}

// timeoutEvent is input_audio_buffer.timeout_triggered.
type timeoutEvent struct {
	header
	AudioStartMS int64  `json:"audio_start_ms"`
	AudioEndMS   int64  `json:"audio_end_ms"`
	ItemID       string `json:"item_id"`
}

type errorEvent struct {
	header
	Error *apiError `json:"error"`
}

type plainEvent struct {
	header
}

func newErrorEvent(e *apiError) errorEvent { return errorEvent{header: hdr("error"), Error: e} }

// encode marshals one of the event types above. They hold only our own
// values and raw JSON that was decoded from valid input, so an error is a
// bug; it becomes a server_error event rather than a panic.
func encode(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		e := newAPIError(0, "server_error", "", "", "The engine could not encode an event.")
		b, _ = json.Marshal(newErrorEvent(e))
	}
	return b
}
