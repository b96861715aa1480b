package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

// Limits of ListAudit.
const (
	defaultAuditLimit = 100
	maxAuditLimit     = 1000
)

// AppendAudit stores e, filling ID and CreatedAt.
func (s *Store) AppendAudit(ctx context.Context, e *interview.AuditEvent) error {
	if e.Data == nil {
		e.Data = map[string]string{}
	}
	data, err := jsonText(e.Data)
	if err != nil {
		return fmt.Errorf("append audit %s: %w", e.Action, err)
	}
	fillID(&e.ID)
	fillTime(&e.CreatedAt, now())
	_, err = s.w.ExecContext(ctx, `INSERT INTO audit_log (id, tenant_id, actor_type, actor_id,
		action, target_type, target_id, data, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.ID, e.TenantID, e.ActorType, e.ActorID, e.Action, e.TargetType, e.TargetID, data,
		ts(e.CreatedAt))
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
	rows, err := s.r.QueryContext(ctx, `SELECT id, tenant_id, actor_type, actor_id, action,
		target_type, target_id, data, created_at FROM audit_log
		WHERE tenant_id = ? ORDER BY created_at DESC, id DESC LIMIT ?`,
		tenantID, min(limit, maxAuditLimit))
	if err != nil {
		return nil, fmt.Errorf("list audit: %w", dbErr(err))
	}
	defer rows.Close()
	list := []interview.AuditEvent{}
	for rows.Next() {
		var e interview.AuditEvent
		err := rows.Scan(&e.ID, &e.TenantID, &e.ActorType, &e.ActorID, &e.Action,
			&e.TargetType, &e.TargetID, jsonDest{&e.Data}, timeDest{&e.CreatedAt})
		if err != nil {
			return nil, fmt.Errorf("list audit: %w", err)
		}
		list = append(list, e)
	}
	return list, rows.Err()
}

// ListAuditPage returns a tenant's events newest first (CreatedAt, then
// ID), of f.Actions only when given, older than the cursor f.Before /
// f.BeforeID when given.
func (s *Store) ListAuditPage(ctx context.Context, tenantID string, f interview.AuditFilter) ([]interview.AuditEvent, error) {
	actions, err := jsonText(append([]string{}, f.Actions...))
	if err != nil {
		return nil, fmt.Errorf("list audit page: %w", err)
	}
	var before any
	if !f.Before.IsZero() {
		before = ts(f.Before)
	}
	rows, err := s.r.QueryContext(ctx, `SELECT id, tenant_id, actor_type, actor_id, action,
		target_type, target_id, data, created_at FROM audit_log
		WHERE tenant_id = ?1 AND (?2 = '[]' OR action IN (SELECT value FROM json_each(?2)))
		AND (?3 IS NULL OR created_at < ?3 OR (created_at = ?3 AND id < ?4))
		ORDER BY created_at DESC, id DESC LIMIT ?5`,
		tenantID, actions, before, f.BeforeID, store.AuditPageLimit(f))
	list, err := collect(rows, err, func(r *sql.Rows, e *interview.AuditEvent) error {
		return r.Scan(&e.ID, &e.TenantID, &e.ActorType, &e.ActorID, &e.Action,
			&e.TargetType, &e.TargetID, jsonDest{&e.Data}, timeDest{&e.CreatedAt})
	})
	if err != nil {
		return nil, fmt.Errorf("list audit page: %w", err)
	}
	return list, nil
}
