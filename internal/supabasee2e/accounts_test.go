package supabasee2e

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/interviewd/interviewd/internal/auth"
	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

// Sign-up through interviewd: with confirmation off, a cookie and the
// organisation at once; with it on, "check your inbox" and nothing stored
// until the first sign-in after confirming, which creates the organisation
// named in the user's metadata.
func testSignUp(t *testing.T, p *project) {
	ctx := t.Context()
	acc := p.accounts(t, nil)
	email := p.email("founder")
	in := auth.SignUpInput{Organisation: "Founders Ltd", Name: "Fay Founder", Email: email, Password: password}
	cookie, pr, err := acc.SignUp(ctx, in)
	if p.confirm {
		if !errors.Is(err, auth.ErrConfirmEmail) || cookie != "" {
			t.Fatalf("sign-up with confirmation on: cookie %q, %v; want check your inbox", cookie, err)
		}
		wantNoUser(t, p, email)
		if _, _, err := acc.SignIn(ctx, email, password, clientIP); !errors.Is(err, auth.ErrConfirmEmail) {
			t.Fatalf("sign-in before confirming: %v, want check your inbox", err)
		}
		wantNoUser(t, p, email)
		p.confirmAll(t)
		cookie, pr, err = acc.SignIn(ctx, email, password, clientIP)
	}
	if err != nil || cookie == "" {
		t.Fatalf("sign-up: cookie %q, %v", cookie, err)
	}
	if tn, err := p.store.GetTenant(ctx, pr.Membership.TenantID); err != nil || tn.Name != "Founders Ltd" || pr.Role() != interview.RoleOwner {
		t.Fatalf("organisation %+v (%v), role %s; want Founders Ltd, owner", tn, err, pr.Role())
	}
	u, err := p.store.GetUser(ctx, pr.User.ID)
	if err != nil || u.Email != email || u.Name != "Fay Founder" || u.PasswordHash != "" {
		t.Fatalf("stored user %+v, %v", u, err)
	}
	// interviewd's user is Auth's user.
	_, claims := claimsOf(t, p.directSignIn(t, email).AccessToken)
	if claims["sub"] != pr.User.ID {
		t.Fatalf("interviewd user %s, Auth's sub %v", pr.User.ID, claims["sub"])
	}
	got, err := acc.Authenticate(ctx, cookie)
	if err != nil || got.User.ID != pr.User.ID || got.Membership.TenantID != pr.Membership.TenantID {
		t.Fatalf("authenticate the new cookie: %+v, %v", got, err)
	}
}

func wantNoUser(t *testing.T, p *project, email string) {
	t.Helper()
	if u, err := p.store.GetUserByEmail(t.Context(), email); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("interviewd stored %s before its first sign-in: %+v, %v", email, u, err)
	}
}

// Sign-in, a wrong password and an unknown email (the same clear answer),
// and Authenticate on the cookie.
func testSignIn(t *testing.T, p *project) {
	ctx := t.Context()
	acc := p.accounts(t, nil)
	email := p.email("recruiter")
	_, owner := p.newOwner(t, acc, "Sign-in Ltd", email)
	cookie, pr, err := acc.SignIn(ctx, " "+strings.ToUpper(email)+" ", password, clientIP)
	if err != nil || pr.User.ID != owner.User.ID || pr.Membership.TenantID != owner.Membership.TenantID || pr.Login.ID == "" {
		t.Fatalf("sign in: %+v, %v; owner %+v", pr, err, owner)
	}
	got, err := acc.Authenticate(ctx, cookie)
	if err != nil || got.User.ID != pr.User.ID || got.Membership.TenantID != pr.Membership.TenantID ||
		got.Role() != interview.RoleOwner || got.Login.ID != pr.Login.ID {
		t.Fatalf("authenticate: %+v, %v; signed in as %+v", got, err, pr)
	}
	for what, try := range map[string][2]string{
		"wrong password": {email, "not the " + password},
		"unknown email":  {p.email("stranger"), password},
	} {
		_, _, err := acc.SignIn(ctx, try[0], try[1], clientIP)
		wantCode(t, what, err, interview.CodeUnauthorized)
		if msg := interview.ErrorMessage(err); msg != "email or password is incorrect" {
			t.Errorf("%s: message %q, want the bad-sign-in one", what, msg)
		}
	}
	_, err = acc.Authenticate(ctx, "not a cookie")
	wantCode(t, "authenticate a made-up cookie", err, interview.CodeUnauthorized)
}

