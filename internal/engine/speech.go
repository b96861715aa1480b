package engine

import (
	"context"
	"time"
)

// PCM is mono 16-bit audio.
type PCM struct {
	// Rate is the sample rate in Hz.
	Rate int
	// Samples holds one sample per entry.
	Samples []int16
}

// Duration is how long the audio plays.
func (p PCM) Duration() time.Duration {
	if p.Rate <= 0 {
		return 0
	}
	return time.Duration(len(p.Samples)) * time.Second / time.Duration(p.Rate)
}

// Utterance is one finished answer handed to a Recognizer.
type Utterance struct {
	// Audio is what the candidate said; empty in text mode.
	Audio PCM
	// Language is the session's audio.input.transcription.language ("" = unknown).
	Language string
}

// Transcript is a Recognizer's result.
type Transcript struct {
	// Text is what was understood; "" when nothing was.
	Text string
	// Note explains an empty or degraded Text to a human reader.
	Note string
}

// Recognizer turns a finished utterance into text. Recognize runs off the
// media path; it must return when ctx ends.
type Recognizer interface {
	// Name identifies the recogniser on the start-up line ("none" in text mode).
	Name() string
	// Recognize transcribes one utterance.
	Recognize(ctx context.Context, u Utterance) (Transcript, error)
}

// Line is one interviewer line handed to a Synthesizer.
type Line struct {
	// Text is what to say.
	Text string
	// Voice is the session's audio.output.voice.
	Voice string
	// Language is the session's transcription language ("" = unknown).
	Language string
}

// Synthesizer turns an interviewer line into audio. A zero PCM means "text
// only": the engine then sends the transcript events without audio.
type Synthesizer interface {
	// Name identifies the synthesiser on the start-up line ("none" in text mode).
	Name() string
	// Synthesize voices one line; it must return when ctx ends.
	Synthesize(ctx context.Context, l Line) (PCM, error)
}

// Frame is one packet of the candidate's audio as the media reader sees it.
type Frame struct {
	// At is the frame's position from the start of the call's audio.
	At time.Duration
	// Level is the RFC 6464 audio level in -dBov (0 loud … 127 silent), or
	// -1 when the packet carries none.
	Level int
	// Voice is the RFC 6464 voice-activity bit.
	Voice bool
	// PCM is the decoded audio; empty until Opus decoding exists.
	PCM PCM
}

// Voice is what a TurnDetector reports about a frame.
type Voice int

// The transitions a TurnDetector reports.
const (
	// VoiceNone means no transition at this frame.
	VoiceNone Voice = iota
	// VoiceStarted means speech began at this frame.
	VoiceStarted
	// VoiceStopped means the turn ended (speech followed by enough silence).
	VoiceStopped
)

// TurnDetector follows one call's audio, frame by frame. It is used from the
// call's media goroutine only, so it needs no locking, and must be fast.
type TurnDetector interface {
	// Feed takes the next frame and reports a transition, if any.
	Feed(f Frame) Voice
}

// VoiceDetector makes a TurnDetector for each call.
type VoiceDetector interface {
	// Name identifies the detector on the start-up line ("none" in text mode).
	Name() string
	// NewTurnDetector starts detection for a call with the session's settings.
	NewTurnDetector(td TurnDetection) TurnDetector
}

// NoRecognizer is the text-mode recogniser: audio is acknowledged, not understood.
type NoRecognizer struct{}

// Name reports "none".
func (NoRecognizer) Name() string { return "none" }

// NoRecognizerText is the transcript of an answer heard without a
// recogniser: the stored transcript then says why it has no words.
const NoRecognizerText = "[audio received; no speech recogniser installed]"

// Recognize returns NoRecognizerText with a note saying why.
func (NoRecognizer) Recognize(context.Context, Utterance) (Transcript, error) {
	return Transcript{Text: NoRecognizerText,
		Note: "audio received, but no speech recogniser is installed (text mode)"}, nil
}

// NoSynthesizer is the text-mode synthesiser: lines are sent as text only.
type NoSynthesizer struct{}

// Name reports "none".
func (NoSynthesizer) Name() string { return "none" }

// Synthesize returns no audio.
func (NoSynthesizer) Synthesize(context.Context, Line) (PCM, error) { return PCM{}, nil }

// NoVoiceDetector never reports speech: answers end by client events.
type NoVoiceDetector struct{}

// Name reports "none".
func (NoVoiceDetector) Name() string { return "none" }

// NewTurnDetector returns a detector that reports nothing.
func (NoVoiceDetector) NewTurnDetector(TurnDetection) TurnDetector { return silentTurns{} }

type silentTurns struct{}

func (silentTurns) Feed(Frame) Voice { return VoiceNone }
