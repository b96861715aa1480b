package sqlite

import (
	"context"
	"fmt"

	"github.com/interviewd/interviewd/internal/interview"
)

// CreateCandidate validates c and stores it in c.TenantID, filling ID and
// CreatedAt.
func (s *Store) CreateCandidate(ctx context.Context, c *interview.Candidate) error {
	if err := c.Validate(); err != nil {
		return err
	}
	fillID(&c.ID)
	fillTime(&c.CreatedAt, now())
	_, err := s.w.ExecContext(ctx,
		`INSERT INTO candidates (id, tenant_id, name, email, created_at) VALUES (?, ?, ?, ?, ?)`,
		c.ID, c.TenantID, c.Name, c.Email, ts(c.CreatedAt))
	if err != nil {
		return fmt.Errorf("create candidate %s: %w", c.ID, dbErr(err))
	}
	return nil
}

// GetCandidate returns the candidate id of tenantID.
func (s *Store) GetCandidate(ctx context.Context, tenantID, id string) (interview.Candidate, error) {
	var c interview.Candidate
	err := s.r.QueryRowContext(ctx, `SELECT id, tenant_id, name, email, created_at
		FROM candidates WHERE tenant_id = ? AND id = ?`, tenantID, id,
	).Scan(&c.ID, &c.TenantID, &c.Name, &c.Email, timeDest{&c.CreatedAt})
	if err != nil {
		return interview.Candidate{}, fmt.Errorf("get candidate %s: %w", id, dbErr(err))
	}
	return c, nil
}
