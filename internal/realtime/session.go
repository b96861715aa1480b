package realtime

import (
	"fmt"
	"strings"

	"github.com/interviewd/interviewd/internal/interview"
)

// Session is the GA realtime session object sent as the call's `session`
// part and in session.update. Field names are OpenAI's.
type Session struct {
	Type             string       `json:"type"` // always "realtime"
	Model            string       `json:"model,omitempty"`
	Instructions     string       `json:"instructions,omitempty"`
	OutputModalities []string     `json:"output_modalities,omitempty"`
	Audio            *AudioConfig `json:"audio,omitempty"`
	Tools            []Tool       `json:"tools,omitempty"`
	ToolChoice       string       `json:"tool_choice,omitempty"` // auto
}

// AudioConfig holds the input and output audio settings of a session.
type AudioConfig struct {
	Input  *AudioInput  `json:"input,omitempty"`
	Output *AudioOutput `json:"output,omitempty"`
}

// AudioInput configures how the candidate is heard.
type AudioInput struct {
	Transcription  *Transcription  `json:"transcription,omitempty"`
	NoiseReduction *NoiseReduction `json:"noise_reduction,omitempty"`
	TurnDetection  *TurnDetection  `json:"turn_detection,omitempty"`
}

// AudioOutput configures how the interviewer speaks.
type AudioOutput struct {
	Voice string `json:"voice,omitempty"`
}

// Transcription asks the provider to transcribe the candidate.
type Transcription struct {
	Model    string `json:"model,omitempty"`
	Language string `json:"language,omitempty"`
}

// NoiseReduction selects the provider's input noise filter.
type NoiseReduction struct {
	Type string `json:"type"` // near_field | far_field
}

// TurnDetection decides when the candidate has finished an answer.
type TurnDetection struct {
	Type              string  `json:"type"` // server_vad
	Threshold         float64 `json:"threshold,omitempty"`
	PrefixPaddingMS   int     `json:"prefix_padding_ms,omitempty"`
	SilenceDurationMS int     `json:"silence_duration_ms,omitempty"`
	CreateResponse    bool    `json:"create_response"`
	InterruptResponse bool    `json:"interrupt_response"`
	IdleTimeoutMS     int     `json:"idle_timeout_ms,omitempty"`
}

// EndOfTurnSilence is how long the candidate must be silent before an answer
// counts as finished: long enough that a candidate who pauses to think for
// two seconds is not cut off.
const EndOfTurnSilence = 2500 // milliseconds

// IdleTimeout is how long a silent candidate is left before the model is
// asked to respond (it nudges them): OpenAI's maximum.
const IdleTimeout = 30000 // milliseconds

// Settings are the instance-wide defaults a session starts from.
type Settings struct {
	Model           string
	Voice           string // used when the position names none
	TranscribeModel string
}

// Brief is what the interviewer must know about one interview.
type Brief struct {
	Organisation string
	Position     interview.Position
	Candidate    interview.Candidate
	// Answered is how many questions the candidate has already answered in
	// an earlier call of this interview; more than zero means the interview
	// resumes after a dropped connection instead of starting over.
	Answered int
}

// BuildSession returns the session for an interview: instructions that carry
// the position and its numbered questions, the voice, candidate
// transcription in the position's language, patient turn detection that
// nudges a silent candidate, and the interview's function tools. The
// browser never chooses any of it.
func BuildSession(s Settings, b Brief) Session {
	voice := b.Position.Voice
	if voice == "" {
		voice = s.Voice
	}
	return Session{
		Type:             "realtime",
		Model:            s.Model,
		Instructions:     Instructions(b),
		OutputModalities: []string{"audio"},
		Audio: &AudioConfig{
			Input: &AudioInput{
				Transcription:  &Transcription{Model: s.TranscribeModel, Language: baseLanguage(b.Position.Language)},
				NoiseReduction: &NoiseReduction{Type: "near_field"},
				TurnDetection: &TurnDetection{
					Type: "server_vad", Threshold: 0.5, PrefixPaddingMS: 300,
					SilenceDurationMS: EndOfTurnSilence, CreateResponse: true, InterruptResponse: true,
					IdleTimeoutMS: IdleTimeout,
				},
			},
			Output: &AudioOutput{Voice: voice},
		},
		Tools:      InterviewTools(),
		ToolChoice: "auto",
	}
}