// Refresh: an expired access token is renewed with the refresh token, in
// the same Auth session; Auth's reuse window lets another interviewd (a
// replica, or this one restarted) refresh a spent cookie for a few
// seconds, and after it a spent cookie is refused.
func testRefresh(t *testing.T, p *project) {
	ctx := t.Context()
	acc := p.accounts(t, nil)
	c0, owner := p.newOwner(t, acc, "Refresh Ltd", p.email("refresher"))
	p.expired(t, acc, c0)
	c1, pr, err := acc.Refresh(ctx, c0)
	if err != nil || c1 == c0 || pr.User.ID != owner.User.ID || pr.Membership.TenantID != owner.Membership.TenantID {
		t.Fatalf("refresh an expired session: %+v, %v", pr, err)
	}
	got, err := acc.Authenticate(ctx, c1)
	if err != nil || got.User.ID != owner.User.ID || got.Login.ID != owner.Login.ID {
		t.Fatalf("authenticate the refreshed cookie: user %s session %q, %v; want user %s in Auth's session %q",
			got.User.ID, got.Login.ID, err, owner.User.ID, owner.Login.ID)
	}
	if _, _, err := acc.Refresh(ctx, c1); err != nil {
		t.Fatalf("refresh again: %v", err)
	}
	other := p.accounts(t, nil)
	c0b, _, err := other.Refresh(ctx, c0)
	if err != nil {
		t.Fatalf("reuse of the first cookie within Auth's reuse window: %v", err)
	}
	if _, err := other.Authenticate(ctx, c0b); err != nil {
		t.Fatalf("authenticate the cookie of the reuse: %v", err)
	}
	if !p.waits {
		t.Logf("the reuse after the window is tested on the stand-in and one real target, for its %v wait", p.reuseWindow())
		return
	}
	// c1 was spent by the second refresh, more than the window ago; its
	// child is not the session's newest token, so Auth's allowance for a
	// client that lost the answer does not apply either. (Real Auth then
	// revokes the session's other tokens but dates that now, so they are
	// in a new reuse window: nothing is asserted of them here.)
	p.pass(p.reuseWindow() + time.Second)
	_, _, err = p.accounts(t, nil).Refresh(ctx, c1)
	wantCode(t, "reuse of a spent cookie after the reuse window", err, interview.CodeUnauthorized)
}

// Sign-out is final: a copy of the cookie taken before it is refused by
// Authenticate and Refresh, even in the second of the sign-out, and when
// the access token had expired, so that sign-out refreshed first. Signing
// in again works at once.
func testSignOut(t *testing.T, p *project) {
	ctx := t.Context()
	acc := p.accounts(t, nil)
	email := p.email("leaver")
	p.newOwner(t, acc, "Leavers Ltd", email)
	p.startOfSecond()
	began := time.Now()
	cookie, _, err := acc.SignIn(ctx, email, password, clientIP)
	if err != nil {
		t.Fatal(err)
	}
	if err := acc.SignOut(ctx, cookie); err != nil {
		t.Fatalf("sign out: %v", err)
	}
	if pr, err := acc.Authenticate(ctx, cookie); err == nil {
		t.Errorf("a copy of the cookie authenticates after sign-out: %+v", pr)
	}
	if _, _, err := acc.Refresh(ctx, cookie); err == nil {
		t.Errorf("a copy of the cookie refreshes after sign-out")
	}
	if p.real != nil && time.Since(began) > time.Second {
		t.Logf("sign-in to the copy's use took %v: not all in one second", time.Since(began))
	}
	again, _, err := acc.SignIn(ctx, email, password, clientIP)
	if err != nil {
		t.Fatalf("sign in again after signing out: %v", err)
	}
	if _, err := acc.Authenticate(ctx, again); err != nil {
		t.Fatalf("the new cookie after signing out: %v", err)
	}
	if p.clock != nil {
		signOutExpired(t, p, acc, email)
	}
}

