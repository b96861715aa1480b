package web

import (
	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/templates"
)

// formErrorOf is a form's error for err: every problem the domain reports
// (interview.Fields), each with its field renamed to the form's input by
// inputs (a field not in it is the input's name already), or err's
// message for the whole form when it names no field. Nothing is read out
// of the messages' words.
func formErrorOf(err error, inputs map[string]string) *templates.FormError {
	var fe *templates.FormError
	for _, f := range interview.Fields(err) {
		name := f.Field
		if in, ok := inputs[name]; ok {
			name = in
		}
		p := templates.FormError{Message: sentence(f.Err.Message), Field: name}
		if fe == nil {
			fe = &p
			continue
		}
		fe.More = append(fe.More, p)
	}
	if fe == nil {
		fe = &templates.FormError{Message: sentence(interview.ErrorMessage(err))}
	}
	return fe
}

// isInvalid reports whether err is the client's mistake in a form, which
// the form shows again with the message, rather than an error page.
func isInvalid(err error) bool {
	return err != nil && interview.ErrorCode(err) == interview.CodeInvalid
}
