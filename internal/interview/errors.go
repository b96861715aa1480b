package interview

import (
	"errors"
	"fmt"
)

// Code is a stable, machine-readable error kind. The web layer maps each code
// to an HTTP status and shows it to clients as error.code.
type Code string

// The closed set of error codes used across interviewd.
const (
	CodeInvalid      Code = "invalid_request"
	CodeUnauthorized Code = "unauthorized"
	CodeForbidden    Code = "forbidden"
	CodeNotFound     Code = "not_found"
	CodeConflict     Code = "conflict"
	CodeClosed       Code = "interview_closed"
	CodeTransition   Code = "illegal_transition"
	CodeRateLimited  Code = "rate_limited"
	CodeTooLarge     Code = "too_large" // a body or a total over its limit (413)
	CodeUnavailable  Code = "unavailable"
	CodeInternal     Code = "internal"
)

// Error is a domain error: a code for machines and a message that is safe to
// show to the person who caused it.
type Error struct {
	Code    Code
	Message string
}

func (e *Error) Error() string { return e.Message }

// Is reports whether target is an *Error with the same code, so that
// errors.Is(err, ErrNotFound) holds for every not-found error whatever its
// message.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// Sentinel errors, one per code, for use with errors.Is.
var (
	ErrInvalid      = &Error{Code: CodeInvalid, Message: "invalid request"}
	ErrUnauthorized = &Error{Code: CodeUnauthorized, Message: "authentication required"}
	ErrForbidden    = &Error{Code: CodeForbidden, Message: "not allowed"}
	ErrNotFound     = &Error{Code: CodeNotFound, Message: "not found"}
	ErrConflict     = &Error{Code: CodeConflict, Message: "already exists"}
	ErrClosed       = &Error{Code: CodeClosed, Message: "the interview has ended"}
	ErrTransition   = &Error{Code: CodeTransition, Message: "illegal status change"}
	ErrRateLimited  = &Error{Code: CodeRateLimited, Message: "too many requests"}
	ErrTooLarge     = &Error{Code: CodeTooLarge, Message: "too large"}
	ErrUnavailable  = &Error{Code: CodeUnavailable, Message: "service unavailable"}
)

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code Code, format string, args ...any) error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, or
// CodeInternal when there is none.
func ErrorCode(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// ErrorMessage returns the client-safe message of the first *Error in err's
// chain (of every problem, joined, for FieldErrors), or a generic message
// that reveals nothing of an internal error.
func ErrorMessage(err error) string {
	if l, ok := errors.AsType[FieldErrors](err); ok {
		return l.Error()
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}
