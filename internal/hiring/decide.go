package hiring

import (
	"context"
	"errors"
	"time"

	"github.com/interviewd/interviewd/internal/analytics"
	"github.com/interviewd/interviewd/internal/interview"
)

// AssessmentConfig says whether AI assessment is on, for the pages.
type AssessmentConfig struct {
	Enabled bool
	Model   string
}

// Suggester proposes questions and a rubric from a job description (a
// language model); nil when none is configured.
type Suggester interface {
	SuggestQuestions(ctx context.Context, in SuggestInput) (Suggestion, error)
}

// SuggestInput is what "Suggest questions" sends.
type SuggestInput struct {
	Title       string
	Description string
	Language    string
	Count       int // how many questions; 0 means a default
}

// Suggestion is the model's proposal, for the recruiter to edit.
type Suggestion struct {
	Questions []string
	Rubric    interview.Rubric // its QuestionLinks parallel Questions
}

// ScorecardInput is a reviewer's scorecard as typed.
type ScorecardInput struct {
	Scores         map[string]int
	Recommendation interview.Recommendation
	Notes          string
	Declined       bool // see the results without scoring
}

// Review is everything an interview's decision panel shows to actor a,
// with the blind-scoring rule applied: a reviewer who has no scorecard
// yet sees neither the others' scorecards nor the AI's scores.
type Review struct {
	Rubric    interview.Rubric
	Analytics analytics.Report
	CanScore  bool                 // owner or recruiter (people only)
	Mine      *interview.Scorecard // the actor's own scorecard
	Revealed  bool                 // others' scorecards and the AI are visible
	// Only when Revealed:
	Scorecards   []interview.Scorecard  // every scorecard, the actor's too
	Assessments  []interview.Assessment // newest first
	HumanAverage map[string]float64     // per competency key, over submitted scorecards
	HumanOverall float64                // weighted mean of HumanAverage; 0 when none
	// Always:
	AssessmentPending bool // an assessment is pending or running (shown even when blind)
	AI                AssessmentConfig
	Decisions         []interview.HiringDecision
}

// ComparisonFilter narrows and orders a position's comparison.
type ComparisonFilter struct {
	HiringStatus interview.HiringStatus // empty for all
	// Sort is a column: "candidate", "status", "hiring", "completion",
	// "duration", "ai", "human", "recommendation", or "ai:KEY" for a
	// competency; empty means newest first.
	Sort string
	Desc bool
}

// Comparison is a position's candidates side by side.
type Comparison struct {
	Position interview.Position
	Rubric   interview.Rubric
	Rows     []ComparisonRow
	AI       AssessmentConfig
}

// ComparisonRow is one interview of the position.
type ComparisonRow struct {
	Interview  interview.SessionSummary
	Completion float64
	Answered   int
	Total      int
	Duration   time.Duration
	// Revealed is false for a reviewer who has not scored this interview:
	// the AI's and the others' scores stay hidden.
	Revealed     bool
	AI           *interview.AssessmentResult // nil when none or hidden
	HumanAverage map[string]float64
	HumanOverall float64 // 0 when none
	HumanCount   int
}

// SuggestQuestions asks the model for questions and a rubric;
// ErrUnavailable when no model is configured.
func (s *Service) SuggestQuestions(ctx context.Context, a Actor, in SuggestInput) (Suggestion, error) {
	if err := canEdit(a); err != nil {
		return Suggestion{}, err
	}
	if s.suggester == nil {
		return Suggestion{}, errAIOff
	}
	sg, err := s.suggester.SuggestQuestions(ctx, in)
	return sg, wrap("suggest questions", err)
}

// errAIOff answers what needs a language model when none is configured.
var errAIOff = interview.Errorf(interview.CodeUnavailable,
	"AI assessment is off: set ASSESSMENT_MODEL to turn it on (see docs/assessment.md)")

// RerunAssessment asks for a new AI assessment of a completed interview.
func (s *Service) RerunAssessment(ctx context.Context, a Actor, interviewID string) (interview.Assessment, error) {
	if err := canEdit(a); err != nil {
		return interview.Assessment{}, err
	}
	if !s.ai.Enabled {
		return interview.Assessment{}, errAIOff
	}
	v, err := s.db(a).GetSession(ctx, a.TenantID, interviewID)
	if err != nil {
		return interview.Assessment{}, wrap("re-run assessment", err)
	}
	if v.Status != interview.StatusCompleted {
		return interview.Assessment{}, interview.Errorf(interview.CodeTransition,
			"only a completed interview is assessed; this one is %s", v.Status)
	}
	x := interview.Assessment{
		TenantID: a.TenantID, InterviewID: interviewID, Status: interview.AssessmentPending,
		NextAttempt: s.now(), Model: s.ai.Model, RequestedBy: a.ID,
	}
	err = s.db(a).EnqueueAssessment(ctx, &x)
	if errors.Is(err, interview.ErrConflict) {
		return x, interview.Errorf(interview.CodeConflict, "an assessment of this interview is already pending or running")
	} else if err != nil {
		return x, wrap("re-run assessment", err)
	}
	s.audit(ctx, a, "assessment.requested", "interview", interviewID, map[string]string{"assessment": x.ID})
	s.nudge(interviewID)
	return x, nil
}

// SetHiringStatus records a person's decision on an interview.
func (s *Service) SetHiringStatus(ctx context.Context, a Actor, interviewID string, st interview.HiringStatus) (interview.Session, error) {
	if err := canEdit(a); err != nil {
		return interview.Session{}, err
	}
	if !st.Valid() {
		return interview.Session{}, &interview.FieldError{Field: "status", Err: &interview.Error{Code: interview.CodeInvalid,
			Message: "the hiring status must be one of new, shortlisted, advanced, rejected"}}
	}
	before, err := s.db(a).GetSession(ctx, a.TenantID, interviewID)
	if err != nil {
		return before, wrap("set hiring status", err)
	}
	d := interview.HiringDecision{
		TenantID: a.TenantID, InterviewID: interviewID, Status: st,
		ActorKind: a.Kind, ActorID: a.ID, ActorName: a.displayName(), At: s.now(),
	}
	v, err := s.db(a).SetHiringStatus(ctx, &d)
	if err != nil {
		return v, wrap("set hiring status", err)
	}
	if before.HiringStatus != st {
		s.audit(ctx, a, "interview.hiring_status", "interview", interviewID,
			map[string]string{"from": string(before.HiringStatus), "to": string(st)})
	}
	return v, nil
}
