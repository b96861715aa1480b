package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
)

// ReserveIdempotencyKey records req.Key for the tenant unless it is already
// recorded, in which case it returns the stored record and ErrConflict. The
// write transaction holds SQLite's one write lock, so the insert and the
// read of a taken key see the same row.
func (s *Store) ReserveIdempotencyKey(ctx context.Context, req *interview.IdempotentRequest) (interview.IdempotentRequest, error) {
	if err := checkIdempotencyKey(req.Key); err != nil {
		return interview.IdempotentRequest{}, err
	}
	req.Status, req.Body = 0, nil
	fillTime(&req.CreatedAt, now())
	var stored interview.IdempotentRequest
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO idempotency_keys (tenant_id, key, fingerprint,
			created_at) VALUES (?, ?, ?, ?) ON CONFLICT (tenant_id, key) DO NOTHING`,
			req.TenantID, req.Key, req.Fingerprint, ts(req.CreatedAt))
		if err != nil {
			return dbErr(err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 1 {
			stored = *req
			return err
		}
		if stored, err = getIdempotencyKey(ctx, tx, req.TenantID, req.Key); err != nil {
			return err
		}
		return interview.Errorf(interview.CodeConflict, "idempotency key %q is already used", req.Key)
	})
	if err != nil {
		return stored, fmt.Errorf("reserve idempotency key: %w", err)
	}
	return stored, nil
}

// checkIdempotencyKey bounds a key the client chose.
func checkIdempotencyKey(key string) error {
	if key == "" || len(key) > 255 {
		return interview.Errorf(interview.CodeInvalid, "an idempotency key has 1 to 255 characters")
	}
	return nil
}

func getIdempotencyKey(ctx context.Context, db querier, tenantID, key string) (interview.IdempotentRequest, error) {
	var r interview.IdempotentRequest
	err := db.QueryRowContext(ctx, `SELECT tenant_id, key, fingerprint, status, body, created_at
		FROM idempotency_keys WHERE tenant_id = ? AND key = ?`, tenantID, key).
		Scan(&r.TenantID, &r.Key, &r.Fingerprint, &r.Status, &r.Body, timeDest{&r.CreatedAt})
	if err != nil {
		return interview.IdempotentRequest{}, dbErr(err)
	}
	if len(r.Body) == 0 {
		r.Body = nil
	}
	return r, nil
}

// CompleteIdempotencyKey stores the response of a reserved key.
func (s *Store) CompleteIdempotencyKey(ctx context.Context, tenantID, key string, status int, body []byte) error {
	if status < 100 || status > 599 {
		return interview.Errorf(interview.CodeInvalid, "HTTP status %d is out of range", status)
	}
	if body == nil {
		body = []byte{}
	}
	err := affected(s.w.ExecContext(ctx, `UPDATE idempotency_keys SET status = ?, body = ?
		WHERE tenant_id = ? AND key = ?`, status, body, tenantID, key))
	if err != nil {
		return fmt.Errorf("complete idempotency key: %w", err)
	}
	return nil
}

// ReleaseIdempotencyKey forgets a key, so that a retry may run.
func (s *Store) ReleaseIdempotencyKey(ctx context.Context, tenantID, key string) error {
	err := affected(s.w.ExecContext(ctx, `DELETE FROM idempotency_keys
		WHERE tenant_id = ? AND key = ?`, tenantID, key))
	if err != nil {
		return fmt.Errorf("release idempotency key: %w", err)
	}
	return nil
}

// DeleteIdempotencyKeys forgets the keys of every tenant created before
// before, and returns how many.
func (s *Store) DeleteIdempotencyKeys(ctx context.Context, before time.Time) (int64, error) {
	n, err := deletedRows(s.w.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE created_at < ?`, ts(before)))
	if err != nil {
		return 0, fmt.Errorf("delete idempotency keys: %w", err)
	}
	return n, nil
}
