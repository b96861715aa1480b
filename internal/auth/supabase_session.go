package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/supabase-community/gotrue-go/types"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

// errSessionEnded answers a refresh that Supabase Auth refused: the user
// signed out, or the session was revoked or timed out.
var errSessionEnded = interview.Errorf(interview.CodeUnauthorized, "your session has ended; sign in again")

// Authenticate returns the principal of a cookie token: its access token
// must verify (signature, algorithm, issuer, audience, expiry, subject), the
// user must not have signed out since it was issued, and must still be a
// member of the organisation the cookie names (the pinned one, with
// TENANT_ID). It makes no call to Supabase Auth. An access token that has
// only expired gives ErrSessionExpired: call Refresh.
func (s *SupabaseAccounts) Authenticate(ctx context.Context, token string) (Principal, error) {
	sess, err := s.sealer.open(token)
	if err != nil {
		return Principal{}, interview.ErrUnauthorized
	}
	return s.resume(ctx, sess)
}

func (s *SupabaseAccounts) resume(ctx context.Context, sess cookieSession) (Principal, error) {
	if s.pinned != "" && sess.TenantID != s.pinned {
		return Principal{}, interview.ErrUnauthorized
	}
	c, err := s.verifier.verify(ctx, sess.AccessToken)
	switch {
	case errors.Is(err, errJWKSUnavailable):
		return Principal{}, fmt.Errorf("authenticate: %w (%v)", errSupabaseDown, err)
	case err != nil && !errors.Is(err, errTokenExpired):
		return Principal{}, interview.ErrUnauthorized
	case s.signOuts.revoked(c):
		// Checked before the expiry: a signed-out session is not renewed.
		return Principal{}, interview.ErrUnauthorized
	case err != nil:
		return Principal{}, ErrSessionExpired
	}
	u, err := s.store.GetUser(ctx, c.Subject)
	if err != nil {
		return Principal{}, lookupError(err)
	}
	m, err := s.store.GetMembership(ctx, sess.TenantID, u.ID)
	if err != nil {
		return Principal{}, lookupError(err)
	}
	return s.principal(u, m, c), nil
}

// lookupError is unauthorized for a missing user or membership, and the
// store's own error otherwise, so that a database outage is not mistaken
// for a signed-out user.
func lookupError(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return interview.ErrUnauthorized
	}
	return fmt.Errorf("authenticate: %w", err)
}

// principal describes a Supabase session as a login: its ID is Supabase's
// session ID, and it lasts as long as the access token.
func (s *SupabaseAccounts) principal(u interview.User, m interview.Membership, c supabaseClaims) Principal {
	l := interview.Login{ID: c.SessionID, UserID: u.ID, TenantID: m.TenantID, LastSeenAt: s.now()}
	if c.IssuedAt != nil {
		l.CreatedAt = c.IssuedAt.Time
	}
	if c.ExpiresAt != nil {
		l.ExpiresAt = c.ExpiresAt.Time
	}
	return Principal{User: u, Membership: m, Login: l}
}

// Refresh exchanges the refresh token of a cookie with Supabase Auth for a
// new session and returns the new cookie value, which the caller must set:
// the old refresh token is spent. Requests that arrive together with the
// same cookie share one exchange and get the same new session.
func (s *SupabaseAccounts) Refresh(ctx context.Context, token string) (string, Principal, error) {
	sess, err := s.sealer.open(token)
	if err != nil || sess.RefreshToken == "" || (s.pinned != "" && sess.TenantID != s.pinned) {
		return "", Principal{}, interview.ErrUnauthorized
	}
	if c, err := s.verifier.verify(ctx, sess.AccessToken); errors.Is(err, errTokenExpired) && s.signOuts.revoked(c) {
		return "", Principal{}, interview.ErrUnauthorized // not even asked of Supabase Auth
	}
	fresh, err := s.refresh(ctx, sess.RefreshToken)
	if err != nil {
		return "", Principal{}, err
	}
	sess.AccessToken, sess.RefreshToken = fresh.AccessToken, fresh.RefreshToken
	p, err := s.resume(ctx, sess)
	if errors.Is(err, ErrSessionExpired) {
		// A token that is born expired means the clocks disagree; asking
		// again would loop.
		return "", Principal{}, interview.ErrUnauthorized
	} else if err != nil {
		return "", Principal{}, err
	}
	token, err = s.sealer.seal(sess)
	if err != nil {
		return "", Principal{}, fmt.Errorf("refresh: %w", err)
	}
	return token, p, nil
}

