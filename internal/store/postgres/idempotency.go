package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

// reserveAttempts bounds ReserveIdempotencyKey's retries when a taken key is
// released between its insert and its read.
const reserveAttempts = 3

// ReserveIdempotencyKey records req.Key for the tenant unless it is already
// recorded, in which case it returns the stored record and ErrConflict.
// INSERT … ON CONFLICT DO NOTHING waits for a concurrent insert of the same
// key to commit, so exactly one of concurrent reservations inserts.
func (s *Store) ReserveIdempotencyKey(ctx context.Context, req *interview.IdempotentRequest) (interview.IdempotentRequest, error) {
	if req.Key == "" || len(req.Key) > 255 {
		return interview.IdempotentRequest{}, interview.Errorf(interview.CodeInvalid, "an idempotency key has 1 to 255 characters")
	}
	req.Status, req.Body = 0, nil
	fillTime(&req.CreatedAt, now())
	for range reserveAttempts {
		tag, err := s.q().Exec(ctx, `INSERT INTO idempotency_keys (tenant_id, key, fingerprint, created_at)
			VALUES ($1, $2, $3, $4) ON CONFLICT (tenant_id, key) DO NOTHING`,
			req.TenantID, req.Key, req.Fingerprint, req.CreatedAt)
		if err != nil {
			return interview.IdempotentRequest{}, fmt.Errorf("reserve idempotency key: %w", dbErr(err))
		}
		if tag.RowsAffected() == 1 {
			return *req, nil
		}
		stored, err := s.getIdempotencyKey(ctx, req.TenantID, req.Key)
		if errors.Is(err, store.ErrNotFound) {
			continue // released since the insert: try again
		}
		if err != nil {
			return interview.IdempotentRequest{}, fmt.Errorf("reserve idempotency key: %w", err)
		}
		return stored, fmt.Errorf("reserve idempotency key: %w",
			interview.Errorf(interview.CodeConflict, "idempotency key %q is already used", req.Key))
	}
	// Not ErrConflict: there is no stored record to return with it.
	return interview.IdempotentRequest{}, fmt.Errorf("reserve idempotency key: released and taken again %d times", reserveAttempts)
}

func (s *Store) getIdempotencyKey(ctx context.Context, tenantID, key string) (interview.IdempotentRequest, error) {
	var r interview.IdempotentRequest
	err := s.q().QueryRow(ctx, `SELECT tenant_id, key, fingerprint, status, body, created_at
		FROM idempotency_keys WHERE tenant_id = $1 AND key = $2`, tenantID, key).
		Scan(&r.TenantID, &r.Key, &r.Fingerprint, &r.Status, &r.Body, &r.CreatedAt)
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
		body = []byte{} // the column is NOT NULL; nil would be NULL
	}
	err := affected(s.q().Exec(ctx, `UPDATE idempotency_keys SET status = $1, body = $2
		WHERE tenant_id = $3 AND key = $4`, status, body, tenantID, key))
	if err != nil {
		return fmt.Errorf("complete idempotency key: %w", err)
	}
	return nil
}

// ReleaseIdempotencyKey forgets a key, so that a retry may run.
func (s *Store) ReleaseIdempotencyKey(ctx context.Context, tenantID, key string) error {
	err := affected(s.q().Exec(ctx, `DELETE FROM idempotency_keys WHERE tenant_id = $1 AND key = $2`,
		tenantID, key))
	if err != nil {
		return fmt.Errorf("release idempotency key: %w", err)
	}
	return nil
}

// DeleteIdempotencyKeys forgets the keys of every tenant created before
// before, and returns how many. Only the privileged path may: the policies
// would let a member delete their own tenants' keys, which is not a sweep.
func (s *Store) DeleteIdempotencyKeys(ctx context.Context, before time.Time) (int64, error) {
	if err := s.serverJob(); err != nil {
		return 0, fmt.Errorf("delete idempotency keys: %w", err)
	}
	tag, err := s.q().Exec(ctx, `DELETE FROM idempotency_keys WHERE created_at < $1`, before)
	if err != nil {
		return 0, fmt.Errorf("delete idempotency keys: %w", dbErr(err))
	}
	return tag.RowsAffected(), nil
}

// serverJob refuses a sweep across tenants through As, where row-level
// security would quietly narrow it to the actor's tenants.
func (s *Store) serverJob() error {
	if s.claims != "" {
		return interview.Errorf(interview.CodeForbidden, "housekeeping runs on the privileged path only")
	}
	return nil
}
