package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/interviewd/interviewd/internal/store"
)

// SpendRTCToken records the token id as spent until expires; ErrConflict
// when it was spent before.
func (s *Store) SpendRTCToken(ctx context.Context, id string, expires time.Time) error {
	res, err := s.w.ExecContext(ctx, `INSERT INTO spent_rtc_tokens (id, expires_at) VALUES (?, ?)
		ON CONFLICT (id) DO NOTHING`, id, ts(expires))
	if err != nil {
		return fmt.Errorf("spend rtc token: %w", dbErr(err))
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("spend rtc token: %w", err)
	}
	if n == 0 {
		return fmt.Errorf("spend rtc token: %w", store.ErrConflict)
	}
	return nil
}

// PruneRTCTokens deletes the records that expired at or before before.
func (s *Store) PruneRTCTokens(ctx context.Context, before time.Time) (int, error) {
	res, err := s.w.ExecContext(ctx, `DELETE FROM spent_rtc_tokens WHERE expires_at <= ?`, ts(before))
	if err != nil {
		return 0, fmt.Errorf("prune rtc tokens: %w", dbErr(err))
	}
	n, err := res.RowsAffected()
	return int(n), err
}
