package store

import (
	"time"

	"github.com/interviewd/interviewd/internal/interview"
)

// PrepareFinish checks the outcome FinishAssessment stores and brings its
// times to the stored precision: done and failed complete the job
// (CompletedAt, now when unset); pending again completes nothing and needs
// the time of its next attempt; a done one needs its result.
func PrepareFinish(a *interview.Assessment, now time.Time) error {
	switch a.Status {
	case interview.AssessmentDone, interview.AssessmentFailed:
		if a.CompletedAt == nil || a.CompletedAt.IsZero() {
			a.CompletedAt = &now
		}
		*a.CompletedAt = a.CompletedAt.UTC().Truncate(time.Microsecond)
	case interview.AssessmentPending:
		a.CompletedAt = nil
		if a.NextAttempt.IsZero() {
			return interview.Errorf(interview.CodeInvalid, "a retried assessment needs the time of its next attempt")
		}
	default:
		return interview.Errorf(interview.CodeInvalid, "an assessment finishes as done, failed or pending, not %q", a.Status)
	}
	if a.Status == interview.AssessmentDone && a.Result == nil {
		return interview.Errorf(interview.CodeInvalid, "a done assessment needs its result")
	}
	if a.NextAttempt.IsZero() {
		a.NextAttempt = now
	}
	a.NextAttempt = a.NextAttempt.UTC().Truncate(time.Microsecond)
	a.LeaseUntil = nil
	return nil
}
