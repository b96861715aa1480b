package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
)

const endpointCols = `id, tenant_id, url, description, events, secret, created_by,
	created_at, disabled_at`

func scanEndpoint(row scanner) (interview.WebhookEndpoint, error) {
	var e interview.WebhookEndpoint
	var events string
	err := row.Scan(&e.ID, &e.TenantID, &e.URL, &e.Description, &events, &e.Secret,
		&e.CreatedBy, timeDest{&e.CreatedAt}, nullTimeDest{&e.DisabledAt})
	if err != nil {
		return interview.WebhookEndpoint{}, dbErr(err)
	}
	if events != "" {
		e.Events = strings.Split(events, ",")
	}
	return e, nil
}

const deliveryCols = `d.id, d.tenant_id, d.endpoint_id, d.event, d.interview_id, d.status,
	d.attempts, d.next_attempt_at, d.last_code, d.last_error, d.created_at, d.delivered_at,
	d.assessment_id`

func deliveryDest(d *interview.WebhookDelivery) []any {
	return []any{&d.ID, &d.TenantID, &d.EndpointID, &d.Event, &d.InterviewID, &d.Status,
		&d.Attempts, timeDest{&d.NextAttempt}, &d.LastCode, &d.LastError,
		timeDest{&d.CreatedAt}, nullTimeDest{&d.DeliveredAt}, stringDest(&d.AssessmentID)}
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
	_, err := s.w.ExecContext(ctx, `INSERT INTO webhook_endpoints (`+endpointCols+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.ID, e.TenantID, e.URL, e.Description, strings.Join(e.Events, ","), e.Secret,
		e.CreatedBy, ts(e.CreatedAt), nullTS(e.DisabledAt))
	if err != nil {
		return fmt.Errorf("create webhook endpoint %s: %w", e.ID, dbErr(err))
	}
	return nil
}

// ListWebhookEndpoints returns a tenant's endpoints, newest first.
func (s *Store) ListWebhookEndpoints(ctx context.Context, tenantID string) ([]interview.WebhookEndpoint, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+endpointCols+` FROM webhook_endpoints
		WHERE tenant_id = ? ORDER BY created_at DESC, id DESC`, tenantID)
	if err != nil {
		return nil, fmt.Errorf("list webhook endpoints: %w", dbErr(err))
	}
	defer rows.Close()
	list := []interview.WebhookEndpoint{}
	for rows.Next() {
		e, err := scanEndpoint(rows)
		if err != nil {
			return nil, fmt.Errorf("list webhook endpoints: %w", err)
		}
		list = append(list, e)
	}
	return list, rows.Err()
}

// DisableWebhookEndpoint disables an endpoint at the given time; disabling
// it again keeps the first time. A trigger fails its pending deliveries in
// the same statement.
func (s *Store) DisableWebhookEndpoint(ctx context.Context, tenantID, id string, at time.Time) error {
	fillTime(&at, now())
	err := affected(s.w.ExecContext(ctx, `UPDATE webhook_endpoints SET disabled_at = COALESCE(disabled_at, ?)
		WHERE tenant_id = ? AND id = ?`, ts(at), tenantID, id))
	if err != nil {
		return fmt.Errorf("disable webhook endpoint %s: %w", id, err)
	}
	return nil
}

// ListWebhookDeliveries returns an endpoint's deliveries, newest first, at
// most limit.
func (s *Store) ListWebhookDeliveries(ctx context.Context, tenantID, endpointID string, limit int) ([]interview.WebhookDelivery, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+deliveryCols+` FROM webhook_deliveries d
		WHERE d.tenant_id = ? AND d.endpoint_id = ?
		ORDER BY d.created_at DESC, d.id DESC LIMIT ?`, tenantID, endpointID, listLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("list webhook deliveries: %w", dbErr(err))
	}
	defer rows.Close()
	list := []interview.WebhookDelivery{}
	for rows.Next() {
		var d interview.WebhookDelivery
		if err := rows.Scan(deliveryDest(&d)...); err != nil {
			return nil, fmt.Errorf("list webhook deliveries: %w", dbErr(err))
		}
		list = append(list, d)
	}
	return list, rows.Err()
}

