package interview

import (
	"errors"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// Limits on a position's fields.
const (
	MaxQuestions     = 50
	MaxInterviewMins = 60 // OpenAI caps a realtime call at 60 minutes
	DefaultMaxMins   = 30
	DefaultLanguage  = "en"
	MaxNextSteps     = 2000 // as the column's CHECK
)

// Position is a job and the interview that goes with it: what the
// interviewer is told, the questions it asks in order, and for how long.
type Position struct {
	ID           string
	TenantID     string
	Title        string
	Description  string
	Instructions string   // extra guidance for the interviewer
	Questions    []string // asked in this order
	MaxMinutes   int
	Language     string // BCP 47 tag, e.g. "en" or "en-GB"
	Voice        string // provider voice name; empty means the default
	NextSteps    string // what the candidate reads happens next, once the interview ends
	// RecordAudio records the conversation (the candidate's microphone and
	// the interviewer, mixed); on by default. RecordVideo adds the
	// candidate's camera to the recording (never sent to the interviewer);
	// it needs RecordAudio.
	RecordAudio bool
	RecordVideo bool
	ArchivedAt  *time.Time
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// NextStepsText is what the candidate reads happens next: the position's
// text, or DefaultNextSteps.
func (p Position) NextStepsText() string {
	if p.NextSteps == "" {
		return DefaultNextSteps
	}
	return p.NextSteps
}

// Archived reports whether the position no longer takes new interviews.
func (p Position) Archived() bool { return p.ArchivedAt != nil }

// Normalize fills defaults for the fields left empty.
func (p *Position) Normalize() {
	if p.MaxMinutes == 0 {
		p.MaxMinutes = DefaultMaxMins
	}
	if p.Language == "" {
		p.Language = DefaultLanguage
	}
	if tag, err := parseLanguage(p.Language); err == nil {
		p.Language = tag
	}
	if p.Questions == nil {
		p.Questions = []string{}
	}
}

// Validate checks the fields a recruiter types and reports every problem
// at once (FieldErrors), each about its field: title, description,
// instructions, language, voice, maxMinutes and questions.
func (p Position) Validate() error {
	lang := checkText("language", "language", p.Language, 2, 35)
	if lang == nil {
		lang = checkLanguage(p.Language)
	}
	errs := []error{
		checkText("title", "title", p.Title, 1, 200),
		checkText("description", "description", p.Description, 0, 20000),
		checkText("instructions", "instructions", p.Instructions, 0, 20000),
		lang,
		checkText("voice", "voice", p.Voice, 0, 50),
		checkText("nextSteps", "what happens next", p.NextSteps, 0, MaxNextSteps),
	}
	if p.MaxMinutes < 1 || p.MaxMinutes > MaxInterviewMins {
		errs = append(errs, FieldErrorf("maxMinutes", "maximum minutes must be between 1 and %d", MaxInterviewMins))
	}
	if p.RecordVideo && !p.RecordAudio {
		errs = append(errs, FieldErrorf("recordVideo", "the camera is recorded only with the conversation's audio"))
	}
	if len(p.Questions) > MaxQuestions {
		errs = append(errs, FieldErrorf("questions", "a position may have at most %d questions", MaxQuestions))
	}
	for i, q := range p.Questions {
		if err := checkText("questions", "question", q, 1, 2000); err != nil {
			errs = append(errs, FieldErrorf("questions", "question %d: %s", i+1, ErrorMessage(err)))
		}
	}
	return JoinFields(errs...)
}

// parseLanguage returns the canonical form of a BCP 47 tag ("EN_gb"
// becomes "en-GB"), or an error when s is not a well-formed tag or names
// no language ("und").
func parseLanguage(s string) (string, error) {
	tag, err := language.Parse(s)
	if err != nil {
		return "", err
	}
	if base, _, _ := tag.Raw(); base.String() == "und" {
		return "", errors.New("no language")
	}
	return tag.String(), nil
}

// checkLanguage refuses a language that is not a BCP 47 tag.
func checkLanguage(s string) error {
	if _, err := parseLanguage(s); err != nil {
		return FieldErrorf("language", "language %q is not a BCP 47 language tag such as en or en-GB", s)
	}
	return nil
}

// Candidate is a person being interviewed. Candidates have no account.
type Candidate struct {
	ID        string
	TenantID  string
	Name      string
	Email     string
	CreatedAt time.Time
}

// Validate checks the fields a recruiter types, name and email, and
// reports every problem.
func (c Candidate) Validate() error {
	return JoinFields(checkText("name", "candidate name", c.Name, 1, 200), ValidateEmail(c.Email))
}

// PositionFilter narrows a list of positions.
type PositionFilter struct {
	IncludeArchived bool
}

// LanguageName is a position's language (a BCP 47 tag) as people read it:
// its name in English for the recruiter's pages ("Spanish (Mexico)"),
// and, with self, in the language itself for the candidate ("español
// (México)"). A tag the catalogue cannot name is shown as it is.
func LanguageName(tag string, self bool) string {
	t, err := language.Parse(tag)
	if err != nil {
		return tag
	}
	namer := display.English.Tags()
	if self {
		namer = display.Self
	}
	if name := namer.Name(t); name != "" {
		return name
	}
	return tag
}
