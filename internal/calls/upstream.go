package calls

import (
	"errors"
	"net/http"

	"github.com/interviewd/interviewd/internal/realtime"
)

// classify turns a provider's failure to create a call into the
// candidate's error. Only a refusal that a retry cannot change (the
// provider rejects the session interviewd built) is final; everything
// else leaves the interview as it was, so the candidate may try again:
//
//	unreachable, timeout, 5xx, 408, 409, 425, 429, a broken answer → UPSTREAM_UNAVAILABLE, retryable
//	400 about the offer (invalid_offer, param sdp), 413             → UPSTREAM_REJECTED, retryable (another browser may do)
//	401, 403, 404 (interviewd's key or account)                     → UPSTREAM_REJECTED, retryable (an operator can fix it)
//	any other 4xx (the session itself is refused)                   → UPSTREAM_REJECTED, final
func classify(err error) *Error {
	var ue *realtime.UpstreamError
	if !errors.As(err, &ue) {
		return &Error{Code: CodeUnavailable, Message: "The interviewer could not be reached. Try again in a moment.", Retryable: true}
	}
	switch s := ue.Status; {
	case s == 0, s >= 500, s == http.StatusRequestTimeout, s == http.StatusConflict,
		s == http.StatusTooEarly, s == http.StatusTooManyRequests, s < 400:
		return &Error{Code: CodeUnavailable, Retryable: true,
			Message: "The interviewer is not available right now (" + ue.Message + "). Try again in a moment."}
	case s == http.StatusRequestEntityTooLarge, ue.Code == "invalid_offer", ue.Code == "invalid_sdp":
		return &Error{Code: CodeRejected, Retryable: true,
			Message: "The interviewer could not use this browser's connection offer (" + ue.Message + ")."}
	case s == http.StatusUnauthorized, s == http.StatusForbidden, s == http.StatusNotFound:
		return &Error{Code: CodeRejected, Retryable: true,
			Message: "The interview service is not configured correctly; the team has been told. Try again later."}
	}
	return &Error{Code: CodeRejected, Message: "The interviewer refused this interview (" + ue.Message + ")."}
}

// sidebandError is the candidate's error when the call was created but the
// server could not attach to it: the call is hung up and may be offered again.
func sidebandError() *Error {
	return &Error{Code: CodeUnavailable, Retryable: true,
		Message: "The interview could not be recorded, so it was not started. Try again in a moment."}
}
