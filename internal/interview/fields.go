package interview

import (
	"errors"
	"fmt"
	"strings"
)

// FieldErrors is a validation failure with several problems, each about
// its field, so that a form or an API client learns them all at once. Its
// code is CodeInvalid; ErrorMessage joins the messages.
type FieldErrors []*FieldError

func (l FieldErrors) Error() string {
	msgs := make([]string, len(l))
	for i, fe := range l {
		msgs[i] = fe.Err.Message
	}
	return strings.Join(msgs, "; ")
}

// Unwrap gives each problem, so that errors.Is(err, ErrInvalid), FieldOf
// and ErrorCode see the first.
func (l FieldErrors) Unwrap() []error {
	errs := make([]error, len(l))
	for i, fe := range l {
		errs[i] = fe
	}
	return errs
}

// FieldErrorf is a validation error about field.
func FieldErrorf(field, format string, args ...any) error {
	return &FieldError{Field: field, Err: &Error{Code: CodeInvalid, Message: fmt.Sprintf(format, args...)}}
}

// Fields returns the problems err reports, in order: those of a
// FieldErrors, or the one FieldError, or none.
func Fields(err error) []*FieldError {
	if l, ok := errors.AsType[FieldErrors](err); ok {
		return l
	}
	if fe, ok := errors.AsType[*FieldError](err); ok {
		return []*FieldError{fe}
	}
	return nil
}

// JoinFields is every problem of errs (nil ones skipped) as one error: nil
// when there is none, the FieldError itself when there is one, else a
// FieldErrors. An invalid-request error without a field is kept as a
// problem of the whole input (Field ""); any other error is not a
// validation problem and is returned alone.
func JoinFields(errs ...error) error {
	var list FieldErrors
	for _, err := range errs {
		switch fields := Fields(err); {
		case err == nil:
		case len(fields) > 0:
			list = append(list, fields...)
		case ErrorCode(err) == CodeInvalid:
			list = append(list, &FieldError{Err: &Error{Code: CodeInvalid, Message: ErrorMessage(err)}})
		default:
			return err
		}
	}
	switch len(list) {
	case 0:
		return nil
	case 1:
		return list[0]
	}
	return list
}

// PrefixFields names err's fields under prefix, as a JSON path does
// ("candidate." + "email"); err is returned as it is when it has none.
func PrefixFields(prefix string, err error) error {
	fields := Fields(err)
	if len(fields) == 0 {
		return err
	}
	out := make([]error, len(fields))
	for i, fe := range fields {
		name := fe.Field
		if name != "" {
			name = prefix + name
		}
		out[i] = &FieldError{Field: name, Err: fe.Err}
	}
	return JoinFields(out...)
}
