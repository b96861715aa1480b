package store

import (
	"context"
	"fmt"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
)

// CandidateProblems stores the problems candidates' pages report
// (interview.CandidateProblem): a refused microphone, a call that could
// not connect. The server writes them for the candidate; the interview's
// organisation reads them.
type CandidateProblems interface {
	// AddCandidateProblem stores p, filling p.At when zero, and reports
	// whether it did. A repeat, with a problem of the same code within
	// interview.ProblemFold of p.At, is folded: nothing is stored and p.At
	// becomes that problem's time (the latest such). ErrRateLimited when the interview
	// has interview.MaxCandidateProblems already; ErrNotFound when it is
	// not in p.TenantID; ErrInvalid for a code outside the set.
	AddCandidateProblem(ctx context.Context, p *interview.CandidateProblem) (stored bool, err error)
	// ListCandidateProblems returns an interview's problems, oldest first;
	// none when the interview is not in tenantID.
	ListCandidateProblems(ctx context.Context, tenantID, interviewID string) ([]interview.CandidateProblem, error)
}

// ErrRateLimited is the answer to a write over a limit.
var ErrRateLimited = interview.ErrRateLimited

// PrepareCandidateProblem validates p before either store writes it.
func PrepareCandidateProblem(p *interview.CandidateProblem) error {
	if err := p.Validate(); err != nil {
		return fmt.Errorf("add problem to interview %s: %w", p.InterviewID, err)
	}
	return nil
}

// FoldCandidateProblem decides, from what an interview has (count
// problems, and the time of the latest one of p's code within
// interview.ProblemFold of p.At, zero when none), whether p is stored:
// false with p.At moved to the earlier one when it is a repeat, and
// ErrRateLimited when the interview is full. Both stores call it inside
// the transaction that inserts.
func FoldCandidateProblem(p *interview.CandidateProblem, count int, repeatOf time.Time) (bool, error) {
	switch {
	case !repeatOf.IsZero():
		p.At = repeatOf
		return false, nil
	case count >= interview.MaxCandidateProblems:
		return false, fmt.Errorf("add problem to interview %s: %w", p.InterviewID, interview.Errorf(interview.CodeRateLimited,
			"this interview has %d problems recorded already", interview.MaxCandidateProblems))
	}
	return true, nil
}
