package postgres

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

// Blind scoring holds in the database: through As, a recruiter sees the
// owner's scorecard and the AI's assessment of an interview only once
// they have a scorecard of it; a viewer sees all and writes nothing; no
// one writes another's scorecard.
func TestAsBlindScoring(t *testing.T) {
	t.Parallel()
	s := openStore(t)
	w := newWorld(t, s)
	ctx := context.Background()
	a := w.a
	recruiter, viewer := s.As(actorOf(a.recruiter)), s.As(actorOf(a.viewer))
	count := func(who string, as store.Store, cards, assessments int) {
		t.Helper()
		cs, err := as.ListScorecards(ctx, a.tenant.ID, a.session.ID)
		if err != nil || len(cs) != cards {
			t.Errorf("%s: %d scorecards (%v), want %d", who, len(cs), err, cards)
		}
		as2, err := as.ListAssessments(ctx, a.tenant.ID, a.session.ID)
		if err != nil || len(as2) != assessments {
			t.Errorf("%s: %d assessments (%v), want %d", who, len(as2), err, assessments)
		}
	}
	count("recruiter before scoring", recruiter, 0, 0)
	if _, err := recruiter.GetAssessment(ctx, a.tenant.ID, a.assessment.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("recruiter reads the assessment before scoring: %v", err)
	}
	count("viewer", viewer, 1, 1)

	theirs := interview.Scorecard{TenantID: a.tenant.ID, InterviewID: a.session.ID, ReviewerID: a.owner.ID,
		Recommendation: interview.RecommendStrongNo}
	if err := recruiter.SaveScorecard(ctx, &theirs); !errors.Is(err, interview.ErrForbidden) {
		t.Errorf("recruiter overwrites the owner's scorecard: %v, want ErrForbidden", err)
	}
	mine := interview.Scorecard{TenantID: a.tenant.ID, InterviewID: a.session.ID, ReviewerID: a.recruiter.ID,
		Declined: true}
	if err := recruiter.SaveScorecard(ctx, &mine); err != nil {
		t.Fatalf("recruiter saves own scorecard: %v", err)
	}
	mine.Declined, mine.Recommendation, mine.Scores = false, interview.RecommendMixed, map[string]int{"craft": 3}
	if err := recruiter.SaveScorecard(ctx, &mine); err != nil {
		t.Fatalf("recruiter revises own scorecard: %v", err)
	}
	count("recruiter after scoring", recruiter, 2, 1)
	owner, err := s.ListScorecards(ctx, a.tenant.ID, a.session.ID)
	if err != nil || len(owner) != 2 || owner[0].Recommendation != interview.RecommendYes {
		t.Errorf("the owner's scorecard changed: %+v, %v", owner, err)
	}

	if err := viewer.SaveScorecard(ctx, &interview.Scorecard{TenantID: a.tenant.ID, InterviewID: a.session.ID,
		ReviewerID: a.viewer.ID, Declined: true}); !errors.Is(err, interview.ErrForbidden) {
		t.Errorf("viewer scores: %v, want ErrForbidden", err)
	}
	_, err = viewer.SetHiringStatus(ctx, &interview.HiringDecision{TenantID: a.tenant.ID, InterviewID: a.session.ID,
		Status: interview.HiringRejected, ActorKind: "user", ActorID: a.viewer.ID})
	if !errors.Is(err, interview.ErrForbidden) {
		t.Errorf("viewer sets the hiring status: %v, want ErrForbidden", err)
	}
	if err := viewer.SaveRubric(ctx, &interview.Rubric{TenantID: a.tenant.ID, PositionID: a.position.ID,
		Competencies: a.rubric.Competencies, QuestionLinks: a.rubric.QuestionLinks}); !errors.Is(err, interview.ErrForbidden) {
		t.Errorf("viewer saves a rubric: %v, want ErrForbidden", err)
	}
}

// Owners and recruiters set the hiring status, save rubrics and ask for
// assessments through As; the worker's methods and question marks are
// the privileged path's.
func TestAsDecisionWrites(t *testing.T) {
	t.Parallel()
	s := openStore(t)
	w := newWorld(t, s)
	ctx := context.Background()
	a := w.a
	as := s.As(actorOf(a.recruiter))
	v, err := as.SetHiringStatus(ctx, &interview.HiringDecision{TenantID: a.tenant.ID, InterviewID: a.session.ID,
		Status: interview.HiringAdvanced, ActorKind: "user", ActorID: a.recruiter.ID, ActorName: a.recruiter.Email})
	if err != nil || v.HiringStatus != interview.HiringAdvanced {
		t.Fatalf("recruiter sets the hiring status: %v, %v", v.HiringStatus, err)
	}
	ds, err := s.As(actorOf(a.viewer)).ListHiringDecisions(ctx, a.tenant.ID, a.session.ID)
	if err != nil || len(ds) != 2 || ds[1].Status != interview.HiringAdvanced {
		t.Errorf("viewer reads the decisions: %+v, %v", ds, err)
	}
	r := interview.Rubric{TenantID: a.tenant.ID, PositionID: a.position.ID, CreatedBy: a.recruiter.ID,
		Competencies:  []interview.Competency{{Key: "care", Name: "Care", Weight: 2}},
		QuestionLinks: [][]string{{"care"}}}
	if err := as.SaveRubric(ctx, &r); err != nil || r.Version != 2 {
		t.Errorf("recruiter saves a rubric: version %d, %v", r.Version, err)
	}
	job := interview.Assessment{TenantID: a.tenant.ID, InterviewID: a.started.ID, Model: "m", RequestedBy: a.recruiter.ID}
	if err := as.EnqueueAssessment(ctx, &job); err != nil {
		t.Fatalf("recruiter asks for an assessment: %v", err)
	}
	job.Status, job.Attempts, job.Error = interview.AssessmentFailed, 0, "x"
	forbidden := map[string]error{
		"FinishAssessment":      as.FinishAssessment(ctx, &job),
		"UpdateSessionProgress": as.UpdateSessionProgress(ctx, a.tenant.ID, a.session.ID, 2, time.Now()),
	}
	_, forbidden["ClaimAssessments"] = as.ClaimAssessments(ctx, time.Now(), time.Minute, 0)
	_, forbidden["EnqueueMissingAssessments"] = as.EnqueueMissingAssessments(ctx, time.Time{}, time.Now(), "m")
	for name, err := range forbidden {
		if !errors.Is(err, interview.ErrForbidden) {
			t.Errorf("%s through As: %v, want ErrForbidden", name, err)
		}
	}
	got, err := s.GetAssessment(ctx, a.tenant.ID, job.ID)
	if err != nil || got.Status != interview.AssessmentPending {
		t.Errorf("the job after a refused finish: %+v, %v", got, err)
	}
}
