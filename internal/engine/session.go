package engine

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// TurnDetection is the session's audio.input.turn_detection, kept for the
// voice detector. A zero Type means turn detection is off (null): answers
// end only by input_audio_buffer.commit.
type TurnDetection struct {
	Type              string   `json:"type"`
	Threshold         *float64 `json:"threshold,omitempty"`
	PrefixPaddingMS   *int     `json:"prefix_padding_ms,omitempty"`
	SilenceDurationMS *int     `json:"silence_duration_ms,omitempty"`
	IdleTimeoutMS     *int     `json:"idle_timeout_ms,omitempty"`
	CreateResponse    *bool    `json:"create_response,omitempty"`
	InterruptResponse *bool    `json:"interrupt_response,omitempty"`
	Eagerness         string   `json:"eagerness,omitempty"`
}

// session is what the engine keeps of an OpenAI realtime session: the
// fields it acts on, plus the raw sub-objects it echoes back unchanged.
type session struct {
	Model          string
	Instructions   string
	Voice          string
	Speed          float64
	Language       string
	Transcription  json.RawMessage // null or the client's object
	NoiseReduction json.RawMessage
	TurnDetection  json.RawMessage
	Turn           TurnDetection
	Tools          json.RawMessage // the client's tools array, echoed as sent
	ToolChoice     json.RawMessage // "auto", "none", "required" or a function
	Functions      map[string]bool // the names of the function tools
}

func defaultSession() session {
	null := json.RawMessage("null")
	return session{
		Model:          "gpt-realtime",
		Voice:          "marin",
		Speed:          1,
		Transcription:  null,
		NoiseReduction: null,
		TurnDetection:  json.RawMessage(`{"type":"server_vad","threshold":0.5,"prefix_padding_ms":300,"silence_duration_ms":500,"create_response":true,"interrupt_response":true}`),
		Turn:           TurnDetection{Type: "server_vad"},
		Tools:          json.RawMessage("[]"),
		ToolChoice:     json.RawMessage(`"auto"`),
	}
}

// sessionWire is a session object as clients send it; pointers and raw
// messages tell "absent" from "null".
type sessionWire struct {
	Type         *string         `json:"type"`
	Model        *string         `json:"model"`
	Instructions *string         `json:"instructions"`
	Audio        *audioWire      `json:"audio"`
	Tools        json.RawMessage `json:"tools"`
	ToolChoice   json.RawMessage `json:"tool_choice"`
}

type audioWire struct {
	Input  *audioInputWire  `json:"input"`
	Output *audioOutputWire `json:"output"`
}

type audioInputWire struct {
	Transcription  json.RawMessage `json:"transcription"`
	NoiseReduction json.RawMessage `json:"noise_reduction"`
	TurnDetection  json.RawMessage `json:"turn_detection"`
}

type audioOutputWire struct {
	Voice *string  `json:"voice"`
	Speed *float64 `json:"speed"`
}

// betaFields are session fields of the retired beta API; OpenAI's GA API
// rejects a session that carries any of them.
var betaFields = []string{
	"modalities", "voice", "input_audio_format", "output_audio_format",
	"input_audio_transcription", "turn_detection", "input_audio_noise_reduction",
	"max_response_output_tokens", "temperature",
}

// applySession checks a client's session object and merges it into s, as
// OpenAI does for the multipart session part and for session.update.
func applySession(s session, raw []byte) (session, *apiError) {
	var w sessionWire
	if err := json.Unmarshal(raw, &w); err != nil {
		return s, invalidJSON("session", err)
	}
	if e := checkSessionShape(raw, w); e != nil {
		return s, e
	}
	if w.Model != nil {
		s.Model = *w.Model
	}
	if w.Instructions != nil {
		s.Instructions = *w.Instructions
	}
	s, err := applyTools(s, w)
	if err != nil {
		return s, err
	}
	if w.Audio == nil {
		return s, nil
	}
	return applyAudio(s, *w.Audio)
}

