package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/interviewd/interviewd/internal/interview"
)

const endpointCols = `id, tenant_id, url, description, events, secret, created_by,
	created_at, disabled_at`

// endpointReadCols is what an endpoint is read with. The authenticated role
// may not read secret, so through As it comes back empty; signing is the
// sender's business, on the privileged path.
func (s *Store) endpointReadCols() string {
	if s.claims != "" {
		return `id, tenant_id, url, description, events, ''::text, created_by,
	created_at, disabled_at`
	}
	return endpointCols
}

func scanEndpoint(r interface{ Scan(...any) error }, e *interview.WebhookEndpoint) error {
	err := r.Scan(&e.ID, &e.TenantID, &e.URL, &e.Description, &e.Events, &e.Secret,
		&e.CreatedBy, &e.CreatedAt, &e.DisabledAt)
	if len(e.Events) == 0 {
		e.Events = nil // all events, as the caller wrote it
	}
	return err
}

const deliveryCols = `d.id, d.tenant_id, d.endpoint_id, d.event, d.interview_id, d.status,
	d.attempts, d.next_attempt_at, d.last_code, d.last_error, d.created_at, d.delivered_at,
	coalesce(d.assessment_id::text, '')`

func deliveryDest(d *interview.WebhookDelivery) []any {
	return []any{&d.ID, &d.TenantID, &d.EndpointID, &d.Event, &d.InterviewID, &d.Status,
		&d.Attempts, &d.NextAttempt, &d.LastCode, &d.LastError, &d.CreatedAt, &d.DeliveredAt,
		&d.AssessmentID}
}

// CreateWebhookEndpoint stores e in e.TenantID, filling ID and CreatedAt;
// an unknown tenant is ErrNotFound.
func (s *Store) CreateWebhookEndpoint(ctx context.Context, e *interview.WebhookEndpoint) error {
	if err := e.Prepare(); err != nil {
		return err
	}
	fillID(&e.ID)
	fillTime(&e.CreatedAt, now())
	truncate(e.DisabledAt)
	events := e.Events
	if events == nil {
		events = []string{} // the column is NOT NULL; nil would be NULL
	}
	_, err := s.q().Exec(ctx, `INSERT INTO webhook_endpoints (`+endpointCols+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		e.ID, e.TenantID, e.URL, e.Description, events, e.Secret, e.CreatedBy,
		e.CreatedAt, e.DisabledAt)
	if err != nil {
		return fmt.Errorf("create webhook endpoint %s: %w", e.ID, dbErr(err))
	}
	return nil
}

// ListWebhookEndpoints returns a tenant's endpoints, newest first; through
// As, without their secrets.
func (s *Store) ListWebhookEndpoints(ctx context.Context, tenantID string) ([]interview.WebhookEndpoint, error) {
	rows, err := s.q().Query(ctx, `SELECT `+s.endpointReadCols()+` FROM webhook_endpoints
		WHERE tenant_id = $1 ORDER BY created_at DESC, id DESC`, tenantID)
	list, err := collect(rows, err, func(r pgx.Rows, e *interview.WebhookEndpoint) error {
		return scanEndpoint(r, e)
	})
	if err != nil {
		return nil, fmt.Errorf("list webhook endpoints: %w", err)
	}
	return list, nil
}

// DisableWebhookEndpoint disables an endpoint at the given time; disabling
// it again keeps the first time. A trigger fails its pending deliveries in
// the same statement (it runs as the owner, so this works through As).
func (s *Store) DisableWebhookEndpoint(ctx context.Context, tenantID, id string, at time.Time) error {
	fillTime(&at, now())
	err := affected(s.q().Exec(ctx, `UPDATE webhook_endpoints SET disabled_at = coalesce(disabled_at, $1)
		WHERE tenant_id = $2 AND id = $3`, at, tenantID, id))
	if err != nil {
		return fmt.Errorf("disable webhook endpoint %s: %w", id, err)
	}
	return nil
}

// ListWebhookDeliveries returns an endpoint's deliveries, newest first, at
// most limit.
func (s *Store) ListWebhookDeliveries(ctx context.Context, tenantID, endpointID string, limit int) ([]interview.WebhookDelivery, error) {
	rows, err := s.q().Query(ctx, `SELECT `+deliveryCols+` FROM webhook_deliveries d
		WHERE d.tenant_id = $1 AND d.endpoint_id = $2
		ORDER BY d.created_at DESC, d.id DESC LIMIT $3`, tenantID, endpointID, listLimit(limit))
	list, err := collect(rows, err, func(r pgx.Rows, d *interview.WebhookDelivery) error {
		return r.Scan(deliveryDest(d)...)
	})
	if err != nil {
		return nil, fmt.Errorf("list webhook deliveries: %w", err)
	}
	return list, nil
}

