package auth

import (
	"context"
	"sync"
	"time"

	"github.com/supabase-community/gotrue-go/types"
)

// What SupabaseAccounts keeps in memory. It is per process: a restart, or
// another replica, does not know it (docs/supabase.md, "Sign-out"; sharing
// it between instances is issue 13).
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

// end makes the shared results of key, and of every refresh of userID's
// sessions, errSessionEnded from now on: after a sign-out, a copy of the
// cookie must not be handed the session its sign-out renewed. A refresh
// still running is caught by the session's revocation instead.
func (f *refreshFlight) end(key, userID string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for k, c := range f.calls {
		if c.ended.IsZero() || (k != key && (userID == "" || c.session.User.ID.String() != userID)) {
			continue
		}
		c.session, c.err = types.Session{}, errSessionEnded
	}
}

// signOuts remembers the sessions that signed out, and when each user
// signed out, so that the access tokens issued before stop working at once
// instead of at their expiry. A session is known by its session_id, which
// Supabase Auth keeps across the refreshes of one session: every token of
// a signed-out session is refused, even one issued in the second of the
// sign-out or handed out afterwards from the refresh cache. Supabase's
// sign-out ends the user's other sessions too (its default, global scope);
// their tokens are refused when issued before the second of the sign-out.
type signOuts struct {
	mu       sync.Mutex
	now      func() time.Time
	users    map[string]signOut   // by user ID
	sessions map[string]time.Time // by session_id: refused until then
}

type signOut struct {
	at     time.Time // tokens issued before are refused
	forget time.Time // by then every such token has expired
}

func newSignOuts(now func() time.Time) *signOuts {
	return &signOuts{now: now, users: map[string]signOut{}, sessions: map[string]time.Time{}}
}

// add records that the session of c signed out now, with its user; their
// tokens live at most lifetime.
func (s *signOuts) add(c supabaseClaims, lifetime time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	forget := now.Add(lifetime + clockSkew)
	if len(s.users)+len(s.sessions) >= maxSignOuts {
		s.sweep(now)
	}
	s.users[c.Subject] = signOut{at: now, forget: forget}
	if c.SessionID != "" {
		s.sessions[c.SessionID] = forget
	}
}

// sweep forgets what has expired, and everything if that is not enough:
// bounded memory beats remembering every sign-out. s.mu is held.
func (s *signOuts) sweep(now time.Time) {
	for id, o := range s.users {
		if now.After(o.forget) {
			delete(s.users, id)
		}
	}
	for id, forget := range s.sessions {
		if now.After(forget) {
			delete(s.sessions, id)
		}
	}
	if len(s.users)+len(s.sessions) >= maxSignOuts {
		clear(s.users)
		clear(s.sessions)
	}
}

// revoked reports whether the token of c belongs to a signed-out session,
// or predates its user's last sign-out. Token times have whole seconds,
// so a token of another session issued in the second of the sign-out is
// let through rather than a new sign-in refused.
func (s *signOuts) revoked(c supabaseClaims) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if forget, ok := s.sessions[c.SessionID]; ok && c.SessionID != "" && !now.After(forget) {
		return true
	}
	o, ok := s.users[c.Subject]
	if !ok || now.After(o.forget) {
		return false
	}
	return c.IssuedAt == nil || c.IssuedAt.Before(o.at.Truncate(time.Second))
}