func checkSessionShape(raw []byte, w sessionWire) *apiError {
	if w.Type == nil {
		return missingParam("session.type")
	}
	if *w.Type != "realtime" {
		return invalidValue("session.type", fmt.Sprintf("Invalid value: '%s'. This endpoint supports only 'realtime' sessions.", *w.Type))
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(raw, &keys); err != nil {
		return invalidJSON("session", err)
	}
	for _, f := range betaFields {
		if _, ok := keys[f]; ok {
			return unknownParam("session." + f)
		}
	}
	return nil
}

func applyAudio(s session, a audioWire) (session, *apiError) {
	if out := a.Output; out != nil {
		if out.Voice != nil {
			s.Voice = *out.Voice
		}
		if out.Speed != nil {
			s.Speed = *out.Speed
		}
	}
	in := a.Input
	if in == nil {
		return s, nil
	}
	if in.Transcription != nil {
		lang, err := transcriptionLanguage(in.Transcription)
		if err != nil {
			return s, invalidValue("session.audio.input.transcription", err.Error())
		}
		s.Transcription, s.Language = in.Transcription, lang
	}
	if in.NoiseReduction != nil {
		s.NoiseReduction = in.NoiseReduction
	}
	if in.TurnDetection != nil {
		td, err := parseTurnDetection(in.TurnDetection)
		if err != nil {
			return s, invalidValue("session.audio.input.turn_detection", err.Error())
		}
		s.TurnDetection, s.Turn = in.TurnDetection, td
	}
	return s, nil
}

func isNull(raw json.RawMessage) bool {
	return bytes.Equal(bytes.TrimSpace(raw), []byte("null"))
}

func transcriptionLanguage(raw json.RawMessage) (string, error) {
	if isNull(raw) {
		return "", nil
	}
	var t struct {
		Language string `json:"language"`
	}
	if err := json.Unmarshal(raw, &t); err != nil {
		return "", fmt.Errorf("transcription must be an object or null: %w", err)
	}
	return t.Language, nil
}

func parseTurnDetection(raw json.RawMessage) (TurnDetection, error) {
	var td TurnDetection
	if isNull(raw) {
		return td, nil
	}
	if err := json.Unmarshal(raw, &td); err != nil {
		return td, fmt.Errorf("turn_detection must be an object or null: %w", err)
	}
	if td.Type != "server_vad" && td.Type != "semantic_vad" {
		return td, errors.New("turn_detection.type must be 'server_vad' or 'semantic_vad'")
	}
	for _, ms := range []*int{td.PrefixPaddingMS, td.SilenceDurationMS, td.IdleTimeoutMS} {
		if ms != nil && (*ms < 0 || *ms > 600_000) {
			return td, errors.New("turn_detection durations must be between 0 and 600000 ms")
		}
	}
	return td, nil
}

// applyTools takes the session's tools and tool_choice. Only function
// tools are called; null resets them to none and "auto".
func applyTools(s session, w sessionWire) (session, *apiError) {
	if w.Tools != nil {
		names, err := functionNames(w.Tools)
		if err != nil {
			return s, invalidValue("session.tools", err.Error())
		}
		s.Tools, s.Functions = w.Tools, names
		if isNull(w.Tools) {
			s.Tools = json.RawMessage("[]")
		}
	}
	if w.ToolChoice != nil {
		if err := checkToolChoice(w.ToolChoice); err != nil {
			return s, invalidValue("session.tool_choice", err.Error())
		}
		s.ToolChoice = w.ToolChoice
		if isNull(w.ToolChoice) {
			s.ToolChoice = json.RawMessage(`"auto"`)
		}
	}
	return s, nil
}

// checkToolChoice accepts "auto", "none", "required", null, or a tool
// object with a type ({"type":"function","name":…}).
func checkToolChoice(raw json.RawMessage) error {
	if isNull(raw) {
		return nil
	}
	var mode string
	if json.Unmarshal(raw, &mode) == nil {
		if mode != "auto" && mode != "none" && mode != "required" {
			return fmt.Errorf("tool_choice must be 'auto', 'none', 'required' or a tool, not '%s'", clip(mode, 64))
		}
		return nil
	}
	var tool struct {
		Type string `json:"type"`
		Name string `json:"name"`
	}
	if err := json.Unmarshal(raw, &tool); err != nil || tool.Type == "" || tool.Type == "function" && tool.Name == "" {
		return errors.New("tool_choice must be 'auto', 'none', 'required' or a tool with a type (and a function's name)")
	}
	return nil
}

func functionNames(raw json.RawMessage) (map[string]bool, error) {
	var tools []struct {
		Type string `json:"type"`
		Name string `json:"name"`
	}
	if isNull(raw) {
		return nil, nil
	}
	if err := json.Unmarshal(raw, &tools); err != nil {
		return nil, fmt.Errorf("tools must be an array of tool objects: %w", err)
	}
	names := map[string]bool{}
	for i, t := range tools {
		if t.Type == "function" && t.Name == "" {
			return nil, fmt.Errorf("tools[%d] is a function without a name", i)
		}
		if t.Type == "function" {
			names[t.Name] = true
		}
	}
	return names, nil
}

// calls reports whether the model may call the function name: the session
// declares it and tool_choice does not forbid it.
func (s session) calls(name string) bool {
	if !s.Functions[name] {
		return false
	}
	var choice string
	if json.Unmarshal(s.ToolChoice, &choice) == nil {
		return choice != "none"
	}
	var fn struct {
		Name string `json:"name"`
	}
	return json.Unmarshal(s.ToolChoice, &fn) == nil && (fn.Name == "" || fn.Name == name)
}

// createResponse is turn_detection.create_response (default true).
func (td TurnDetection) createResponse() bool {
	return td.Type != "" && (td.CreateResponse == nil || *td.CreateResponse)
}

// interruptResponse is turn_detection.interrupt_response (default true).
func (td TurnDetection) interruptResponse() bool {
	return td.Type != "" && (td.InterruptResponse == nil || *td.InterruptResponse)
}
