package interview

import (
	"errors"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"
)

// FieldError is a validation error about one input field: the field's
// name travels with the error from where it is found to the JSON error and
// the form, so nothing reads the field back out of the message.
type FieldError struct {
	Field string
	Err   *Error
}

func (e *FieldError) Error() string { return e.Err.Error() }

// Unwrap gives the domain error, so ErrorCode and ErrorMessage see it.
func (e *FieldError) Unwrap() error { return e.Err }

// FieldOf returns the field a validation error belongs to (the first
// one's, for FieldErrors), or "".
func FieldOf(err error) string {
	if fe, ok := errors.AsType[*FieldError](err); ok {
		return fe.Field
	}
	return ""
}

// MultiLine reports whether a field may hold line breaks. It is the one
// list of multi-line text: the names are those of the JSON fields and form
// inputs alike, and a JSON path ("candidate.name") is judged by its last
// name. The form's "questions" is a textarea of one question per line;
// the API's "questions[2]" is one question, a single line. A scorecard's
// "notes" and a rubric competency's "c.N.description" (the editor's
// fields) are paragraphs. A transcript
// line's "text" and a whole "fullTranscript" or "finalTranscript" may
// hold breaks, which the transcript normalises.
func MultiLine(field string) bool {
	switch path.Base(strings.ReplaceAll(field, ".", "/")) {
	case "description", "instructions", "questions", "notes", "text", "fullTranscript", "finalTranscript":
		return true
	}
	return false
}

// CheckText refuses text that no field of interviewd holds: invalid UTF-8
// and control characters. A tab is allowed everywhere; a line break (LF,
// or CR LF) only in a field for which MultiLine holds. The error names the
// field and never repeats the value.
func CheckText(field, s string) error {
	if !utf8.ValidString(s) {
		return textError(field, "is not valid UTF-8")
	}
	multi := MultiLine(field)
	for i, r := range s {
		switch {
		case r == '\t':
		case r == '\n' && multi:
		case r == '\r' && multi && strings.HasPrefix(s[i+1:], "\n"):
		case r == '\n' || r == '\r':
			return textError(field, "must be a single line")
		case unicode.IsControl(r) || r == '\u2028' || r == '\u2029':
			return textError(field, "contains a control character")
		}
	}
	return nil
}

// textError is CheckText's error for field.
func textError(field, problem string) error {
	msg := "the text " + problem
	if field != "" {
		msg = "field " + quoteField(field) + " " + problem
	}
	return &FieldError{Field: field, Err: &Error{Code: CodeInvalid, Message: msg}}
}

// quoteField quotes a field name for a message, as %q would.
func quoteField(field string) string {
	return `"` + strings.ToValidUTF8(field, "\uFFFD") + `"`
}

// SpokenWordsPerSecond is the speaking rate interviewd assumes where it
// must estimate how long a line takes to say (exports' cue lengths, the
// interviewer's goodbye, analytics' speaking time of a last line).
const SpokenWordsPerSecond = 2.5

// Words splits text into its lower-case words of letters and digits,
// the form in which lines are compared: questions with what the
// interviewer said, quotes with the lines they cite.
func Words(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}
