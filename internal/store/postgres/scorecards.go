package postgres

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/interviewd/interviewd/internal/interview"
)

const scorecardCols = `c.id, c.tenant_id, c.interview_id, c.reviewer_id, c.reviewer_email,
	c.rubric_version, c.scores, c.recommendation, c.notes, c.declined, c.submitted_at, c.updated_at`

func scanScorecard(r pgx.Rows, c *interview.Scorecard) error {
	return r.Scan(&c.ID, &c.TenantID, &c.InterviewID, &c.ReviewerID, &c.ReviewerEmail,
		&c.RubricVersion, &c.Scores, &c.Recommendation, &c.Notes, &c.Declined, &c.SubmittedAt, &c.UpdatedAt)
}

// SaveScorecard creates or replaces c.ReviewerID's scorecard of
// c.InterviewID in one statement; a replacement keeps the first ID and
// SubmittedAt, which RETURNING hands back. The ID is the store's, never
// the caller's, so no ID of another tenant's scorecard can collide.
// Through As only the actor's own scorecard may be written (row-level
// security).
func (s *Store) SaveScorecard(ctx context.Context, c *interview.Scorecard) error {
	if err := c.Validate(); err != nil {
		return err
	}
	if c.Scores == nil {
		c.Scores = map[string]int{}
	}
	c.ID = uuid.NewString()
	fillTime(&c.UpdatedAt, now())
	fillTime(&c.SubmittedAt, c.UpdatedAt)
	err := s.q().QueryRow(ctx, `INSERT INTO scorecards (id, tenant_id, interview_id, reviewer_id,
		reviewer_email, rubric_version, scores, recommendation, notes, declined, submitted_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
		ON CONFLICT (tenant_id, interview_id, reviewer_id) DO UPDATE SET
		reviewer_email = excluded.reviewer_email, rubric_version = excluded.rubric_version,
		scores = excluded.scores, recommendation = excluded.recommendation, notes = excluded.notes,
		declined = excluded.declined, updated_at = excluded.updated_at
		RETURNING id, submitted_at`,
		c.ID, c.TenantID, c.InterviewID, c.ReviewerID, c.ReviewerEmail, c.RubricVersion, c.Scores,
		string(c.Recommendation), c.Notes, c.Declined, c.SubmittedAt, c.UpdatedAt).Scan(&c.ID, &c.SubmittedAt)
	if err != nil {
		return fmt.Errorf("save scorecard of interview %s: %w", c.InterviewID, dbErr(err))
	}
	return nil
}

// ListScorecards returns an interview's scorecards, oldest first; through
// As, those the actor may see (blind scoring).
func (s *Store) ListScorecards(ctx context.Context, tenantID, interviewID string) ([]interview.Scorecard, error) {
	list, err := listIn(ctx, s, "interview_sessions", tenantID, interviewID, `SELECT `+scorecardCols+`
		FROM scorecards c WHERE c.tenant_id = $1 AND c.interview_id = $2
		ORDER BY c.submitted_at, c.id`, scanScorecard)
	if err != nil {
		return nil, fmt.Errorf("list scorecards of interview %s: %w", interviewID, err)
	}
	return list, nil
}

// ListPositionScorecards returns the scorecards of every interview of a
// position, oldest first.
func (s *Store) ListPositionScorecards(ctx context.Context, tenantID, positionID string) ([]interview.Scorecard, error) {
	list, err := listIn(ctx, s, "positions", tenantID, positionID, `SELECT `+scorecardCols+`
		FROM scorecards c JOIN interview_sessions s ON s.tenant_id = c.tenant_id AND s.id = c.interview_id
		WHERE c.tenant_id = $1 AND s.position_id = $2 ORDER BY c.submitted_at, c.id`, scanScorecard)
	if err != nil {
		return nil, fmt.Errorf("list scorecards of position %s: %w", positionID, err)
	}
	return list, nil
}
