package auth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/interviewd/interviewd/internal/store"
)

// Throttle counts attempts per key (an email and client IP pair, a client
// IP, an email) in a sliding window, in the store, so that every instance
// of a deployment counts the same attempts and a restart forgives nothing
// (docs/security.md, "Throttling and password hashing"). Keys are stored
// as SHA-256 sums, never as emails or addresses; the janitor prunes
// failures older than the window (internal/housekeeping).
type Throttle struct {
	store  store.Throttles
	limit  int
	window time.Duration
	now    func() time.Time
}

// NewThrottle allows limit attempts per key within window.
func NewThrottle(s store.Throttles, limit int, window time.Duration, now func() time.Time) *Throttle {
	if now == nil {
		now = time.Now
	}
	return &Throttle{store: s, limit: limit, window: window, now: now}
}

// throttleKey is how key is stored: hashed, under the sign-in prefix.
func throttleKey(key string) string {
	sum := sha256.Sum256([]byte(key))
	return "signin:" + hex.EncodeToString(sum[:])
}

// Reserve counts one attempt against each of keys, unless one of them has
// reached the limit: then it counts nothing and reports false. Each count
// sees the ones before it (store.Throttles), so parallel attempts cannot all
// pass the check before any is counted. A reservation stands as a failure
// until Release or Reset.
func (t *Throttle) Reserve(ctx context.Context, keys ...string) (bool, error) {
	at := t.now()
	for i, k := range keys {
		n, err := t.store.AddThrottle(ctx, throttleKey(k), at, t.window)
		if err == nil && n <= t.limit {
			continue
		}
		// Past the limit, or failed: give back what was counted, this one included.
		t.Release(context.WithoutCancel(ctx), keys[:i+1]...)
		return false, err
	}
	return true, nil
}

// Add counts one attempt against key and returns how many it has in the
// window, this one included. It never refuses.
func (t *Throttle) Add(ctx context.Context, key string) (int, error) {
	return t.store.AddThrottle(ctx, throttleKey(key), t.now(), t.window)
}

// Release gives back one reserved attempt on each of keys: the attempt
// turned out not to be a failure. It is best effort: a store error leaves
// the attempt counted, which errs on the side of refusing.
func (t *Throttle) Release(ctx context.Context, keys ...string) {
	for _, k := range keys {
		_ = t.store.ReleaseThrottle(ctx, throttleKey(k))
	}
}

// Reset forgets every attempt on keys, best effort as Release.
func (t *Throttle) Reset(ctx context.Context, keys ...string) {
	for _, k := range keys {
		_ = t.store.ResetThrottle(ctx, throttleKey(k))
	}
}