// lifetime is how long the access tokens of c's project live, at least an
// hour (Supabase's default) and at most a week (its maximum).
func lifetime(c supabaseClaims) time.Duration {
	if c.IssuedAt == nil || c.ExpiresAt == nil {
		return time.Hour
	}
	return min(max(c.ExpiresAt.Sub(c.IssuedAt.Time), time.Hour), 7*24*time.Hour)
}

// refresh exchanges a refresh token once for all the requests that hold it.
func (s *SupabaseAccounts) refresh(ctx context.Context, refreshToken string) (types.Session, error) {
	return s.refreshes.do(ctx, HashToken(refreshToken), func(ctx context.Context) (types.Session, error) {
		call, cancel := s.call(ctx)
		defer cancel()
		res, err := call.client(s.auth).RefreshToken(refreshToken)
		if err != nil {
			return types.Session{}, refreshError(call, err)
		}
		return res.Session, nil
	})
}

// SignOut signs the cookie's user out of Supabase Auth, which revokes all
// their refresh tokens, and refuses from now on every access token of the
// cookie's session and those issued to the user before, which would
// otherwise stay valid until they expire; no copy of the cookie is renewed
// either. A token that is not a genuine session is not an error. The
// caller clears the cookie whatever SignOut answers.
func (s *SupabaseAccounts) SignOut(ctx context.Context, token string) error {
	sess, err := s.sealer.open(token)
	if err != nil {
		return nil
	}
	c, err := s.verifier.verify(ctx, sess.AccessToken)
	if errors.Is(err, errJWKSUnavailable) {
		return fmt.Errorf("sign out: %w (%v)", errSupabaseDown, err)
	} else if err != nil && !errors.Is(err, errTokenExpired) {
		return nil
	}
	s.signOuts.add(c, lifetime(c))
	// Deferred: the refresh below shares its result too, until this.
	defer s.refreshes.end(HashToken(sess.RefreshToken), c.Subject)
	access := sess.AccessToken
	if errors.Is(err, errTokenExpired) {
		if sess.RefreshToken == "" {
			return nil
		}
		// Logging out takes a live access token.
		fresh, err := s.refresh(ctx, sess.RefreshToken)
		if errors.Is(err, errSessionEnded) {
			return nil
		} else if err != nil {
			return err
		}
		access = fresh.AccessToken
	}
	call, cancel := s.call(ctx)
	defer cancel()
	if err := call.client(s.auth).WithToken(access).Logout(); err != nil {
		if _, refused := call.refusal(); refused {
			return nil // already signed out
		}
		return call.failed("sign out", err)
	}
	return nil
}

// logoutSession ends one session at Supabase Auth, best effort: it is for
// a session that interviewd drops unused, and its failure changes nothing
// for the person. The scope is local (gotrue-go's Logout has no scope, and
// the default, global, would end the user's other sessions too).
func (s *SupabaseAccounts) logoutSession(ctx context.Context, accessToken string) {
	call, cancel := s.call(context.WithoutCancel(ctx))
	defer cancel()
	req, err := http.NewRequestWithContext(call.ctx, http.MethodPost, s.base+"/auth/v1/logout?scope=local", nil)
	if err != nil {
		return
	}
	req.Header.Set("apikey", s.anonKey)
	req.Header.Set("Authorization", "Bearer "+accessToken)
	if resp, err := call.RoundTrip(req); err == nil {
		resp.Body.Close()
	}
}
