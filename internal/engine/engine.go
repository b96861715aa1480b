// Package engine is interviewd's local realtime engine: an OpenAI-compatible
// WebRTC call endpoint (POST /v1/realtime/calls, the sideband WebSocket,
// hangup, and the oai-events data channel) backed by a pion peer, which
// conducts a structured interview read from the session's instructions.
//
// It knows only OpenAI's protocol: the provider client talks to it over
// HTTP exactly as it talks to OpenAI. docs/engine.md describes it.
package engine

import (
	"errors"
	"fmt"
	"log/slog"

	"github.com/pion/webrtc/v4"
)

// Engine serves OpenAI-compatible realtime calls. It is safe for
// concurrent use; Close ends every call.
type Engine struct {
	cfg   Config
	log   *slog.Logger
	api   *webrtc.API
	calls *callTable
	stats stats
	// recognitions bounds the recogniser jobs that run at once.
	recognitions chan struct{}
	// rec writes Config.Record; nil without one.
	rec *recorder
}

// Capabilities names the speech parts an Engine runs with, for the
// start-up line and health details.
type Capabilities struct {
	Recognizer    string
	Synthesizer   string
	VoiceDetector string
}

// TextMode reports whether the engine can neither understand nor speak:
// answers are detected and acknowledged, lines are sent as text only.
func (c Capabilities) TextMode() bool {
	return c.Recognizer == "none" && c.Synthesizer == "none"
}

// String is the engine's part of the start-up line.
func (c Capabilities) String() string {
	var mode string
	switch {
	case c.TextMode():
		mode = "text mode: no speech recogniser or synthesiser installed; answers are acknowledged, not transcribed, and lines are sent as text"
	case c.Recognizer == "none":
		mode = "speech out only: no speech recogniser installed; answers are acknowledged, not transcribed"
	case c.Synthesizer == "none":
		mode = "speech in only: no speech synthesiser installed; lines are sent as text"
	default:
		mode = "speech: hears Opus (SILK wideband), speaks PCMU"
	}
	return fmt.Sprintf("recogniser=%s synthesiser=%s voice_detector=%s (%s)",
		c.Recognizer, c.Synthesizer, c.VoiceDetector, mode)
}

// New checks cfg and builds the engine's one WebRTC API.
func New(cfg Config) (*Engine, error) {
	if cfg.APIKey == "" {
		return nil, errors.New("engine: APIKey is required")
	}
	cfg = cfg.withDefaults()
	api, err := newAPI(cfg.ICE)
	if err != nil {
		return nil, fmt.Errorf("engine: %w", err)
	}
	e := &Engine{cfg: cfg, log: cfg.Logger.With("component", "engine"), api: api,
		calls: newCallTable(cfg.Limits.MaxCalls), recognitions: make(chan struct{}, cfg.Limits.MaxRecognitions)}
	if cfg.Record != nil {
		e.rec = &recorder{w: cfg.Record}
	}
	return e, nil
}

// Capabilities reports the speech parts in use.
func (e *Engine) Capabilities() Capabilities {
	return Capabilities{
		Recognizer:    e.cfg.Recognizer.Name(),
		Synthesizer:   e.cfg.Synthesizer.Name(),
		VoiceDetector: e.cfg.VoiceDetector.Name(),
	}
}

// ActiveCalls is the number of live calls.
func (e *Engine) ActiveCalls() int { return e.calls.len() }

// Close refuses new calls, ends every live call (sidebands get close code
// 1001) and waits until all of the engine's goroutines have returned.
func (e *Engine) Close() error {
	for _, c := range e.calls.close() {
		c.stop(endShutdown)
	}
	e.calls.wg.Wait()
	return nil
}
