package auth

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/interviewd/interviewd/internal/auth/supabasetest"
	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store/sqlite"
)

const testPassword = "correct horse battery"

// supabaseEnv is a SupabaseAccounts against a fake Supabase Auth and a real
// SQLite store, sharing one settable clock.
type supabaseEnv struct {
	fake  *supabasetest.GoTrue
	store *sqlite.Store
	acc   *SupabaseAccounts
	clock *supabasetest.Clock
	cfg   SupabaseConfig
}

// newSupabaseEnv signs tokens with signer: an HS256 key configures
// SUPABASE_JWT_SECRET, an asymmetric one is served at the default JWKS URL.
func newSupabaseEnv(t *testing.T, signer supabasetest.Key, mut func(*SupabaseConfig)) *supabaseEnv {
	t.Helper()
	clock := supabasetest.NewClock(time.Now().Truncate(time.Second))
	var jwks []supabasetest.Key
	if signer.Kid != "" {
		jwks = append(jwks, signer)
	}
	fake := supabasetest.New(t, clock, signer, jwks...)
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	cfg := SupabaseConfig{
		URL: fake.URL() + "/", AnonKey: supabasetest.AnonKey, CookieSecret: secret,
		Store: st, Now: clock.Now, Timeout: 2 * time.Second,
	}
	if signer.Kid == "" {
		cfg.JWTSecret = supabasetest.JWTSecret
	}
	if mut != nil {
		mut(&cfg)
	}
	e := &supabaseEnv{fake: fake, store: st, clock: clock, cfg: cfg}
	e.acc = e.accounts(t, nil)
	return e
}

// accounts returns another service over the same fake and store.
func (e *supabaseEnv) accounts(t *testing.T, mut func(*SupabaseConfig)) *SupabaseAccounts {
	t.Helper()
	cfg := e.cfg
	if mut != nil {
		mut(&cfg)
	}
	acc, err := NewSupabaseAccounts(cfg)
	if err != nil {
		t.Fatal(err)
	}
	// The email slowdown is tested with built-in accounts; here it would
	// only make the tests slow.
	acc.guard.sleep = func(context.Context, time.Duration) error { return nil }
	return acc
}

func (e *supabaseEnv) signUp(t *testing.T, org, email string) (string, Principal) {
	t.Helper()
	tok, p, err := e.acc.SignUp(t.Context(), SignUpInput{Organisation: org, Name: "Name of " + email, Email: email, Password: testPassword})
	if err != nil {
		t.Fatalf("sign up %s: %v", email, err)
	}
	return tok, p
}

// wantCode fails unless err carries the domain code want.
func wantCode(t *testing.T, err error, want interview.Code) {
	t.Helper()
	if err == nil || interview.ErrorCode(err) != want {
		t.Fatalf("error %v (code %s), want code %s", err, interview.ErrorCode(err), want)
	}
}

