package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// AddThrottle records one failure of key at at and returns how many it has
// had after at-window, this one included.
func (s *Store) AddThrottle(ctx context.Context, key string, at time.Time, window time.Duration) (int, error) {
	var n int
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO throttle_failures (key, at) VALUES (?, ?)`, key, ts(at)); err != nil {
			return dbErr(err)
		}
		// No upper bound: a parallel add that read a later time but took
		// the write lock first has counted, and must count here too.
		return dbErr(tx.QueryRowContext(ctx, `SELECT count(*) FROM throttle_failures
			WHERE key = ? AND at > ?`, key, ts(at.Add(-window))).Scan(&n))
	})
	if err != nil {
		return 0, fmt.Errorf("add throttle failure: %w", err)
	}
	return n, nil
}

// CountThrottle returns how many failures key has had in (at-window, at].
func (s *Store) CountThrottle(ctx context.Context, key string, at time.Time, window time.Duration) (int, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM throttle_failures
		WHERE key = ? AND at > ? AND at <= ?`, key, ts(at.Add(-window)), ts(at)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count throttle failures: %w", dbErr(err))
	}
	return n, nil
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
