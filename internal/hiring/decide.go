package hiring

import (
	"context"
	"errors"
	"io"
	"time"

	"github.com/interviewd/interviewd/internal/analytics"
	"github.com/interviewd/interviewd/internal/interview"
)

// errNotYet: issue 12's service methods, until they are written in this
// session.
var errNotYet = errors.New("not yet implemented")

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

// DefaultRubric derives a rubric from a position's questions, for a
// position whose recruiter wrote none.
func DefaultRubric(questions []string) interview.Rubric { return interview.Rubric{Derived: true} }

// Rubric returns a position's latest rubric, deriving and saving the
// default one when it has none.
func (s *Service) Rubric(ctx context.Context, a Actor, positionID string) (interview.Rubric, error) {
	return interview.Rubric{}, errNotYet
}

// SaveRubric stores r as the position's next rubric version (unless it is
// the same as the latest).
func (s *Service) SaveRubric(ctx context.Context, a Actor, positionID string, r interview.Rubric) (interview.Rubric, error) {
	return interview.Rubric{}, errNotYet
}

// SuggestQuestions asks the model for questions and a rubric;
// ErrUnavailable when no model is configured.
func (s *Service) SuggestQuestions(ctx context.Context, a Actor, in SuggestInput) (Suggestion, error) {
	return Suggestion{}, errNotYet
}

// Review gathers an interview's decision panel for a.
func (s *Service) Review(ctx context.Context, a Actor, interviewID string) (Review, error) {
	return Review{}, errNotYet
}

// Analytics measures an interview.
func (s *Service) Analytics(ctx context.Context, a Actor, interviewID string) (analytics.Report, error) {
	return analytics.Report{}, errNotYet
}

// SubmitScorecard saves a's scorecard of an interview (owners and
// recruiters only).
func (s *Service) SubmitScorecard(ctx context.Context, a Actor, interviewID string, in ScorecardInput) (interview.Scorecard, error) {
	return interview.Scorecard{}, errNotYet
}

// Scorecards returns an interview's scorecards that a may see.
func (s *Service) Scorecards(ctx context.Context, a Actor, interviewID string) ([]interview.Scorecard, error) {
	return nil, errNotYet
}

// Assessments returns an interview's AI assessments that a may see,
// newest first.
func (s *Service) Assessments(ctx context.Context, a Actor, interviewID string) ([]interview.Assessment, error) {
	return nil, errNotYet
}

// RerunAssessment asks for a new AI assessment of a completed interview.
func (s *Service) RerunAssessment(ctx context.Context, a Actor, interviewID string) (interview.Assessment, error) {
	return interview.Assessment{}, errNotYet
}

// SetHiringStatus records a person's decision on an interview.
func (s *Service) SetHiringStatus(ctx context.Context, a Actor, interviewID string, st interview.HiringStatus) (interview.Session, error) {
	return interview.Session{}, errNotYet
}

// Compare builds a position's comparison for a.
func (s *Service) Compare(ctx context.Context, a Actor, positionID string, f ComparisonFilter) (Comparison, error) {
	return Comparison{}, errNotYet
}

// WriteComparisonCSV writes c as CSV, one row per interview.
func WriteComparisonCSV(w io.Writer, c Comparison) error { return errNotYet }
