package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

// Limits of ListAudit.
const (
	defaultAuditLimit = 100
	maxAuditLimit     = 1000
)

// AppendAudit stores e, filling ID and CreatedAt. For an actor the policy
// accepts only events in the actor's own name (actor_type "user").
func (s *Store) AppendAudit(ctx context.Context, e *interview.AuditEvent) error {
	if e.Data == nil {
		e.Data = map[string]string{}
	}
	fillID(&e.ID)
	fillTime(&e.CreatedAt, now())
	_, err := s.q().Exec(ctx, `INSERT INTO audit_log (id, tenant_id, actor_type, actor_id,
		action, target_type, target_id, data, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		e.ID, e.TenantID, e.ActorType, e.ActorID, e.Action, e.TargetType, e.TargetID, e.Data,
		e.CreatedAt)
	if err != nil {
		return fmt.Errorf("append audit %s: %w", e.Action, dbErr(err))
	}
	return nil
}

// ListAudit returns a tenant's newest events first, at most limit (a default
// when limit is not positive).
func (s *Store) ListAudit(ctx context.Context, tenantID string, limit int) ([]interview.AuditEvent, error) {
	if limit <= 0 {
		limit = defaultAuditLimit
	}
	rows, err := s.q().Query(ctx, `SELECT id, tenant_id, actor_type, actor_id, action,
		target_type, target_id, data, created_at FROM audit_log
		WHERE tenant_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`,
		tenantID, min(limit, maxAuditLimit))
	list, err := collect(rows, err, func(r pgx.Rows, e *interview.AuditEvent) error {
		return r.Scan(&e.ID, &e.TenantID, &e.ActorType, &e.ActorID, &e.Action,
			&e.TargetType, &e.TargetID, &e.Data, &e.CreatedAt)
	})
	if err != nil {
		return nil, fmt.Errorf("list audit: %w", err)
	}
	return list, nil
}

// ListAuditPage returns a tenant's events newest first (CreatedAt, then
// ID), of f.Actions only when given, older than the cursor f.Before /
// f.BeforeID when given. Through As the policy shows owners only.
func (s *Store) ListAuditPage(ctx context.Context, tenantID string, f interview.AuditFilter) ([]interview.AuditEvent, error) {
	rows, err := s.q().Query(ctx, `SELECT id, tenant_id, actor_type, actor_id, action,
		target_type, target_id, data, created_at FROM audit_log
		WHERE tenant_id = $1 AND (cardinality($2::text[]) = 0 OR action = ANY ($2))
		AND ($3::timestamptz IS NULL OR created_at < $3 OR (created_at = $3 AND id::text < $4))
		ORDER BY created_at DESC, id DESC LIMIT $5`,
		tenantID, append([]string{}, f.Actions...), nullTime(f.Before), f.BeforeID, store.AuditPageLimit(f))
	list, err := collect(rows, err, func(r pgx.Rows, e *interview.AuditEvent) error {
		return r.Scan(&e.ID, &e.TenantID, &e.ActorType, &e.ActorID, &e.Action,
			&e.TargetType, &e.TargetID, &e.Data, &e.CreatedAt)
	})
	if err != nil {
		return nil, fmt.Errorf("list audit page: %w", err)
	}
	return list, nil
}
