package templates

import (
	"strconv"
	"strings"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
)

// PositionsView is the list of positions.
type PositionsView struct {
	Positions    []interview.Position
	ShowArchived bool // archived positions are listed too
	CanEdit      bool
}

// PositionForm is the position editor's fields as typed, so that a failed
// save shows them again. Questions holds one question per line.
type PositionForm struct {
	Title        string
	Description  string
	Instructions string
	NextSteps    string
	Questions    string
	MaxMinutes   string
	Language     string
	Voice        string
	RecordAudio  bool // "Record the conversation (audio)"
	RecordVideo  bool // "Also record the candidate's camera"
	Rubric       RubricForm
	CanSuggest   bool // a model is configured: offer "Suggest questions"
	Suggested    bool // the questions and rubric are the model's, unsaved
	Err          *FormError
}

// PositionFormOf fills the editor from a stored position.
func PositionFormOf(p interview.Position) PositionForm {
	return PositionForm{
		Title: p.Title, Description: p.Description, Instructions: p.Instructions, NextSteps: p.NextSteps,
		Questions:  strings.Join(p.Questions, "\n"),
		MaxMinutes: strconv.Itoa(p.MaxMinutes), Language: p.Language, Voice: p.Voice,
		RecordAudio: p.RecordAudio, RecordVideo: p.RecordVideo,
	}
}

// NewPositionView is the page that creates a position.
type NewPositionView struct {
	Form    PositionForm
	Welcome bool // the recruiter has just signed up: say what comes first
}

// PositionView is one position, read-only for viewers and with its editor
// for those who may change it.
type PositionView struct {
	Position interview.Position
	Rubric   interview.Rubric // the latest version
	Form     PositionForm
	CanEdit  bool
}

// editable reports whether the page shows the editor and the archive button.
func (v PositionView) editable() bool { return v.CanEdit && !v.Position.Archived() }

// Voices are the interviewer voices offered in the editor; an empty value
// means the instance's default (REALTIME_VOICE).
var Voices = []string{"alloy", "ash", "ballad", "cedar", "coral", "echo", "marin", "sage", "shimmer", "verse"}

// voiceOptions are the editor's voices, with the current one kept even when
// it is not in the list (an integration may have set another).
func voiceOptions(current string) []string {
	for _, v := range Voices {
		if v == current {
			return Voices
		}
	}
	if current == "" {
		return Voices
	}
	return append([]string{current}, Voices...)
}

func positionHref(p interview.Position) string { return "/app/positions/" + p.ID }

func questionCount(n int) string {
	if n == 1 {
		return "1 question"
	}
	return strconv.Itoa(n) + " questions"
}

func voiceLabel(v string) string {
	if v == "" {
		return "Default voice"
	}
	return v
}

// stamp formats a time for people, in UTC so that every reader of a page
// sees the same clock.
func stamp(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format("2 Jan 2006, 15:04 UTC")
}

// machineTime is a <time datetime> value.
func machineTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// maxMinutesText is the default shown in the editor's hint.
var maxMinutesText = strconv.Itoa(interview.MaxInterviewMins)

// nextStepsMax is the "what happens next" field's maxlength.
var nextStepsMax = strconv.Itoa(interview.MaxNextSteps)

// recordingLabel says what a position's interviews record.
func recordingLabel(p interview.Position) string {
	switch {
	case p.RecordVideo:
		return "The conversation and the candidate's camera"
	case p.RecordAudio:
		return "The conversation (audio)"
	}
	return "Nothing: only the transcript is kept"
}
