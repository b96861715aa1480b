package postgres

import (
	"context"
	"fmt"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

// AddFeedback stores a candidate's feedback, once per interview (the
// primary key). Members may not write it: the policy refuses their
// INSERT, so it is the server's path for the candidate that stores it.
func (s *Store) AddFeedback(ctx context.Context, f *interview.Feedback) error {
	if err := store.PrepareFeedback(f); err != nil {
		return err
	}
	fillTime(&f.CreatedAt, now())
	var rating *int
	if f.Rating > 0 {
		rating = &f.Rating
	}
	_, err := s.q().Exec(ctx, `INSERT INTO candidate_feedback (tenant_id, interview_id, rating,
		comment, created_at) VALUES ($1, $2, $3, $4, $5)`,
		f.TenantID, f.InterviewID, rating, f.Comment, f.CreatedAt)
	if err != nil {
		return fmt.Errorf("add feedback to interview %s: %w", f.InterviewID, dbErr(err))
	}
	return nil
}

// GetFeedback returns an interview's feedback.
func (s *Store) GetFeedback(ctx context.Context, tenantID, interviewID string) (interview.Feedback, error) {
	var f interview.Feedback
	var rating *int32
	err := s.q().QueryRow(ctx, `SELECT tenant_id, interview_id, rating, comment, created_at
		FROM candidate_feedback WHERE tenant_id = $1 AND interview_id = $2`, tenantID, interviewID).
		Scan(&f.TenantID, &f.InterviewID, &rating, &f.Comment, &f.CreatedAt)
	if err != nil {
		return interview.Feedback{}, fmt.Errorf("get feedback of interview %s: %w", interviewID, dbErr(err))
	}
	if rating != nil {
		f.Rating = int(*rating)
	}
	return f, nil
}
