package assess

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/interviewd/interviewd/internal/hiring"
	"github.com/interviewd/interviewd/internal/interview"
)

// leaseMargin is how long before its lease ends an attempt gives up, so
// that it can still store its outcome before another worker takes it.
const leaseMargin = 10 * time.Second

// run makes one attempt of a claimed job and stores its outcome.
func (w *Worker) run(ctx context.Context, a interview.Assessment) {
	log := w.c.Logger.With("assessment_id", a.ID, "interview_id", a.InterviewID, "attempt", a.Attempts)
	a.Model, a.PromptVersion = w.c.Client.Model(), PromptVersion
	began := w.c.Now()
	var res interview.AssessmentResult
	err := error(failf(ErrPermanent, "gave up after %d attempts: the server stopped during each", MaxAttempts))
	if a.Attempts <= MaxAttempts {
		actx, cancel := context.WithTimeout(ctx, max(w.c.Lease-leaseMargin, w.c.Lease/2))
		res, err = w.attempt(actx, &a)
		cancel()
	}
	w.outcome(ctx, &a, res, err)
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	switch err := w.c.Store.FinishAssessment(fctx, &a); {
	case errors.Is(err, interview.ErrConflict):
		log.Warn("assessment lease lost: another attempt owns it")
	case err != nil:
		log.Error("finish assessment", "err", err)
	case a.Status == interview.AssessmentFailed:
		w.c.Metrics.AssessmentAttempt("failed", w.c.Now().Sub(began))
		log.Warn("assessment failed", "reason", a.Error)
	case a.Status == interview.AssessmentPending:
		w.c.Metrics.AssessmentAttempt("retrying", w.c.Now().Sub(began))
		log.Info("assessment will retry", "reason", a.Error, "next_attempt", a.NextAttempt)
	default:
		w.c.Metrics.AssessmentAttempt("done", w.c.Now().Sub(began))
		log.Info("assessment done", "overall", a.Result.Overall)
	}
}

// attempt gathers the job's interview and asks the model.
func (w *Worker) attempt(ctx context.Context, a *interview.Assessment) (interview.AssessmentResult, error) {
	in, err := w.input(ctx, a)
	if err != nil {
		return interview.AssessmentResult{}, err
	}
	a.RubricVersion = in.Rubric.Version
	res, hash, err := w.c.Client.Assess(ctx, in)
	a.TranscriptHash = hash
	return res, err
}

// outcome sets a's status for err: done, pending again, or failed.
func (w *Worker) outcome(ctx context.Context, a *interview.Assessment, res interview.AssessmentResult, err error) {
	now := w.c.Now()
	var f *Failure
	switch {
	case err == nil:
		a.Status, a.Result, a.Error = interview.AssessmentDone, &res, ""
	case ctx.Err() != nil: // stopping: put it back for the next worker
		a.Status, a.NextAttempt, a.Error = interview.AssessmentPending, now, "interrupted: interviewd stopped during the attempt"
	case errors.As(err, &f) && errors.Is(f, ErrTransient) && a.Attempts < MaxAttempts:
		a.Status, a.Error = interview.AssessmentPending, f.Reason
		a.NextAttempt = now.Add(max(Backoff(a.Attempts), f.RetryAfter))
	case errors.As(err, &f) && errors.Is(f, ErrTransient):
		a.Status, a.Error = interview.AssessmentFailed, fmt.Sprintf("gave up after %d attempts: %s", a.Attempts, f.Reason)
	case f != nil:
		a.Status, a.Error = interview.AssessmentFailed, f.Reason
	default: // not the model's: reading the interview failed
		w.c.Logger.Error("assessment input", "assessment_id", a.ID, "err", err)
		a.Status, a.Error = interview.AssessmentPending, "interviewd could not read the interview; it will try again"
		a.NextAttempt = now.Add(Backoff(a.Attempts))
		if a.Attempts >= MaxAttempts {
			a.Status = interview.AssessmentFailed
		}
	}
	if a.Status != interview.AssessmentPending {
		a.CompletedAt = &now
	}
}

// input reads what the job's interview is assessed from.
func (w *Worker) input(ctx context.Context, a *interview.Assessment) (Input, error) {
	st := w.c.Store
	v, err := st.GetSession(ctx, a.TenantID, a.InterviewID)
	if err != nil {
		return Input{}, gone(err, "interview")
	}
	in := Input{}
	if in.Candidate, err = st.GetCandidate(ctx, a.TenantID, v.CandidateID); err != nil {
		return Input{}, gone(err, "candidate")
	}
	if in.Position, err = st.GetPosition(ctx, a.TenantID, v.PositionID); err != nil {
		return Input{}, gone(err, "position")
	}
	if in.Rubric, err = w.rubric(ctx, in.Position); err != nil {
		return Input{}, err
	}
	in.Transcript, err = st.ListTranscript(ctx, a.TenantID, a.InterviewID, 0)
	return in, err
}

// gone makes a missing record a permanent failure.
func gone(err error, what string) error {
	if errors.Is(err, interview.ErrNotFound) {
		return failf(ErrPermanent, "the %s no longer exists", what)
	}
	return err
}

// rubric is p's latest rubric, deriving and saving the default one when
// it has none, as the hiring service does on first need.
func (w *Worker) rubric(ctx context.Context, p interview.Position) (interview.Rubric, error) {
	r, err := w.c.Store.GetRubric(ctx, p.TenantID, p.ID, 0)
	if !errors.Is(err, interview.ErrNotFound) {
		return r, err
	}
	r = hiring.DefaultRubric(p.Questions)
	r.TenantID, r.PositionID = p.TenantID, p.ID
	if err = w.c.Store.SaveRubric(ctx, &r); errors.Is(err, interview.ErrConflict) {
		return w.c.Store.GetRubric(ctx, p.TenantID, p.ID, 0)
	}
	return r, err
}
