package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

// AddFeedback stores a candidate's feedback, once per interview.
func (s *Store) AddFeedback(ctx context.Context, f *interview.Feedback) error {
	if err := store.PrepareFeedback(f); err != nil {
		return err
	}
	fillTime(&f.CreatedAt, now())
	_, err := s.w.ExecContext(ctx, `INSERT INTO candidate_feedback (tenant_id, interview_id, rating,
		comment, created_at) VALUES (?, ?, ?, ?, ?)`,
		f.TenantID, f.InterviewID, sql.NullInt64{Int64: int64(f.Rating), Valid: f.Rating > 0}, f.Comment, ts(f.CreatedAt))
	if err != nil {
		return fmt.Errorf("add feedback to interview %s: %w", f.InterviewID, dbErr(err))
	}
	return nil
}

// GetFeedback returns an interview's feedback.
func (s *Store) GetFeedback(ctx context.Context, tenantID, interviewID string) (interview.Feedback, error) {
	var f interview.Feedback
	var rating sql.NullInt64
	err := s.r.QueryRowContext(ctx, `SELECT tenant_id, interview_id, rating, comment, created_at
		FROM candidate_feedback WHERE tenant_id = ? AND interview_id = ?`, tenantID, interviewID).
		Scan(&f.TenantID, &f.InterviewID, &rating, &f.Comment, timeDest{&f.CreatedAt})
	if err != nil {
		return interview.Feedback{}, fmt.Errorf("get feedback of interview %s: %w", interviewID, dbErr(err))
	}
	f.Rating = int(rating.Int64)
	return f, nil
}
