package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// AddThrottle records one failure of key at at and returns how many it has
// had in (at-window, at], this one included.
func (s *Store) AddThrottle(ctx context.Context, key string, at time.Time, window time.Duration) (int, error) {
	var n int
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO throttle_failures (key, at) VALUES (?, ?)`, key, ts(at)); err != nil {
			return dbErr(err)
		}
		return dbErr(countThrottle(ctx, tx, key, at, window, &n))
	})
	if err != nil {
		return 0, fmt.Errorf("add throttle failure: %w", err)
	}
	return n, nil
}

// CountThrottle returns how many failures key has had in (at-window, at].
func (s *Store) CountThrottle(ctx context.Context, key string, at time.Time, window time.Duration) (int, error) {
	var n int
	if err := countThrottle(ctx, s.r, key, at, window, &n); err != nil {
		return 0, fmt.Errorf("count throttle failures: %w", dbErr(err))
	}
	return n, nil
}

// queryer is a pool or a transaction.
type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func countThrottle(ctx context.Context, q queryer, key string, at time.Time, window time.Duration, n *int) error {
	return q.QueryRowContext(ctx, `SELECT count(*) FROM throttle_failures
		WHERE key = ? AND at > ? AND at <= ?`, key, ts(at.Add(-window)), ts(at)).Scan(n)
}

// ResetThrottle forgets key's failures.
func (s *Store) ResetThrottle(ctx context.Context, key string) error {
	if _, err := s.w.ExecContext(ctx, `DELETE FROM throttle_failures WHERE key = ?`, key); err != nil {
		return fmt.Errorf("reset throttle: %w", dbErr(err))
	}
	return nil
}

// ReleaseThrottle forgets key's latest failure.
func (s *Store) ReleaseThrottle(ctx context.Context, key string) error {
	_, err := s.w.ExecContext(ctx, `DELETE FROM throttle_failures WHERE rowid =
		(SELECT rowid FROM throttle_failures WHERE key = ? ORDER BY at DESC LIMIT 1)`, key)
	if err != nil {
		return fmt.Errorf("release throttle: %w", dbErr(err))
	}
	return nil
}

// PruneThrottles deletes the failures at or before before.
func (s *Store) PruneThrottles(ctx context.Context, before time.Time) (int, error) {
	res, err := s.w.ExecContext(ctx, `DELETE FROM throttle_failures WHERE at <= ?`, ts(before))
	if err != nil {
		return 0, fmt.Errorf("prune throttles: %w", dbErr(err))
	}
	n, err := res.RowsAffected()
	return int(n), err
}