func TestSupabaseSignUpCreatesUserAndOrganisation(t *testing.T) {
	for name, key := range map[string]func(testing.TB) supabasetest.Key{
		"HS256": func(testing.TB) supabasetest.Key { return supabasetest.HS256() },
		"ES256": func(t testing.TB) supabasetest.Key { return supabasetest.ES256(t, supabasetest.Kid) },
		"RS256": func(t testing.TB) supabasetest.Key { return supabasetest.RS256(t, supabasetest.Kid) },
	} {
		t.Run(name, func(t *testing.T) {
			e := newSupabaseEnv(t, key(t), nil)
			ctx := t.Context()
			tok, p := e.signUp(t, "Acme", " Ada@Example.com ")
			fu := e.fake.User("ada@example.com")
			if p.User.ID != fu.ID || p.Role() != interview.RoleOwner || p.Login.ID == "" {
				t.Fatalf("principal %+v, Supabase user %s", p, fu.ID)
			}
			u, err := e.store.GetUser(ctx, fu.ID)
			if err != nil || u.PasswordHash != "" || u.Email != "ada@example.com" || u.Name != "Name of  Ada@Example.com" {
				t.Fatalf("stored user %+v, %v", u, err)
			}
			if tn, err := e.store.GetTenant(ctx, p.Membership.TenantID); err != nil || tn.Name != "Acme" {
				t.Fatalf("organisation %+v, %v", tn, err)
			}
			if fu.Meta[metaOrganisation] != "Acme" {
				t.Errorf("metadata sent to Supabase: %v", fu.Meta)
			}
			// The cookie is small, sealed, and works on each request.
			sess, err := e.acc.sealer.open(tok)
			if err != nil || !strings.HasPrefix(tok, SupabaseTokenPrefix) || len(tok) > MaxSupabaseToken ||
				strings.Contains(tok, sess.AccessToken[:20]) || strings.Contains(tok, sess.RefreshToken) {
				t.Fatalf("cookie %q (%d bytes): %v", tok, len(tok), err)
			}
			for range 3 {
				got, err := e.acc.Authenticate(ctx, tok)
				if err != nil || got.User.ID != p.User.ID || got.Membership != p.Membership {
					t.Fatalf("authenticate: %+v, %v", got, err)
				}
			}
			_, _, err = e.acc.SignUp(ctx, SignUpInput{Organisation: "Again", Email: "ada@example.com", Password: testPassword})
			wantCode(t, err, interview.CodeConflict)
		})
	}
}

func TestSupabaseSignUpValidatesBeforeCallingSupabase(t *testing.T) {
	e := newSupabaseEnv(t, supabasetest.HS256(), nil)
	for name, in := range map[string]SignUpInput{
		"no organisation": {Email: "a@example.com", Password: testPassword},
		"bad email":       {Organisation: "Acme", Email: "not an email", Password: testPassword},
		"short password":  {Organisation: "Acme", Email: "a@example.com", Password: "short"},
	} {
		_, _, err := e.acc.SignUp(t.Context(), in)
		if interview.ErrorCode(err) != interview.CodeInvalid {
			t.Errorf("%s: %v", name, err)
		}
	}
	if n := e.fake.Count("signup"); n != 0 {
		t.Errorf("Supabase called %d times", n)
	}
}

