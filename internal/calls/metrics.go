package calls

import (
	"errors"
	"time"
)

// Metrics receives what the manager counts, for monitoring. Its methods
// are called from many goroutines and must not block. Values come from
// closed sets, listed on each method; docs/monitoring.md has them all.
type Metrics interface {
	// CallStarted and CallEnded bracket a provider call whose sideband
	// the manager attached.
	CallStarted()
	CallEnded()
	// Offer counts an offer: answered, refused (by interviewd), rejected
	// (by the provider) or failed (offerResult).
	Offer(result string)
	// SidebandFailed counts an answered call the server could not attach to.
	SidebandFailed()
	// Upstream counts a request to the provider: op is create_call,
	// hangup or sideband; result is ok or error.
	Upstream(op, result string)
	// InterviewEnded counts an interview the manager ended, by its final
	// status: completed, abandoned or failed.
	InterviewEnded(status string)
	// TranscriptStored counts a stored entry (speaker as stored) and how
	// long after the event that finished its line it was stored.
	TranscriptStored(speaker string, lag time.Duration)
	// TranscriptError counts a failure: store or transcription.
	TranscriptError(kind string)
}

// noMetrics counts nothing: Config.Metrics nil.
type noMetrics struct{}

func (noMetrics) CallStarted()                           {}
func (noMetrics) CallEnded()                             {}
func (noMetrics) Offer(string)                           {}
func (noMetrics) SidebandFailed()                        {}
func (noMetrics) Upstream(string, string)                {}
func (noMetrics) InterviewEnded(string)                  {}
func (noMetrics) TranscriptStored(string, time.Duration) {}
func (noMetrics) TranscriptError(string)                 {}

// offerResult sorts an offer's outcome into the metric's four results:
// the provider refusing is "rejected", the provider failing or our own
// failure is "failed", and everything interviewd refuses by its rules
// (a bad offer, an interview ended, taken over or not found, a stop) is
// "refused".
func offerResult(err error) string {
	if err == nil {
		return "answered"
	}
	var e *Error
	if !errors.As(err, &e) {
		var ended *Ended
		if errors.As(err, &ended) {
			return "refused"
		}
		return "failed"
	}
	switch e.Code {
	case CodeRejected:
		return "rejected"
	case CodeUnavailable, CodeInternal:
		return "failed"
	}
	return "refused"
}

// result is an upstream request's result label.
func result(err error) string {
	if err != nil {
		return "error"
	}
	return "ok"
}
