package auth

import (
	"context"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/supabase-community/gotrue-go/types"
)

// What SupabaseAccounts keeps in memory. interviewd is one process, so
// memory is enough; a restart forgets it (see docs/supabase.md).
const (
	// refreshShared is how long the result of a refresh is handed to other
	// requests bearing the same (now spent) refresh token: a page's parallel
	// requests all arrive with the old cookie.
	refreshShared = 30 * time.Second
	maxSignOuts   = 100_000
)

// refreshFlight runs one refresh per refresh token at a time and shares its
// result with the requests that arrive with the same token meanwhile and
// for refreshShared after.
type refreshFlight struct {
	mu    sync.Mutex
	now   func() time.Time
	calls map[string]*refreshCall
}

type refreshCall struct {
	done    chan struct{}
	session types.Session
	err     error
	ended   time.Time // zero while running
}

func newRefreshFlight(now func() time.Time) *refreshFlight {
	return &refreshFlight{now: now, calls: map[string]*refreshCall{}}
}

// do returns the result of fn for key, running fn only if no call for key
// is running or recently succeeded. fn runs without ctx's cancellation, so
// that one request going away does not fail the others waiting on it.
func (f *refreshFlight) do(ctx context.Context, key string, fn func(context.Context) (types.Session, error)) (types.Session, error) {
	f.mu.Lock()
	f.sweep()
	c, ok := f.calls[key]
	if !ok {
		c = &refreshCall{done: make(chan struct{})}
		f.calls[key] = c
		f.mu.Unlock()
		session, err := fn(context.WithoutCancel(ctx))
		f.mu.Lock()
		c.session, c.err, c.ended = session, err, f.now()
		if err != nil {
			delete(f.calls, key) // the next request tries again
		}
		close(c.done)
	}
	f.mu.Unlock()
	select {
	case <-c.done:
		return c.session, c.err
	case <-ctx.Done():
		return types.Session{}, ctx.Err()
	}
}

// sweep forgets finished calls older than refreshShared. f.mu is held.
func (f *refreshFlight) sweep() {
	now := f.now()
	for k, c := range f.calls {
		if !c.ended.IsZero() && now.Sub(c.ended) >= refreshShared {
			delete(f.calls, k)
		}
	}
}

// signOuts remembers when users signed out, so that the access tokens
// issued to them before stop working at once instead of at their expiry.
type signOuts struct {
	mu  sync.Mutex
	now func() time.Time
	at  map[string]signOut
}

type signOut struct {
	at     time.Time // tokens issued before are refused
	forget time.Time // by then every such token has expired
}

func newSignOuts(now func() time.Time) *signOuts {
	return &signOuts{now: now, at: map[string]signOut{}}
}

// add records that userID signed out now; their tokens live at most
// lifetime.
func (s *signOuts) add(userID string, lifetime time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if len(s.at) >= maxSignOuts {
		for id, o := range s.at {
			if now.After(o.forget) {
				delete(s.at, id)
			}
		}
	}
	if len(s.at) >= maxSignOuts {
		clear(s.at) // bounded memory beats remembering every sign-out
	}
	s.at[userID] = signOut{at: now, forget: now.Add(lifetime + clockSkew)}
}

// revoked reports whether a token of userID issued at iat predates the
// user's last sign-out. Token times have whole seconds, so a token issued in
// the second of the sign-out is let through rather than a new sign-in
// refused.
func (s *signOuts) revoked(userID string, iat *jwt.NumericDate) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.at[userID]
	if !ok || s.now().After(o.forget) {
		return false
	}
	return iat == nil || iat.Before(o.at.Truncate(time.Second))
}