func TestSupabaseSignIn(t *testing.T) {
	e := newSupabaseEnv(t, supabasetest.HS256(), nil)
	ctx := t.Context()
	_, owner := e.signUp(t, "Acme", "ada@example.com")

	// A Supabase user made elsewhere gets an interviewd user at first
	// sign-in, but no organisation: the metadata names none.
	bob := e.fake.AddUser("bob@example.com", testPassword, map[string]any{"name": "Bob"})
	_, _, err := e.acc.SignIn(ctx, "bob@example.com", testPassword, "10.0.0.1")
	wantCode(t, err, interview.CodeForbidden)
	if u, err := e.store.GetUser(ctx, bob.ID); err != nil || u.Name != "Bob" || u.PasswordHash != "" {
		t.Fatalf("bob: %+v, %v", u, err)
	}
	m := interview.Membership{TenantID: owner.Membership.TenantID, UserID: bob.ID, Role: interview.RoleRecruiter}
	if err := e.store.AddMember(ctx, &m); err != nil {
		t.Fatal(err)
	}
	tok, p, err := e.acc.SignIn(ctx, "BOB@example.com", testPassword, "10.0.0.1")
	if err != nil || p.User.ID != bob.ID || p.Role() != interview.RoleRecruiter {
		t.Fatalf("sign in: %+v, %v", p, err)
	}
	if got, err := e.acc.Authenticate(ctx, tok); err != nil || got.User.ID != bob.ID {
		t.Fatalf("authenticate: %v", err)
	}
	// Removal takes effect on the next request, not at the token's expiry.
	if err := e.store.RemoveMember(ctx, m.TenantID, bob.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.acc.Authenticate(ctx, tok); !errors.Is(err, interview.ErrUnauthorized) {
		t.Fatalf("removed member: %v", err)
	}
}

func TestSupabaseSignInThrottle(t *testing.T) {
	e := newSupabaseEnv(t, supabasetest.HS256(), nil)
	e.signUp(t, "Acme", "ada@example.com")
	for i := range signInFailLimit {
		_, _, err := e.acc.SignIn(t.Context(), "ada@example.com", "wrong password!", "10.0.0.2")
		if interview.ErrorCode(err) != interview.CodeUnauthorized || interview.ErrorMessage(err) != "email or password is incorrect" {
			t.Fatalf("attempt %d: %v", i, err)
		}
	}
	calls := e.fake.Count("token?grant_type=password")
	_, _, err := e.acc.SignIn(t.Context(), "ada@example.com", testPassword, "10.0.0.2")
	wantCode(t, err, interview.CodeRateLimited)
	if e.fake.Count("token?grant_type=password") != calls {
		t.Error("a throttled sign-in reached Supabase")
	}
	// The owner elsewhere is slowed down, not locked out.
	if _, _, err := e.acc.SignIn(t.Context(), "ada@example.com", testPassword, "10.0.0.3"); err != nil {
		t.Fatalf("from another address: %v", err)
	}
	e.clock.Advance(signInFailWindow)
	if _, _, err := e.acc.SignIn(t.Context(), "ada@example.com", testPassword, "10.0.0.2"); err != nil {
		t.Fatalf("after the window: %v", err)
	}
}

func TestSupabaseSignUpWithEmailConfirmation(t *testing.T) {
	e := newSupabaseEnv(t, supabasetest.HS256(), nil)
	e.fake.RequireConfirmation()
	ctx := t.Context()
	_, _, err := e.acc.SignUp(ctx, SignUpInput{Organisation: "Acme", Name: "Ada", Email: "ada@example.com", Password: testPassword})
	if !errors.Is(err, ErrConfirmEmail) || interview.ErrorCode(err) != interview.CodeForbidden {
		t.Fatalf("sign-up: %v", err)
	}
	if errors.Is(interview.ErrForbidden, ErrConfirmEmail) {
		t.Error("every forbidden error is ErrConfirmEmail")
	}
	if _, err := e.store.GetUserByEmail(ctx, "ada@example.com"); !errors.Is(err, interview.ErrNotFound) {
		t.Fatalf("user stored before confirmation: %v", err)
	}
	if _, _, err := e.acc.SignIn(ctx, "ada@example.com", testPassword, "ip"); !errors.Is(err, ErrConfirmEmail) {
		t.Fatalf("sign-in before confirmation: %v", err)
	}
	e.fake.ConfirmAll()
	_, p, err := e.acc.SignIn(ctx, "ada@example.com", testPassword, "ip")
	if err != nil || p.Role() != interview.RoleOwner || p.User.Name != "Ada" {
		t.Fatalf("first sign-in: %+v, %v", p, err)
	}
	if tn, err := e.store.GetTenant(ctx, p.Membership.TenantID); err != nil || tn.Name != "Acme" {
		t.Fatalf("organisation %+v, %v", tn, err)
	}
}

func TestSupabaseRefresh(t *testing.T) {
	e := newSupabaseEnv(t, supabasetest.ES256(t, supabasetest.Kid), nil)
	ctx := t.Context()
	tok, p := e.signUp(t, "Acme", "ada@example.com")
	e.clock.Advance(2 * time.Hour)
	_, err := e.acc.Authenticate(ctx, tok)
	if !errors.Is(err, ErrSessionExpired) || interview.ErrorCode(err) != interview.CodeUnauthorized {
		t.Fatalf("expired token: %v", err)
	}
	if errors.Is(interview.ErrUnauthorized, ErrSessionExpired) {
		t.Fatal("every unauthorized error is ErrSessionExpired")
	}
	tok2, p2, err := e.acc.Refresh(ctx, tok)
	if err != nil || tok2 == tok || p2.User.ID != p.User.ID || p2.Membership != p.Membership {
		t.Fatalf("refresh: %+v, %v", p2, err)
	}
	if _, err := e.acc.Authenticate(ctx, tok2); err != nil {
		t.Fatalf("refreshed cookie: %v", err)
	}
	// A request that left with the old cookie shares the new session.
	tok3, _, err := e.acc.Refresh(ctx, tok)
	if err != nil || e.fake.Count("token?grant_type=refresh_token") != 1 {
		t.Fatalf("second refresh with the old cookie: %v, %d calls", err, e.fake.Count("token?grant_type=refresh_token"))
	}
	if _, err := e.acc.Authenticate(ctx, tok3); err != nil {
		t.Fatal(err)
	}
	// Later, Supabase Auth answers the spent refresh token with its child,
	// the session's current one, as for a client that lost the answer.
	e.clock.Advance(refreshShared)
	tok4, _, err := e.acc.Refresh(ctx, tok)
	s2, _ := e.acc.sealer.open(tok2)
	s4, _ := e.acc.sealer.open(tok4)
	if err != nil || s4.RefreshToken != s2.RefreshToken {
		t.Fatalf("the spent token's child not given back: %v", err)
	}
	// Once the session has moved on, the spent token is reuse: refused,
	// and the session has ended.
	e.clock.Advance(2 * time.Hour)
	if _, _, err := e.acc.Refresh(ctx, tok2); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(refreshShared)
	_, _, err = e.acc.Refresh(ctx, tok)
	wantCode(t, err, interview.CodeUnauthorized)
}

func TestSupabaseConcurrentRefreshSharesOneCall(t *testing.T) {
	e := newSupabaseEnv(t, supabasetest.HS256(), nil)
	tok, _ := e.signUp(t, "Acme", "ada@example.com")
	e.clock.Advance(2 * time.Hour)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			tok2, _, err := e.acc.Refresh(context.Background(), tok)
			if err == nil {
				_, err = e.acc.Authenticate(context.Background(), tok2)
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if n := e.fake.Count("token?grant_type=refresh_token"); n != 1 {
		t.Errorf("%d refresh calls, want 1", n)
	}
}

func TestSupabaseRefreshRefusals(t *testing.T) {
	e := newSupabaseEnv(t, supabasetest.HS256(), nil)
	ctx := t.Context()
	tok, _ := e.signUp(t, "Acme", "ada@example.com")
	sess, _ := e.acc.sealer.open(tok)
	noRefresh, _ := e.acc.sealer.seal(cookieSession{AccessToken: sess.AccessToken, TenantID: sess.TenantID})
	badRefresh, _ := e.acc.sealer.seal(cookieSession{sess.AccessToken, "not-a-refresh-token", sess.TenantID})
	e.clock.Advance(2 * time.Hour)
	for name, c := range map[string]string{"no refresh token": noRefresh, "invalid refresh token": badRefresh, "garbage": "isb_xyz"} {
		if _, err := e.acc.Authenticate(ctx, c); name != "garbage" && !errors.Is(err, ErrSessionExpired) {
			t.Errorf("%s: authenticate: %v", name, err)
		}
		_, _, err := e.acc.Refresh(ctx, c)
		if interview.ErrorCode(err) != interview.CodeUnauthorized {
			t.Errorf("%s: refresh: %v", name, err)
		}
	}
	if n := e.fake.Count("token?grant_type=refresh_token"); n != 1 {
		t.Errorf("%d refresh calls, want only the invalid token's", n)
	}
}

func TestSupabaseSignOut(t *testing.T) {
	e := newSupabaseEnv(t, supabasetest.HS256(), nil)
	ctx := t.Context()
	tok, _ := e.signUp(t, "Acme", "ada@example.com")
	e.clock.Advance(2 * time.Second)
	if err := e.acc.SignOut(ctx, tok); err != nil {
		t.Fatal(err)
	}
	if n := e.fake.Count("logout"); n != 1 {
		t.Fatalf("%d logout calls", n)
	}
	// A copy of the cookie kept elsewhere is dead at once, though its
	// access token has not expired, and cannot be refreshed.
	if _, err := e.acc.Authenticate(ctx, tok); !errors.Is(err, interview.ErrUnauthorized) || errors.Is(err, ErrSessionExpired) {
		t.Fatalf("authenticate after sign-out: %v", err)
	}
	_, _, err := e.acc.Refresh(ctx, tok)
	wantCode(t, err, interview.CodeUnauthorized)
	// Signing in again works.
	e.clock.Advance(time.Second)
	tok2, _, err := e.acc.SignIn(ctx, "ada@example.com", testPassword, "ip")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.acc.Authenticate(ctx, tok2); err != nil {
		t.Fatalf("new session: %v", err)
	}
	// An expired session is renewed to be logged out.
	e.clock.Advance(2 * time.Hour)
	if err := e.acc.SignOut(ctx, tok2); err != nil || e.fake.Count("logout") != 2 {
		t.Fatalf("sign out of an expired session: %v, %d logout calls", err, e.fake.Count("logout"))
	}
	if err := e.acc.SignOut(ctx, "garbage"); err != nil || e.fake.Count("logout") != 2 {
		t.Fatalf("garbage: %v", err)
	}
}

func TestSupabaseAuthenticateRefusals(t *testing.T) {
	e := newSupabaseEnv(t, supabasetest.HS256(), nil)
	ctx := t.Context()
	adaTok, ada := e.signUp(t, "Acme", "ada@example.com")
	bobTok, _ := e.signUp(t, "Bobco", "bob@example.com")
	bob, _ := e.acc.sealer.open(bobTok)
	stranger := e.fake.AddUser("eve@example.com", testPassword, nil)
	seal := func(s cookieSession) string {
		tok, err := e.acc.sealer.seal(s)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	other, _ := newCookieSealer(strings.Repeat("x", 32))
	foreign, _ := other.seal(cookieSession{bob.AccessToken, bob.RefreshToken, bob.TenantID})
	tampered := []byte(adaTok)
	tampered[len(tampered)/2] ^= 1
	for name, tok := range map[string]string{
		"empty":                      "",
		"garbage":                    "isb_garbage",
		"built-in login token":       NewToken(SessionTokenPrefix),
		"bare Supabase JWT":          bob.AccessToken,
		"sealed by another server":   foreign,
		"tampered cookie":            string(tampered),
		"not a member of the org":    seal(cookieSession{bob.AccessToken, bob.RefreshToken, ada.Membership.TenantID}),
		"unknown to interviewd":      seal(cookieSession{e.fake.AccessToken(stranger), "", ada.Membership.TenantID}),
		"forged access token":        seal(cookieSession{signJWT(t, "HS256", "", []byte("another-secret-another-secret-xx"), e.fake.Claims(e.fake.User("ada@example.com"))), "", ada.Membership.TenantID}),
		"too long":                   "isb_" + strings.Repeat("A", MaxSupabaseToken),
		"tenant that does not exist": seal(cookieSession{bob.AccessToken, bob.RefreshToken, "00000000-0000-4000-8000-000000000000"}),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := e.acc.Authenticate(ctx, tok)
			if !errors.Is(err, interview.ErrUnauthorized) || errors.Is(err, ErrSessionExpired) {
				t.Errorf("got %v", err)
			}
		})
	}
}

func TestSupabasePinnedTenant(t *testing.T) {
	e := newSupabaseEnv(t, supabasetest.HS256(), nil)
	ctx := t.Context()
	_, ada := e.signUp(t, "Acme", "ada@example.com")
	bobTok, bob := e.signUp(t, "Bobco", "bob@example.com")
	pinned := e.accounts(t, func(c *SupabaseConfig) { c.PinnedTenant = ada.Membership.TenantID })

	if pinned.SignUpOpen(t.Context()) {
		t.Error("sign-up open on a pinned instance")
	}
	_, _, err := pinned.SignUp(ctx, SignUpInput{Organisation: "X", Email: "x@example.com", Password: testPassword})
	wantCode(t, err, interview.CodeForbidden)
	_, _, err = pinned.SignIn(ctx, "bob@example.com", testPassword, "ip")
	wantCode(t, err, interview.CodeForbidden)
	if _, err := pinned.Authenticate(ctx, bobTok); !errors.Is(err, interview.ErrUnauthorized) {
		t.Errorf("other tenant's cookie: %v", err)
	}
	refreshes := e.fake.Count("token?grant_type=refresh_token")
	if _, _, err := pinned.Refresh(ctx, bobTok); !errors.Is(err, interview.ErrUnauthorized) || e.fake.Count("token?grant_type=refresh_token") != refreshes {
		t.Errorf("other tenant's cookie refreshed: %v", err)
	}
	if _, p, err := pinned.SignIn(ctx, "ada@example.com", testPassword, "ip"); err != nil || p.Membership.TenantID != ada.Membership.TenantID {
		t.Fatalf("ada: %v", err)
	}
	// A member of several organisations works in the pinned one.
	m := interview.Membership{TenantID: ada.Membership.TenantID, UserID: bob.User.ID, Role: interview.RoleViewer}
	if err := e.store.AddMember(ctx, &m); err != nil {
		t.Fatal(err)
	}
	tok, p, err := pinned.SignIn(ctx, "bob@example.com", testPassword, "ip")
	if err != nil || p.Membership.TenantID != ada.Membership.TenantID || p.Role() != interview.RoleViewer {
		t.Fatalf("bob pinned: %+v, %v", p, err)
	}
	if _, err := pinned.Authenticate(ctx, tok); err != nil {
		t.Fatal(err)
	}
}

func TestSupabaseGoTrueErrors(t *testing.T) {
	const ms = time.Millisecond
	cases := []struct {
		name   string
		route  string
		answer supabasetest.Answer
		want   interview.Code
	}{
		{"sign-in refused", "token?grant_type=password", supabasetest.Answer{Status: 400, Body: `{"code":400,"error_code":"invalid_credentials","msg":"Invalid login credentials"}`}, interview.CodeUnauthorized},
		{"sign-in 500", "token?grant_type=password", supabasetest.Answer{Status: 500, Body: `{"code":500,"msg":"Internal Server Error"}`}, interview.CodeUnavailable},
		{"sign-in gateway page", "token?grant_type=password", supabasetest.Answer{Status: 502, Body: `<html>Bad Gateway</html>`}, interview.CodeUnavailable},
		{"sign-in rate limited", "token?grant_type=password", supabasetest.Answer{Status: 429, Body: `{"code":429,"error_code":"over_request_rate_limit","msg":"Request rate limit reached"}`}, interview.CodeRateLimited},
		{"sign-in answer not JSON", "token?grant_type=password", supabasetest.Answer{Status: 200, Body: `not json`}, interview.CodeUnavailable},
		{"sign-in redirect", "token?grant_type=password", supabasetest.Answer{Status: 307, Body: `{}`}, interview.CodeUnavailable},
		{"sign-in timeout", "token?grant_type=password", supabasetest.Answer{Delay: 600 * ms}, interview.CodeUnavailable},
		{"sign-up user exists", "signup", supabasetest.Answer{Status: 422, Body: `{"code":422,"error_code":"user_already_exists","msg":"User already registered"}`}, interview.CodeConflict},
		{"sign-up user exists, old GoTrue", "signup", supabasetest.Answer{Status: 400, Body: `{"code":400,"msg":"User already registered"}`}, interview.CodeConflict},
		{"sign-up weak password", "signup", supabasetest.Answer{Status: 422, Body: `{"code":422,"error_code":"weak_password","msg":"Password is known to be weak"}`}, interview.CodeInvalid},
		{"sign-up disabled", "signup", supabasetest.Answer{Status: 422, Body: `{"code":422,"error_code":"signup_disabled","msg":"Signups not allowed for this instance"}`}, interview.CodeForbidden},
		{"sign-up 500", "signup", supabasetest.Answer{Status: 500, Body: `{}`}, interview.CodeUnavailable},
		{"sign-up timeout", "signup", supabasetest.Answer{Delay: 600 * ms}, interview.CodeUnavailable},
		{"refresh invalid_grant", "token?grant_type=refresh_token", supabasetest.Answer{Status: 400, Body: `{"error":"invalid_grant","error_description":"Invalid Refresh Token: Already Used"}`}, interview.CodeUnauthorized},
		{"refresh 503", "token?grant_type=refresh_token", supabasetest.Answer{Status: 503, Body: ``}, interview.CodeUnavailable},
		{"refresh timeout", "token?grant_type=refresh_token", supabasetest.Answer{Delay: 600 * ms}, interview.CodeUnavailable},
		{"logout 500", "logout", supabasetest.Answer{Status: 500, Body: `{}`}, interview.CodeUnavailable},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newSupabaseEnv(t, supabasetest.HS256(), func(cfg *SupabaseConfig) { cfg.Timeout = 200 * ms })
			tok, _ := e.signUp(t, "Acme", "ada@example.com")
			e.fake.Force(c.route, c.answer)
			start := time.Now()
			var err error
			switch c.route {
			case "signup":
				_, _, err = e.acc.SignUp(t.Context(), SignUpInput{Organisation: "B", Email: "bob@example.com", Password: testPassword})
			case "token?grant_type=password":
				_, _, err = e.acc.SignIn(t.Context(), "ada@example.com", testPassword, "ip")
			case "token?grant_type=refresh_token":
				e.clock.Advance(2 * time.Hour)
				_, _, err = e.acc.Refresh(t.Context(), tok)
			case "logout":
				err = e.acc.SignOut(t.Context(), tok)
			}
			wantCode(t, err, c.want)
			if strings.Contains(err.Error(), testPassword) || strings.Contains(interview.ErrorMessage(err), "status") {
				t.Errorf("error says too much: %q / %q", err, interview.ErrorMessage(err))
			}
			if d := time.Since(start); d > 500*ms {
				t.Errorf("took %s with a 200ms timeout", d)
			}
		})
	}
}