// Instructions renders the interviewer's instructions: who and what the
// interview is for, how to run it, when to call the two function tools,
// and the numbered questions. The layout is a contract with the local
// engine, which reads the "Candidate:", "Position:" and "Resume at
// question:" lines and the numbered lines under "Questions" (docs/engine.md);
// OpenAI reads it as prose. No line of the rules is numbered or starts with
// one of those keys.
func Instructions(b Brief) string {
	p := b.Position
	var sb strings.Builder
	org := b.Organisation
	if org == "" {
		org = "the hiring team"
	}
	fmt.Fprintf(&sb, "You are a professional, warm interviewer conducting a structured voice interview on behalf of %s.\n", oneLine(org))
	fmt.Fprintf(&sb, "Position: %s\n", oneLine(p.Title))
	fmt.Fprintf(&sb, "Candidate: %s\n", oneLine(b.Candidate.Name))
	fmt.Fprintf(&sb, "Language: %s\n", p.Language)
	fmt.Fprintf(&sb, "Time limit: %d minutes\n", p.MaxMinutes)
	if d := strings.TrimSpace(p.Description); d != "" {
		fmt.Fprintf(&sb, "\nAbout the position:\n%s\n", d)
	}
	if in := strings.TrimSpace(p.Instructions); in != "" {
		fmt.Fprintf(&sb, "\nGuidance from the hiring team:\n%s\n", in)
	}
	sb.WriteString(rules)
	sb.WriteString(resume(b))
	if len(p.Questions) > 0 {
		sb.WriteString("\nQuestions, to be asked in this order:\n")
		for i, q := range p.Questions {
			fmt.Fprintf(&sb, "%d. %s\n", i+1, oneLine(q))
		}
	}
	return sb.String()
}

const rules = `
How to run the interview:
- You speak first: greet the candidate by name, say which position this is for, and ask the first question.
- Ask the questions below one at a time, in order, and wait for each answer. Do not skip, merge or reorder them.
- Whenever you ask a question, call the question_asked function in that same response, with the question's number in the list below as its index. Call it again if you repeat a question.
- If an answer is empty or unclear, ask one short follow-up, then move on.
- Candidates may pause to think: do not interrupt a pause. If the candidate stays silent for a long time, check gently that they can hear you.
- Do not evaluate, score or give feedback on answers, and do not answer questions about the outcome.
- Once the candidate has answered the last question, call the end_interview function with the reason "completed". Say nothing in that response: do not thank the candidate or say goodbye yet.
- If the candidate asks to stop the interview, call end_interview with the reason "candidate_request" in the same way. If there are no questions below, tell the candidate so in one sentence and call end_interview with the reason "no_questions".
- After end_interview you are asked for a goodbye: thank the candidate by name, say that the hiring team will be in touch, and close politely in one or two sentences.
- If the time limit is near, move on to the last question.
- Speak only in the interview's language.
`

// resume tells the interviewer where an interrupted interview stands. The
// "Resume at question: N" line is also read by the local engine.
func resume(b Brief) string {
	n := len(b.Position.Questions)
	switch {
	case b.Answered <= 0:
		return ""
	case b.Answered >= n:
		return fmt.Sprintf("\nThis interview was interrupted after the candidate had answered every question.\n"+
			"Welcome the candidate back briefly, then call end_interview with the reason \"completed\".\nResume at question: %d\n", n+1)
	}
	return fmt.Sprintf("\nThis interview was interrupted and is resuming. The candidate has already answered questions 1 to %d.\n"+
		"Welcome the candidate back briefly and continue with question %d (call question_asked as you ask it). Do not ask earlier questions again.\n"+
		"Resume at question: %d\n", b.Answered, b.Answered+1, b.Answered+1)
}

// oneLine folds line breaks so that a field cannot forge a line of the
// instructions layout (a "Questions" header, a numbered line).
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// baseLanguage returns the primary subtag ("en" for "en-GB"), which is what
// transcription models take.
func baseLanguage(tag string) string {
	base, _, _ := strings.Cut(tag, "-")
	return strings.ToLower(base)
}
