package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

// SaveRubric stores r as the next version of its position's rubric. The
// write transaction holds SQLite's lock from its first statement, so two
// saves cannot take the same version.
func (s *Store) SaveRubric(ctx context.Context, r *interview.Rubric) error {
	if err := r.Validate(); err != nil {
		return err
	}
	body, err := store.EncodeRubric(*r)
	if err != nil {
		return fmt.Errorf("save rubric: %w", err)
	}
	fillID(&r.ID)
	fillTime(&r.CreatedAt, now())
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) + 1 FROM rubrics
			WHERE tenant_id = ? AND position_id = ?`, r.TenantID, r.PositionID).Scan(&r.Version); err != nil {
			return dbErr(err)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO rubrics (id, tenant_id, position_id, version, body,
			derived, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			r.ID, r.TenantID, r.PositionID, r.Version, string(body), r.Derived, r.CreatedBy, ts(r.CreatedAt))
		return dbErr(err)
	})
	if err != nil {
		return fmt.Errorf("save rubric of position %s: %w", r.PositionID, err)
	}
	return nil
}

// GetRubric returns version of a position's rubric, or the latest when
// version is 0.
func (s *Store) GetRubric(ctx context.Context, tenantID, positionID string, version int) (interview.Rubric, error) {
	var (
		r    interview.Rubric
		body string
	)
	err := s.r.QueryRowContext(ctx, `SELECT id, tenant_id, position_id, version, body, derived,
		created_by, created_at FROM rubrics
		WHERE tenant_id = ? AND position_id = ? AND (? = 0 OR version = ?)
		ORDER BY version DESC LIMIT 1`, tenantID, positionID, version, version).
		Scan(&r.ID, &r.TenantID, &r.PositionID, &r.Version, &body, &r.Derived, &r.CreatedBy, timeDest{&r.CreatedAt})
	if err == nil {
		err = store.DecodeRubric([]byte(body), &r)
	}
	if err != nil {
		return interview.Rubric{}, fmt.Errorf("get rubric %d of position %s: %w", version, positionID, dbErr(err))
	}
	return r, nil
}
