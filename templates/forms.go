package templates

import (
	"strconv"
	"strings"

	"github.com/a-h/templ"
)

// FormError is a form's failure: a problem, and More when the form has
// several, all shown at once. The summary at the top lists them, linking
// each to its input; each input is aria-invalid and described by its own
// message beside it. Field is the input's name, "" for the whole form.
type FormError struct {
	Message string
	Field   string
	More    []FormError
}

// SignInForm is what the sign-in page shows and keeps on a failed attempt.
type SignInForm struct {
	Email string
	Next  string
	Err   *FormError
}

// SignUpForm is what the sign-up page shows and keeps on a failed attempt.
type SignUpForm struct {
	Organisation string
	Name         string
	Email        string
	Open         bool // sign-up is open on this instance
	Err          *FormError
}

// All is every problem of the form, in order.
func (e *FormError) All() []FormError {
	if e == nil {
		return nil
	}
	return append([]FormError{{Message: e.Message, Field: e.Field}}, e.More...)
}

// For is the message of the problems about field, or "" when it has none.
func (e *FormError) For(field string) string {
	var msgs []string
	for _, p := range e.All() {
		if p.Field == field && field != "" {
			msgs = append(msgs, p.Message)
		}
	}
	return strings.Join(msgs, " ")
}

func invalid(e *FormError, field string) bool { return e.For(field) != "" }

func ariaInvalid(e *FormError, field string) string {
	if invalid(e, field) {
		return "true"
	}
	return "false"
}

// errorID is the id of the message beside the input whose id is id.
func errorID(id string) string { return id + "-error" }

// fieldAttrs are an input's aria-invalid and aria-describedby: its hints'
// ids and, when the form's error is about field, its own message's. id is
// the input's id.
func fieldAttrs(e *FormError, field, id string, hints ...string) templ.Attributes {
	attrs := templ.Attributes{"aria-invalid": ariaInvalid(e, field)}
	if ids := describedBy(e, field, id, hints...); ids != "" {
		attrs["aria-describedby"] = ids
	}
	return attrs
}

// describedBy is the aria-describedby of fieldAttrs, for a group of
// inputs (a fieldset) that is not itself aria-invalid.
func describedBy(e *FormError, field, id string, hints ...string) string {
	if invalid(e, field) {
		hints = append(hints, errorID(id))
	}
	return strings.Join(hints, " ")
}

// summaryHeading introduces a summary of n problems.
func summaryHeading(n int) string {
	if n == 1 {
		return "There is a problem:"
	}
	return "There are " + strconv.Itoa(n) + " problems:"
}
