package engine

import (
	"math"
	"time"
	"unicode/utf8"
)

// Token estimates: the engine runs no tokenizer, so it counts what a
// model would have read and written, deterministically (docs/engine.md,
// "Usage"). The audio rates are the engine's own choice; the reference
// publishes none.
const (
	runesPerTextToken         = 4
	inputAudioTokensPerSecond = 10
	outputAudioTokensPerSec   = 20
)

// textTokens estimates the tokens of s: one per four runes, rounded up.
func textTokens(s string) int {
	return (utf8.RuneCountInString(s) + runesPerTextToken - 1) / runesPerTextToken
}

// audioTokens estimates the tokens of d of audio at perSecond, rounded up.
func audioTokens(d time.Duration, perSecond int) int {
	if d <= 0 {
		return 0
	}
	return int(math.Ceil(d.Seconds() * float64(perSecond)))
}

// usageTally is the conversation as a model would read it before the
// next response, in tokens, and the previous response's input, which
// OpenAI's prompt cache would hold.
type usageTally struct {
	text, audio int // the conversation's items
	cachedFor   string
	cachedText  int
	cachedAudio int
}

// addText counts text added to the conversation: a user's text message,
// a function call's output, an assistant's transcript.
func (u *usageTally) addText(s string) { u.text += textTokens(s) }

// addAudio counts a user's committed audio.
func (u *usageTally) addAudio(d time.Duration) {
	u.audio += audioTokens(d, inputAudioTokensPerSecond)
}

// response counts a finished response: its input is the instructions and
// the conversation before it; the part the previous response also read
// (with the same instructions) is cached. Its output joins the
// conversation for the next response.
func (u *usageTally) response(instructions string, outText, outAudio int) *usageObject {
	inText, inAudio := textTokens(instructions)+u.text, u.audio
	in := inputTokenDetails{TextTokens: inText, AudioTokens: inAudio}
	if u.cachedFor == instructions {
		in.CachedTokensDetails = cachedDetails{TextTokens: u.cachedText, AudioTokens: u.cachedAudio}
		in.CachedTokens = u.cachedText + u.cachedAudio
	}
	u.cachedFor, u.cachedText, u.cachedAudio = instructions, inText, inAudio
	u.text += outText
	u.audio += outAudio
	input, output := inText+inAudio, outText+outAudio
	return &usageObject{TotalTokens: input + output, InputTokens: input, OutputTokens: output,
		InputTokenDetails: in, OutputTokenDetails: outputTokenDetails{TextTokens: outText, AudioTokens: outAudio}}
}

// transcriptionUsage is the usage of transcribing d of audio into
// transcript, in OpenAI's "tokens" shape.
func transcriptionUsage(d time.Duration, transcript string) tokenUsage {
	in, out := audioTokens(d, inputAudioTokensPerSecond), textTokens(transcript)
	return tokenUsage{Type: "tokens", TotalTokens: in + out, InputTokens: in,
		InputTokenDetails: transcriptionInput{AudioTokens: in}, OutputTokens: out}
}
