package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

// SaveRubric stores r as the next version of its position's rubric. The
// position's row is locked FOR SHARE, so two saves take turns through the
// version's unique key rather than fail on it.
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
	err = s.tx(ctx, func(tx pgx.Tx) error {
		if err := exists(ctx, tx, "positions", r.TenantID, r.PositionID); err != nil {
			return err
		}
		// A transaction-scoped advisory lock per position: a row lock would
		// need UPDATE on positions, which a rubric's writer may not have.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('rubric:' || $1::text, 0))`,
			r.PositionID); err != nil {
			return err
		}
		return tx.QueryRow(ctx, `INSERT INTO rubrics (id, tenant_id, position_id, version, body,
			derived, created_by, created_at)
			SELECT $1, $2, $3, coalesce(max(version), 0) + 1, $4, $5, $6, $7 FROM rubrics
			WHERE tenant_id = $2 AND position_id = $3
			RETURNING version`,
			r.ID, r.TenantID, r.PositionID, body, r.Derived, r.CreatedBy, r.CreatedAt).Scan(&r.Version)
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
		body []byte
	)
	err := s.q().QueryRow(ctx, `SELECT id, tenant_id, position_id, version, body, derived,
		created_by, created_at FROM rubrics
		WHERE tenant_id = $1 AND position_id = $2 AND ($3 = 0 OR version = $3)
		ORDER BY version DESC LIMIT 1`, tenantID, positionID, version).
		Scan(&r.ID, &r.TenantID, &r.PositionID, &r.Version, &body, &r.Derived, &r.CreatedBy, &r.CreatedAt)
	if err == nil {
		err = store.DecodeRubric(body, &r)
	}
	if err != nil {
		return interview.Rubric{}, fmt.Errorf("get rubric %d of position %s: %w", version, positionID, dbErr(err))
	}
	return r, nil
}