// signOutExpired signs out a cookie whose access token has expired, which
// makes SignOut refresh first; a copy of it must not get that new session.
// It needs the access token to expire as the Auth sees it, which the
// stand-in's clock allows.
func signOutExpired(t *testing.T, p *project, acc *auth.SupabaseAccounts, email string) {
	t.Helper()
	ctx := t.Context()
	cookie, _, err := acc.SignIn(ctx, email, password, clientIP)
	if err != nil {
		t.Fatal(err)
	}
	p.clock.Advance(time.Hour + time.Minute)
	if err := acc.SignOut(ctx, cookie); err != nil {
		t.Fatalf("sign out with an expired access token: %v", err)
	}
	if _, _, err := acc.Refresh(ctx, cookie); err == nil {
		t.Errorf("a copy of the expired cookie refreshes after sign-out")
	}
	if pr, err := acc.Authenticate(ctx, cookie); err == nil {
		t.Errorf("a copy of the expired cookie authenticates after sign-out: %+v", pr)
	}
	if _, _, err := p.accounts(t, nil).Refresh(ctx, cookie); err == nil {
		t.Errorf("Auth refreshes the session after sign-out")
	}
}

// The issuer check follows SUPABASE_JWT_ISSUER. Hosted tokens carry iss and
// a wrong one is refused; self-hosted tokens carry none, and interviewd
// configured as for a hosted project refuses them with an error naming the
// setting, storing nothing, so that the same user signs in once it is
// fixed and gets the organisation named at sign-up.
func testIssuer(t *testing.T, p *project) {
	ctx := t.Context()
	wrong := p.accounts(t, func(c *auth.SupabaseConfig) {
		if p.hosted {
			setIssuer(c, "https://elsewhere.invalid/auth/v1")
		} else {
			c.Issuer, c.IssuerSet = "", false // unset: SUPABASE_URL/auth/v1 required
		}
	})
	email := p.email("issuer")
	in := auth.SignUpInput{Organisation: "Issuers Ltd", Name: "Ivy Issuer", Email: email, Password: password}
	logouts := p.logouts()
	_, _, err := wrong.SignUp(ctx, in)
	if p.confirm {
		if !errors.Is(err, auth.ErrConfirmEmail) {
			t.Fatalf("sign-up with confirmation on: %v", err)
		}
		p.confirmAll(t)
		_, _, err = wrong.SignIn(ctx, email, password, clientIP)
	}
	if err == nil || !strings.Contains(err.Error(), "SUPABASE_JWT_ISSUER") {
		t.Fatalf("a token with the wrong iss: %v; want an error naming SUPABASE_JWT_ISSUER", err)
	}
	wantNoUser(t, p, email)
	p.wantNoSession(t, email, logouts)
	_, claims := claimsOf(t, p.directSignIn(t, email).AccessToken)
	if iss, ok := claims["iss"]; p.hosted && iss != p.url+"/auth/v1" || !p.hosted && ok {
		t.Fatalf("Auth's iss %v (present %t); hosted %t", iss, ok, p.hosted)
	}
	right := p.accounts(t, nil)
	_, pr, err := right.SignIn(ctx, email, password, clientIP)
	if err != nil {
		t.Fatalf("sign in once SUPABASE_JWT_ISSUER is right: %v", err)
	}
	if tn, err := p.store.GetTenant(ctx, pr.Membership.TenantID); err != nil || tn.Name != "Issuers Ltd" || pr.Role() != interview.RoleOwner {
		t.Fatalf("organisation after fixing the setting: %+v, %v, role %s", tn, err, pr.Role())
	}
	if p.hosted { // the iss may also be left unchecked: audience and role still are
		if _, _, err := p.accounts(t, func(c *auth.SupabaseConfig) { setIssuer(c, "") }).SignIn(ctx, email, password, clientIP); err != nil {
			t.Fatalf("SUPABASE_JWT_ISSUER empty on a hosted project: %v", err)
		}
	}
}

