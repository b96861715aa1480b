package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// AddThrottle records one failure of key at at and returns how many it has
// had after at-window, this one included. A transaction lock on the key
// queues parallel adds, so that each counts the ones committed before it.
func (s *Store) AddThrottle(ctx context.Context, key string, at time.Time, window time.Duration) (int, error) {
	if err := s.serverOnly("add throttle failure"); err != nil {
		return 0, err
	}
	var n int
	err := s.tx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, lockKey("throttle:"+key)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO throttle_failures (key, at) VALUES ($1, $2)`, key, at.UTC()); err != nil {
			return err
		}
		// No upper bound: a parallel add that read a later time but took
		// the lock first has counted, and must count here too.
		return tx.QueryRow(ctx, `SELECT count(*) FROM throttle_failures WHERE key = $1 AND at > $2`,
			key, at.Add(-window).UTC()).Scan(&n)
	})
	if err != nil {
		return 0, fmt.Errorf("add throttle failure: %w", err)
	}
	return n, nil
}

// CountThrottle returns how many failures key has had in (at-window, at].
func (s *Store) CountThrottle(ctx context.Context, key string, at time.Time, window time.Duration) (int, error) {
	if err := s.serverOnly("count throttle failures"); err != nil {
		return 0, err
	}
	var n int
	err := s.pool.QueryRow(ctx, `SELECT count(*) FROM throttle_failures WHERE key = $1 AND at > $2 AND at <= $3`,
		key, at.Add(-window).UTC(), at.UTC()).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count throttle failures: %w", dbErr(err))
	}
	return n, nil
}

// ResetThrottle forgets key's failures.
func (s *Store) ResetThrottle(ctx context.Context, key string) error {
	if err := s.serverOnly("reset throttle"); err != nil {
		return err
	}
	if _, err := s.pool.Exec(ctx, `DELETE FROM throttle_failures WHERE key = $1`, key); err != nil {
		return fmt.Errorf("reset throttle: %w", dbErr(err))
	}
	return nil
}

// ReleaseThrottle forgets key's latest failure.
func (s *Store) ReleaseThrottle(ctx context.Context, key string) error {
	if err := s.serverOnly("release throttle"); err != nil {
		return err
	}
	_, err := s.pool.Exec(ctx, `DELETE FROM throttle_failures WHERE id =
		(SELECT id FROM throttle_failures WHERE key = $1 ORDER BY at DESC LIMIT 1)`, key)
	if err != nil {
		return fmt.Errorf("release throttle: %w", dbErr(err))
	}
	return nil
}

// PruneThrottles deletes the failures at or before before.
func (s *Store) PruneThrottles(ctx context.Context, before time.Time) (int, error) {
	if err := s.serverOnly("prune throttles"); err != nil {
		return 0, err
	}
	tag, err := s.pool.Exec(ctx, `DELETE FROM throttle_failures WHERE at <= $1`, before.UTC())
	if err != nil {
		return 0, fmt.Errorf("prune throttles: %w", dbErr(err))
	}
	return int(tag.RowsAffected()), nil
}