// ClaimWebhookDeliveries leases up to limit due deliveries of every tenant
// to the caller, in one write transaction: SQLite's one writer makes
// concurrent claims take turns, so no two take the same delivery.
func (s *Store) ClaimWebhookDeliveries(ctx context.Context, at time.Time, lease time.Duration, limit int) ([]interview.WebhookDelivery, error) {
	at = at.UTC().Truncate(time.Microsecond)
	until := at.Add(max(lease, 0))
	var list []interview.WebhookDelivery
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		if list, err = dueDeliveries(ctx, tx, at, listLimit(limit)); err != nil || len(list) == 0 {
			return err
		}
		ids := make([]string, len(list))
		for i := range list {
			ids[i], list[i].NextAttempt = list[i].ID, until
		}
		return leaseRows(ctx, tx, "webhook_deliveries", ids, until)
	})
	if err != nil {
		return nil, fmt.Errorf("claim webhook deliveries: %w", err)
	}
	return list, nil
}

// leaseRows moves the next attempt of an outbox's rows ids to until: claimed
// until then. SQLite has one writer, so the transaction that read them
// due is alone.
func leaseRows(ctx context.Context, tx *sql.Tx, table string, ids []string, until time.Time) error {
	idList, err := jsonText(ids)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE `+table+` SET next_attempt_at = ?
		WHERE id IN (SELECT value FROM json_each(?))`, ts(until), idList)
	return dbErr(err)
}

// dueDeliveries reads up to limit pending deliveries due at at, the most
// overdue ones, with their endpoints' URL and secret, oldest first.
func dueDeliveries(ctx context.Context, tx *sql.Tx, at time.Time, limit int) ([]interview.WebhookDelivery, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+deliveryCols+`, e.url, e.secret
		FROM (SELECT * FROM webhook_deliveries
			WHERE status = 'pending' AND next_attempt_at <= ?
			ORDER BY next_attempt_at, id LIMIT ?) d
		JOIN webhook_endpoints e ON e.tenant_id = d.tenant_id AND e.id = d.endpoint_id
		ORDER BY d.created_at, d.id`, ts(at), limit)
	if err != nil {
		return nil, dbErr(err)
	}
	defer rows.Close()
	list := []interview.WebhookDelivery{}
	for rows.Next() {
		var d interview.WebhookDelivery
		if err := rows.Scan(append(deliveryDest(&d), &d.URL, &d.Secret)...); err != nil {
			return nil, dbErr(err)
		}
		list = append(list, d)
	}
	return list, dbErr(rows.Err())
}

// RecordWebhookAttempt stores the outcome of one attempt at a pending
// delivery. ErrConflict if it is no longer pending: delivered already, or
// failed because its endpoint was disabled meanwhile.
func (s *Store) RecordWebhookAttempt(ctx context.Context, tenantID, id string, a interview.WebhookAttempt) error {
	fillTime(&a.At, now())
	status, next, delivered := attemptOutcome(a)
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE webhook_deliveries SET status = ?,
			attempts = attempts + 1, next_attempt_at = COALESCE(?, next_attempt_at),
			last_code = ?, last_error = ?, delivered_at = ?
			WHERE tenant_id = ? AND id = ? AND status = 'pending'`,
			status, next, a.Code, a.Error, delivered, tenantID, id)
		if err != nil {
			return dbErr(err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 1 {
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
// next attempt (NULL: unchanged) and its delivery time (NULL: none).
func attemptOutcome(a interview.WebhookAttempt) (status string, next, delivered any) {
	switch {
	case a.Delivered:
		return interview.DeliveryDelivered, nil, ts(a.At)
	case a.Retry.IsZero():
		return interview.DeliveryFailed, nil, nil
	}
	return interview.DeliveryPending, ts(a.Retry), nil
}

// deliveryNotPending tells why an attempt matched no pending delivery: there
// is none in the tenant (ErrNotFound) or it is settled (ErrConflict).
func deliveryNotPending(ctx context.Context, tx *sql.Tx, tenantID, id string) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT 1 FROM webhook_deliveries WHERE tenant_id = ? AND id = ?`,
		tenantID, id).Scan(&n); err != nil {
		return dbErr(err)
	}
	return interview.Errorf(interview.CodeConflict, "the webhook delivery is no longer pending")
}

// DeleteWebhookDeliveries deletes the finished deliveries of every tenant
// created before before, and returns how many.
func (s *Store) DeleteWebhookDeliveries(ctx context.Context, before time.Time) (int64, error) {
	n, err := deletedRows(s.w.ExecContext(ctx, `DELETE FROM webhook_deliveries
		WHERE status IN ('delivered', 'failed') AND created_at < ?`, ts(before)))
	if err != nil {
		return 0, fmt.Errorf("delete webhook deliveries: %w", err)
	}
	return n, nil
}
