package auth

import (
	"errors"
	"sync"
	"time"
)

// RTCSpent records the signalling tokens already used, so that each admits
// one connection. The record is in this process's memory: one process
// serves a tenant's live interviews (docs/signaling.md), and a token
// issued before the process started is refused (a restart forgets which
// earlier tokens were spent). Entries are dropped once their token has
// expired, as it is refused anyway then.
type RTCSpent struct {
	mu      sync.Mutex
	since   time.Time
	spent   map[string]time.Time
	now     func() time.Time
	swept   time.Time
	sweepIn time.Duration
}

// ErrTokenSpent means a signalling token was used before, or was issued
// before this process started and may have been.
var ErrTokenSpent = errors.New("token already used")

// NewRTCSpent returns an empty record that refuses tokens issued before now
// (to the second, as token times are).
func NewRTCSpent(now func() time.Time) *RTCSpent {
	if now == nil {
		now = time.Now
	}
	t := now()
	return &RTCSpent{since: t.Truncate(time.Second), spent: map[string]time.Time{}, now: now,
		swept: t, sweepIn: time.Minute}
}

// Spend marks the token of c as used, atomically: the first call for a
// token returns nil, every later one ErrTokenSpent, as does a token issued
// before the record was made.
func (r *RTCSpent) Spend(c RTCClaims) error {
	if c.IssuedAt == nil || c.ExpiresAt == nil || c.IssuedAt.Before(r.since) {
		return ErrTokenSpent
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sweep()
	if _, ok := r.spent[c.ID]; ok {
		return ErrTokenSpent
	}
	// Kept past the expiry by the verifier's leeway, while it still verifies.
	r.spent[c.ID] = c.ExpiresAt.Add(clockSkew)
	return nil
}

// sweep drops the expired entries, at most once a minute.
func (r *RTCSpent) sweep() {
	now := r.now()
	if now.Sub(r.swept) < r.sweepIn {
		return
	}
	r.swept = now
	for id, until := range r.spent {
		if now.After(until) {
			delete(r.spent, id)
		}
	}
}

// Len is how many spent tokens are remembered.
func (r *RTCSpent) Len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.spent)
}