func TestSupabaseUnreachable(t *testing.T) {
	e := newSupabaseEnv(t, supabasetest.HS256(), nil)
	e.fake.Close()
	_, _, err := e.acc.SignIn(t.Context(), "ada@example.com", testPassword, "ip")
	wantCode(t, err, interview.CodeUnavailable)
	_, _, err = e.acc.SignUp(t.Context(), SignUpInput{Organisation: "A", Email: "ada@example.com", Password: testPassword})
	wantCode(t, err, interview.CodeUnavailable)
	// Unavailability is no failed sign-in: the throttle is untouched.
	if n := probeAddress(t, e.acc.guard); n != 1 {
		t.Errorf("the address has %d attempts", n)
	}
}

func TestSupabaseRefreshRetriesAfterFailure(t *testing.T) {
	e := newSupabaseEnv(t, supabasetest.HS256(), nil)
	tok, _ := e.signUp(t, "Acme", "ada@example.com")
	e.clock.Advance(2 * time.Hour)
	e.fake.Force("token?grant_type=refresh_token", supabasetest.Answer{Status: 503})
	_, _, err := e.acc.Refresh(t.Context(), tok)
	wantCode(t, err, interview.CodeUnavailable)
	e.fake.Force("token?grant_type=refresh_token", supabasetest.Answer{})
	if _, _, err := e.acc.Refresh(t.Context(), tok); err != nil {
		t.Fatalf("retry: %v", err)
	}
}

func TestNewSupabaseAccountsRefusesBadConfig(t *testing.T) {
	e := newSupabaseEnv(t, supabasetest.HS256(), nil)
	for name, mut := range map[string]func(*SupabaseConfig){
		"no URL":           func(c *SupabaseConfig) { c.URL = "" },
		"URL not http":     func(c *SupabaseConfig) { c.URL = "ftp://example.com" },
		"no anon key":      func(c *SupabaseConfig) { c.AnonKey = "" },
		"short JWT secret": func(c *SupabaseConfig) { c.JWTSecret = "short" },
		"short cookie key": func(c *SupabaseConfig) { c.CookieSecret = "short" },
		"bad JWKS URL":     func(c *SupabaseConfig) { c.JWKSURL = "not a url" },
		"no store":         func(c *SupabaseConfig) { c.Store = nil },
	} {
		cfg := e.cfg
		mut(&cfg)
		if _, err := NewSupabaseAccounts(cfg); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
