package auth

import (
	"errors"
	"testing"
	"time"

	"github.com/interviewd/interviewd/internal/auth/supabasetest"
	"github.com/interviewd/interviewd/internal/interview"
)

// TestSupabaseSignOutIsFinal: signing out a cookie whose access token has
// expired refreshes it first; a copy of the cookie sent 0.1 s later, in
// the same second, is neither accepted nor renewed, though the refresh
// cache still holds the session that sign-out renewed.
func TestSupabaseSignOutIsFinal(t *testing.T) {
	for name, key := range map[string]func(testing.TB) supabasetest.Key{
		"HS256": func(testing.TB) supabasetest.Key { return supabasetest.HS256() },
		"ES256": func(t testing.TB) supabasetest.Key { return supabasetest.ES256(t, supabasetest.Kid) },
	} {
		t.Run(name, func(t *testing.T) {
			e := newSupabaseEnv(t, key(t), nil)
			ctx := t.Context()
			tok, _ := e.signUp(t, "Acme", "ada@example.com")
			e.clock.Advance(2 * time.Hour) // a whole second: the sign-out below starts it
			copied := tok
			if err := e.acc.SignOut(ctx, tok); err != nil {
				t.Fatal(err)
			}
			if e.fake.Count("token?grant_type=refresh_token") != 1 || e.fake.Count("logout") != 1 {
				t.Fatalf("sign-out: %d refreshes, %d logouts", e.fake.Count("token?grant_type=refresh_token"), e.fake.Count("logout"))
			}
			e.clock.Advance(100 * time.Millisecond)
			_, err := e.acc.Authenticate(ctx, copied)
			if !errors.Is(err, interview.ErrUnauthorized) || errors.Is(err, ErrSessionExpired) {
				t.Errorf("the copy after sign-out: %v, want unauthorized (not expired: nothing to renew)", err)
			}
			renewed, _, err := e.acc.Refresh(ctx, copied)
			wantCode(t, err, interview.CodeUnauthorized)
			if renewed != "" {
				t.Error("the copy was renewed")
			}
			// A new sign-in in the same second is a new session, and works.
			tok2, _, err := e.acc.SignIn(ctx, "ada@example.com", testPassword, "ip")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.acc.Authenticate(ctx, tok2); err != nil {
				t.Fatalf("new session: %v", err)
			}
		})
	}
}

// TestSupabaseSignOutEndsTheSession: every token of a signed-out session is
// refused, one renewed in the second of the sign-out too; the user's
// other sessions are ended at Supabase Auth and refused here when their
// tokens predate the sign-out.
func TestSupabaseSignOutEndsTheSession(t *testing.T) {
	e := newSupabaseEnv(t, supabasetest.HS256(), nil)
	ctx := t.Context()
	tok, _ := e.signUp(t, "Acme", "ada@example.com")
	other, _, err := e.acc.SignIn(ctx, "ada@example.com", testPassword, "elsewhere")
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(time.Second)
	sess, _ := e.acc.sealer.open(tok)
	c, err := e.acc.verifier.verify(ctx, sess.AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.acc.SignOut(ctx, tok); err != nil {
		t.Fatal(err)
	}
	// A token of the same session, issued in the second of the sign-out.
	claims := e.fake.Claims(e.fake.User("ada@example.com"))
	claims["session_id"] = c.SessionID
	same, _ := e.acc.sealer.seal(cookieSession{supabasetest.HS256().Sign(t, claims), "", sess.TenantID})
	for name, cookie := range map[string]string{"same session, same second": same, "other session, issued before": other} {
		if _, err := e.acc.Authenticate(ctx, cookie); !errors.Is(err, interview.ErrUnauthorized) {
			t.Errorf("%s: %v", name, err)
		}
	}
}