// claimPending is the statement that leases an outbox's due rows (status
// pending, next_attempt_at at or before $1), the most overdue first, at
// most $3, by moving their next attempt to $2 (the lease's end), and
// returns them. FOR UPDATE SKIP LOCKED lets concurrent senders each take
// other rows instead of waiting for, or taking, the same ones.
func claimPending(table string) string {
	return `UPDATE ` + table + ` SET next_attempt_at = $2
			WHERE id IN (SELECT id FROM ` + table + `
				WHERE status = 'pending' AND next_attempt_at <= $1
				ORDER BY next_attempt_at, id LIMIT $3
				FOR UPDATE SKIP LOCKED)
			RETURNING *`
}

// ClaimWebhookDeliveries leases up to limit due deliveries of every tenant
// to the caller. FOR UPDATE SKIP LOCKED lets concurrent senders each take
// other rows instead of waiting for, or taking, the same ones.
func (s *Store) ClaimWebhookDeliveries(ctx context.Context, at time.Time, lease time.Duration, limit int) ([]interview.WebhookDelivery, error) {
	if err := s.sender(); err != nil {
		return nil, fmt.Errorf("claim webhook deliveries: %w", err)
	}
	at = at.UTC().Truncate(time.Microsecond)
	rows, err := s.q().Query(ctx, `WITH d AS (`+claimPending("webhook_deliveries")+`)
		SELECT `+deliveryCols+`, e.url, e.secret FROM d
		JOIN webhook_endpoints e ON e.tenant_id = d.tenant_id AND e.id = d.endpoint_id
		ORDER BY d.created_at, d.id`, at, at.Add(max(lease, 0)), listLimit(limit))
	list, err := collect(rows, err, func(r pgx.Rows, d *interview.WebhookDelivery) error {
		return r.Scan(append(deliveryDest(d), &d.URL, &d.Secret)...)
	})
	if err != nil {
		return nil, fmt.Errorf("claim webhook deliveries: %w", err)
	}
	return list, nil
}

// RecordWebhookAttempt stores the outcome of one attempt at a pending
// delivery. ErrConflict if it is no longer pending: delivered already, or
// failed because its endpoint was disabled meanwhile.
func (s *Store) RecordWebhookAttempt(ctx context.Context, tenantID, id string, a interview.WebhookAttempt) error {
	if err := s.sender(); err != nil {
		return fmt.Errorf("record webhook attempt %s: %w", id, err)
	}
	fillTime(&a.At, now())
	status, next, delivered := attemptOutcome(a)
	err := s.tx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE webhook_deliveries SET status = $1, attempts = attempts + 1,
			next_attempt_at = coalesce($2, next_attempt_at), last_code = $3, last_error = $4,
			delivered_at = $5
			WHERE tenant_id = $6 AND id = $7 AND status = 'pending'`,
			status, next, a.Code, a.Error, delivered, tenantID, id)
		if err != nil || tag.RowsAffected() == 1 {
			return err
		}
		return deliveryNotPending(ctx, tx, tenantID, id)
	})
	if err != nil {
		return fmt.Errorf("record webhook attempt %s: %w", id, err)
	}
	return nil
}

// attemptOutcome is what an attempt makes of a delivery: its status, its
// next attempt (nil: unchanged) and its delivery time (nil: none).
func attemptOutcome(a interview.WebhookAttempt) (status string, next, delivered *time.Time) {
	switch {
	case a.Delivered:
		return interview.DeliveryDelivered, nil, &a.At
	case a.Retry.IsZero():
		return interview.DeliveryFailed, nil, nil
	}
	retry := a.Retry.UTC().Truncate(time.Microsecond)
	return interview.DeliveryPending, &retry, nil
}

// deliveryNotPending tells why an attempt matched no pending delivery: there
// is none in the tenant (ErrNotFound) or it is settled (ErrConflict).
func deliveryNotPending(ctx context.Context, tx pgx.Tx, tenantID, id string) error {
	var n int
	if err := tx.QueryRow(ctx, `SELECT 1 FROM webhook_deliveries WHERE tenant_id = $1 AND id = $2`,
		tenantID, id).Scan(&n); err != nil {
		return err // no rows: ErrNotFound
	}
	return interview.Errorf(interview.CodeConflict, "the webhook delivery is no longer pending")
}

// sender refuses the sender's methods through As: they work across
// tenants, and the authenticated role may not write deliveries at all.
func (s *Store) sender() error {
	if s.claims != "" {
		return interview.Errorf(interview.CodeForbidden, "webhook delivery runs on the privileged path only")
	}
	return nil
}

// DeleteWebhookDeliveries deletes the finished deliveries of every tenant
// created before before, and returns how many; privileged path only.
func (s *Store) DeleteWebhookDeliveries(ctx context.Context, before time.Time) (int64, error) {
	if err := s.serverJob(); err != nil {
		return 0, fmt.Errorf("delete webhook deliveries: %w", err)
	}
	tag, err := s.q().Exec(ctx, `DELETE FROM webhook_deliveries
		WHERE status IN ('delivered', 'failed') AND created_at < $1`, before)
	if err != nil {
		return 0, fmt.Errorf("delete webhook deliveries: %w", dbErr(err))
	}
	return tag.RowsAffected(), nil
}
