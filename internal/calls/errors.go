package calls

import (
	"errors"
	"fmt"

	"github.com/interviewd/interviewd/internal/interview"
)

// Code is the kind of a call failure, named as the signalling protocol
// names it (docs/signaling.md); the web layer sends it as is.
type Code string

// The failures a Manager reports.
const (
	CodeNotFound    Code = "INTERVIEW_NOT_FOUND"  // no such interview in the tenant
	CodeClosed      Code = "INTERVIEW_CLOSED"     // ended, or not open to calls
	CodeTakenOver   Code = "TAKEN_OVER"           // a newer offer took the interview
	CodeUnavailable Code = "UPSTREAM_UNAVAILABLE" // the provider failed or did not answer
	CodeRejected    Code = "UPSTREAM_REJECTED"    // the provider refused the call
	CodeBadOffer    Code = "BAD_MESSAGE"          // the offer is not a usable SDP
	CodeShutdown    Code = "SHUTTING_DOWN"        // the server is stopping
	CodeInternal    Code = "INTERNAL"             // our own failure
)

// Error is a failure told to the candidate: a code, a message that is safe
// to show, and whether offering again may work.
type Error struct {
	Code      Code
	Message   string
	Retryable bool // the same connection may send a new offer
}

func (e *Error) Error() string { return string(e.Code) + ": " + e.Message }

// Is matches another *Error with the same code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// Sentinels for errors.Is.
var (
	ErrNotFound  = &Error{Code: CodeNotFound, Message: "this interview does not exist"}
	ErrClosed    = &Error{Code: CodeClosed, Message: "this interview has ended"}
	ErrTakenOver = &Error{Code: CodeTakenOver, Message: "the interview was continued in another window"}
	ErrShutdown  = &Error{Code: CodeShutdown, Message: "the server is restarting; reconnect in a moment", Retryable: true}
)

// Ended says that the interview reached a terminal status while a
// connection was attached. Code is set when the end was a failure.
type Ended struct {
	Status interview.Status
	Reason string
	Code   Code
}

func (e *Ended) Error() string { return fmt.Sprintf("interview %s: %s", e.Status, e.Reason) }

// storeError turns a store failure into the candidate's error.
func storeError(err error) error {
	switch {
	case errors.Is(err, interview.ErrNotFound):
		return ErrNotFound
	case errors.Is(err, interview.ErrClosed), errors.Is(err, interview.ErrTransition):
		return ErrClosed
	}
	return &Error{Code: CodeInternal, Message: "internal error", Retryable: true}
}
