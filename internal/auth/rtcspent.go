package auth

import (
	"context"
	"errors"
	"fmt"

	"github.com/interviewd/interviewd/internal/store"
)

// RTCSpent records the signalling tokens already used, so that each admits
// one connection. The record is the store's (store.RTCTokens), shared by
// every instance on the database and kept across restarts; each entry
// lasts until its token stops verifying, and the janitor prunes it then.
type RTCSpent struct {
	store store.RTCTokens
}

// ErrTokenSpent means a signalling token was used before.
var ErrTokenSpent = errors.New("token already used")

// NewRTCSpent returns the record kept in s.
func NewRTCSpent(s store.RTCTokens) *RTCSpent {
	return &RTCSpent{store: s}
}

// Spend marks the token of c as used, atomically across instances: the
// first call for a token returns nil, every later one ErrTokenSpent, as
// does a token without an ID or expiry. Another error is the store's.
func (r *RTCSpent) Spend(ctx context.Context, c RTCClaims) error {
	if c.ID == "" || c.ExpiresAt == nil {
		return ErrTokenSpent
	}
	// Kept past the expiry by the verifier's leeway, while it still verifies.
	err := r.store.SpendRTCToken(ctx, c.ID, c.ExpiresAt.Add(clockSkew))
	if errors.Is(err, store.ErrConflict) {
		return ErrTokenSpent
	}
	if err != nil {
		return fmt.Errorf("spend signalling token: %w", err)
	}
	return nil
}
