package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/interviewd/interviewd/internal/store"
)

// SpendRTCToken records the token id as spent until expires; ErrConflict
// when any instance spent it before. The primary key decides between
// parallel spends.
func (s *Store) SpendRTCToken(ctx context.Context, id string, expires time.Time) error {
	if err := s.serverOnly("spend rtc token"); err != nil {
		return err
	}
	tag, err := s.pool.Exec(ctx, `INSERT INTO spent_rtc_tokens (id, expires_at) VALUES ($1, $2)
		ON CONFLICT (id) DO NOTHING`, id, expires.UTC())
	if err != nil {
		return fmt.Errorf("spend rtc token: %w", dbErr(err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("spend rtc token: %w", store.ErrConflict)
	}
	return nil
}

// PruneRTCTokens deletes the records that expired at or before before.
func (s *Store) PruneRTCTokens(ctx context.Context, before time.Time) (int, error) {
	if err := s.serverOnly("prune rtc tokens"); err != nil {
		return 0, err
	}
	tag, err := s.pool.Exec(ctx, `DELETE FROM spent_rtc_tokens WHERE expires_at <= $1`, before.UTC())
	if err != nil {
		return 0, fmt.Errorf("prune rtc tokens: %w", dbErr(err))
	}
	return int(tag.RowsAffected()), nil
}