// An invited recruiter joins through AcceptInvitation: Auth creates their
// account (confirmed first when confirmation is on), and they become a
// member of the inviting organisation only.
func testInvitation(t *testing.T, p *project) {
	ctx := t.Context()
	acc := p.accounts(t, nil)
	_, owner := p.newOwner(t, acc, "Inviters Ltd", p.email("inviter"))
	cookie, pr := p.invite(t, acc, owner, interview.RoleRecruiter)
	if pr.Role() != interview.RoleRecruiter || pr.Membership.TenantID != owner.Membership.TenantID {
		t.Fatalf("invitee %+v; want a recruiter of %s", pr, owner.Membership.TenantID)
	}
	ms, err := p.store.ListMemberships(ctx, pr.User.ID)
	if err != nil || len(ms) != 1 {
		t.Fatalf("invitee's memberships %+v, %v; want only the invitation's", ms, err)
	}
	if got, err := acc.Authenticate(ctx, cookie); err != nil || got.User.ID != pr.User.ID {
		t.Fatalf("authenticate the invitee: %+v, %v", got, err)
	}
}

// invite has owner invite a new person with role, who accepts through
// interviewd (after confirming their email when confirmation is on).
func (p *project) invite(t *testing.T, acc *auth.SupabaseAccounts, owner auth.Principal, role interview.Role) (string, auth.Principal) {
	t.Helper()
	ctx := t.Context()
	token, _, err := p.team(t).Invite(ctx, owner, p.email("invitee"), role)
	if err != nil {
		t.Fatal(err)
	}
	in := auth.AcceptInput{Name: "Ian Invitee", Password: password, ClientIP: clientIP}
	cookie, pr, err := acc.AcceptInvitation(ctx, token, in)
	if p.confirm {
		if !errors.Is(err, auth.ErrConfirmEmail) {
			t.Fatalf("accept with confirmation on: %v, want check your inbox", err)
		}
		p.confirmAll(t)
		cookie, pr, err = acc.AcceptInvitation(ctx, token, in)
	}
	if err != nil {
		t.Fatalf("accept the invitation: %v", err)
	}
	return cookie, pr
}

// logouts counts the stand-in's logout calls (0 with the real Auth).
func (p *project) logouts() int {
	if p.fake == nil {
		return 0
	}
	return p.fake.Count("logout")
}

// wantNoSession checks that the session Auth issued to a sign-in that
// interviewd refused was logged out: the real Auth has no session of
// email's user left; the stand-in, which keeps none, was asked once to log
// out since it counted before logouts.
func (p *project) wantNoSession(t *testing.T, email string, before int) {
	t.Helper()
	if p.fake != nil {
		if n := p.fake.Count("logout") - before; n != 1 {
			t.Errorf("interviewd logged out %d sessions of the refused sign-in, want 1", n)
		}
		return
	}
	conn := p.authAdmin(t)
	defer conn.Close(context.Background())
	var n int
	err := conn.QueryRow(t.Context(), `SELECT count(*) FROM auth.sessions s
		JOIN auth.users u ON u.id = s.user_id WHERE u.email = $1`, email).Scan(&n)
	if err != nil || n != 0 {
		t.Errorf("Auth keeps %d sessions of the refused sign-in (%v), want none", n, err)
	}
}
