package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

const scorecardCols = `c.id, c.tenant_id, c.interview_id, c.reviewer_id, c.reviewer_email,
	c.rubric_version, c.scores, c.recommendation, c.notes, c.declined, c.submitted_at, c.updated_at`

func scanScorecard(r *sql.Rows, c *interview.Scorecard) error {
	return r.Scan(&c.ID, &c.TenantID, &c.InterviewID, &c.ReviewerID, &c.ReviewerEmail,
		&c.RubricVersion, jsonDest{&c.Scores}, &c.Recommendation, &c.Notes, &c.Declined,
		timeDest{&c.SubmittedAt}, timeDest{&c.UpdatedAt})
}

// SaveScorecard creates or replaces c.ReviewerID's scorecard of
// c.InterviewID. A replacement keeps the first ID and SubmittedAt; the ID
// is the store's, never the caller's.
func (s *Store) SaveScorecard(ctx context.Context, c *interview.Scorecard) error {
	if err := c.Validate(); err != nil {
		return err
	}
	if c.Scores == nil {
		c.Scores = map[string]int{}
	}
	scores, err := jsonText(c.Scores)
	if err != nil {
		return fmt.Errorf("save scorecard: %w", err)
	}
	fillTime(&c.UpdatedAt, now())
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if err := txSessionExists(ctx, tx, c.TenantID, c.InterviewID); err != nil {
			return err
		}
		c.ID = ""
		err := tx.QueryRowContext(ctx, `SELECT id, submitted_at FROM scorecards
			WHERE tenant_id = ? AND interview_id = ? AND reviewer_id = ?`,
			c.TenantID, c.InterviewID, c.ReviewerID).Scan(&c.ID, timeDest{&c.SubmittedAt})
		if err != nil && !errors.Is(dbErr(err), store.ErrNotFound) {
			return dbErr(err)
		}
		fillID(&c.ID)
		fillTime(&c.SubmittedAt, c.UpdatedAt)
		_, err = tx.ExecContext(ctx, `INSERT INTO scorecards (id, tenant_id, interview_id, reviewer_id,
			reviewer_email, rubric_version, scores, recommendation, notes, declined, submitted_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (tenant_id, interview_id, reviewer_id) DO UPDATE SET
			reviewer_email = excluded.reviewer_email, rubric_version = excluded.rubric_version,
			scores = excluded.scores, recommendation = excluded.recommendation, notes = excluded.notes,
			declined = excluded.declined, updated_at = excluded.updated_at`,
			c.ID, c.TenantID, c.InterviewID, c.ReviewerID, c.ReviewerEmail, c.RubricVersion, scores,
			string(c.Recommendation), c.Notes, c.Declined, ts(c.SubmittedAt), ts(c.UpdatedAt))
		return dbErr(err)
	})
	if err != nil {
		return fmt.Errorf("save scorecard of interview %s: %w", c.InterviewID, err)
	}
	return nil
}

// ListScorecards returns an interview's scorecards, oldest first.
func (s *Store) ListScorecards(ctx context.Context, tenantID, interviewID string) ([]interview.Scorecard, error) {
	if err := s.sessionExists(ctx, tenantID, interviewID); err != nil {
		return nil, fmt.Errorf("list scorecards of interview %s: %w", interviewID, err)
	}
	rows, err := s.r.QueryContext(ctx, `SELECT `+scorecardCols+` FROM scorecards c
		WHERE c.tenant_id = ? AND c.interview_id = ? ORDER BY c.submitted_at, c.id`, tenantID, interviewID)
	list, err := collect(rows, err, scanScorecard)
	if err != nil {
		return nil, fmt.Errorf("list scorecards of interview %s: %w", interviewID, err)
	}
	return list, nil
}

// ListPositionScorecards returns the scorecards of every interview of a
// position, oldest first.
func (s *Store) ListPositionScorecards(ctx context.Context, tenantID, positionID string) ([]interview.Scorecard, error) {
	if err := s.positionExists(ctx, tenantID, positionID); err != nil {
		return nil, fmt.Errorf("list scorecards of position %s: %w", positionID, err)
	}
	rows, err := s.r.QueryContext(ctx, `SELECT `+scorecardCols+` FROM scorecards c
		JOIN interview_sessions s ON s.tenant_id = c.tenant_id AND s.id = c.interview_id
		WHERE c.tenant_id = ? AND s.position_id = ? ORDER BY c.submitted_at, c.id`, tenantID, positionID)
	list, err := collect(rows, err, scanScorecard)
	if err != nil {
		return nil, fmt.Errorf("list scorecards of position %s: %w", positionID, err)
	}
	return list, nil
}
