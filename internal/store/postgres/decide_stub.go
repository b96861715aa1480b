package postgres

// Temporary: issue 12's store methods, until they are written in this
// session. Every one answers errNotYet.

import (
	"context"
	"errors"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
)

var errNotYet = errors.New("not yet implemented")

func (s *Store) ListQuestionMarks(ctx context.Context, tenantID, interviewID string) ([]interview.QuestionMark, error) {
	return nil, errNotYet
}
func (s *Store) SaveRubric(ctx context.Context, r *interview.Rubric) error { return errNotYet }
func (s *Store) GetRubric(ctx context.Context, tenantID, positionID string, version int) (interview.Rubric, error) {
	return interview.Rubric{}, errNotYet
}
func (s *Store) EnqueueAssessment(ctx context.Context, a *interview.Assessment) error {
	return errNotYet
}
func (s *Store) EnqueueMissingAssessments(ctx context.Context, since, now time.Time, model string) (int, error) {
	return 0, errNotYet
}
func (s *Store) ClaimAssessments(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]interview.Assessment, error) {
	return nil, errNotYet
}
func (s *Store) FinishAssessment(ctx context.Context, a *interview.Assessment) error {
	return errNotYet
}
func (s *Store) GetAssessment(ctx context.Context, tenantID, id string) (interview.Assessment, error) {
	return interview.Assessment{}, errNotYet
}
func (s *Store) ListAssessments(ctx context.Context, tenantID, interviewID string) ([]interview.Assessment, error) {
	return nil, errNotYet
}
func (s *Store) ListPositionAssessments(ctx context.Context, tenantID, positionID string) ([]interview.Assessment, error) {
	return nil, errNotYet
}
func (s *Store) SaveScorecard(ctx context.Context, c *interview.Scorecard) error { return errNotYet }
func (s *Store) ListScorecards(ctx context.Context, tenantID, interviewID string) ([]interview.Scorecard, error) {
	return nil, errNotYet
}
func (s *Store) ListPositionScorecards(ctx context.Context, tenantID, positionID string) ([]interview.Scorecard, error) {
	return nil, errNotYet
}
func (s *Store) SetHiringStatus(ctx context.Context, d *interview.HiringDecision) (interview.Session, error) {
	return interview.Session{}, errNotYet
}
func (s *Store) ListHiringDecisions(ctx context.Context, tenantID, interviewID string) ([]interview.HiringDecision, error) {
	return nil, errNotYet
}
