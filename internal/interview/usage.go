package interview

import "time"

// UsageKind says which server event reported a Usage.
type UsageKind string

// The events that report usage (docs/data-model.md, "usage").
const (
	UsageResponse      UsageKind = "response"      // response.done's response.usage; SourceID is the response's id
	UsageTranscription UsageKind = "transcription" // the input transcription's completed event; SourceID is the item's id
)

// Valid reports whether k is UsageResponse or UsageTranscription.
func (k UsageKind) Valid() bool { return k == UsageResponse || k == UsageTranscription }

// MaxUsageTokens bounds each count of a Usage: far above what one
// response or transcription can cost, low enough that sums stay exact.
const MaxUsageTokens = 100_000_000

// MaxUsageSourceID bounds a Usage's SourceID, an id the provider chose.
const MaxUsageSourceID = 200

// UsageTokens are token counts in OpenAI's split. TextIn and AudioIn
// include the cached tokens that CachedTextIn and CachedAudioIn count
// again, as OpenAI's input_token_details do.
type UsageTokens struct {
	TextIn        int64 `json:"textIn"`
	AudioIn       int64 `json:"audioIn"`
	CachedTextIn  int64 `json:"cachedTextIn"`
	CachedAudioIn int64 `json:"cachedAudioIn"`
	TextOut       int64 `json:"textOut"`
	AudioOut      int64 `json:"audioOut"`
}

// counts lists the fields of u, for checks that treat them alike.
func (u UsageTokens) counts() []int64 {
	return []int64{u.TextIn, u.AudioIn, u.CachedTextIn, u.CachedAudioIn, u.TextOut, u.AudioOut}
}

// Add returns the field-wise sum of u and v.
func (u UsageTokens) Add(v UsageTokens) UsageTokens {
	return UsageTokens{TextIn: u.TextIn + v.TextIn, AudioIn: u.AudioIn + v.AudioIn,
		CachedTextIn: u.CachedTextIn + v.CachedTextIn, CachedAudioIn: u.CachedAudioIn + v.CachedAudioIn,
		TextOut: u.TextOut + v.TextOut, AudioOut: u.AudioOut + v.AudioOut}
}

// Usage is what one response or one transcription of an interview's call
// cost, as the provider reported it.
type Usage struct {
	TenantID    string    `json:"-"`
	InterviewID string    `json:"-"`
	SourceID    string    `json:"sourceId"`
	Kind        UsageKind `json:"kind"`
	Model       string    `json:"model,omitempty"`
	UsageTokens
	At time.Time `json:"at"`
}

// DailyUsage is a tenant's usage of one UTC day.
type DailyUsage struct {
	Day time.Time `json:"day"` // midnight UTC
	UsageTokens
}

// Validate reports an unknown kind, a missing or overlong source id, or
// a count outside 0..MaxUsageTokens.
func (u Usage) Validate() error {
	switch {
	case !u.Kind.Valid():
		return FieldErrorf("kind", "unknown usage kind %q", u.Kind)
	case u.SourceID == "" || len(u.SourceID) > MaxUsageSourceID:
		return FieldErrorf("sourceId", "a usage needs a source id of 1 to %d bytes", MaxUsageSourceID)
	case len(u.Model) > MaxUsageSourceID:
		return FieldErrorf("model", "a model name has at most %d bytes", MaxUsageSourceID)
	}
	for _, n := range u.counts() {
		if n < 0 || n > MaxUsageTokens {
			return FieldErrorf("tokens", "a token count is between 0 and %d, not %d", MaxUsageTokens, n)
		}
	}
	return nil
}
