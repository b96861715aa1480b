package auth

import (
	"errors"
	"testing"

	"github.com/interviewd/interviewd/internal/auth/supabasetest"
	"github.com/interviewd/interviewd/internal/interview"
)

// inviteAs has owner invite email with role through the built-in service,
// as the team page does in Supabase mode too, and returns the link's token.
func (e *supabaseEnv) inviteAs(t *testing.T, owner Principal, email string, role interview.Role) string {
	t.Helper()
	team, err := NewAccounts(AccountsConfig{Store: e.store, Now: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	token, _, err := team.Invite(t.Context(), owner, email, role)
	if err != nil {
		t.Fatalf("invite %s: %v", email, err)
	}
	return token
}

// TestSupabaseInvitationOnPinnedInstance: with TENANT_ID, sign-up is closed
// but an invitee of the pinned organisation still creates an account, and
// gets no organisation of their own; another organisation's link is dead.
func TestSupabaseInvitationOnPinnedInstance(t *testing.T) {
	e := newSupabaseEnv(t, supabasetest.HS256(), nil)
	ctx := t.Context()
	_, ada := e.signUp(t, "Acme", "ada@example.com")
	_, bob := e.signUp(t, "Bobco", "bob@example.com")
	pinned := e.accounts(t, func(c *SupabaseConfig) { c.PinnedTenant = ada.Membership.TenantID })
	ours := e.inviteAs(t, ada, "rae@example.com", interview.RoleRecruiter)
	theirs := e.inviteAs(t, bob, "sam@example.com", interview.RoleRecruiter)

	_, _, err := pinned.AcceptInvitation(ctx, theirs, AcceptInput{Password: testPassword})
	wantCode(t, err, interview.CodeNotFound)
	tok, p, err := pinned.AcceptInvitation(ctx, ours, AcceptInput{Name: "Rae", Password: testPassword})
	if err != nil || p.Membership.TenantID != ada.Membership.TenantID || p.Role() != interview.RoleRecruiter || p.User.Name != "Rae" {
		t.Fatalf("accept: %+v, %v", p, err)
	}
	if got, err := pinned.Authenticate(ctx, tok); err != nil || got.User.ID != e.fake.User("rae@example.com").ID {
		t.Fatalf("authenticate: %+v, %v", got, err)
	}
	if ms, err := e.store.ListMemberships(ctx, p.User.ID); err != nil || len(ms) != 1 {
		t.Errorf("memberships %+v, %v", ms, err)
	}
}

// TestSupabaseInvitationFailures: what fails before or at Supabase Auth
// leaves the invitation pending.
func TestSupabaseInvitationFailures(t *testing.T) {
	e := newSupabaseEnv(t, supabasetest.HS256(), nil)
	ctx := t.Context()
	_, ada := e.signUp(t, "Acme", "ada@example.com")
	token := e.inviteAs(t, ada, "rae@example.com", interview.RoleViewer)
	e.fake.AddUser("rae@example.com", testPassword, nil)

	// A new password is checked before Supabase Auth's sign-up is called.
	_, _, err := e.acc.AcceptInvitation(ctx, token, AcceptInput{Password: "short"})
	wantCode(t, err, interview.CodeInvalid)
	if n := e.fake.Count("signup"); n != 1 { // Ada's
		t.Errorf("%d sign-ups", n)
	}
	// Supabase Auth has the email but not this password: the sign-up it
	// tries next is refused as taken, which is a wrong password.
	_, _, err = e.acc.AcceptInvitation(ctx, token, AcceptInput{Password: "wrong password!"})
	wantCode(t, err, interview.CodeUnauthorized)
	if n := e.fake.Count("signup"); n != 2 {
		t.Errorf("%d sign-ups", n)
	}
	e.clock.Advance(signInFailWindow)

	// Wrong passwords count towards the same throttle as sign-in.
	wrong := AcceptInput{Password: "wrong password!", ClientIP: "10.0.0.9"}
	for range signInFailLimit {
		_, _, err = e.acc.AcceptInvitation(ctx, token, wrong)
		wantCode(t, err, interview.CodeUnauthorized)
	}
	_, _, err = e.acc.SignIn(ctx, "rae@example.com", testPassword, "10.0.0.9")
	wantCode(t, err, interview.CodeRateLimited)
	e.clock.Advance(signInFailWindow)

	// Supabase Auth out of reach is no refusal, and changes nothing.
	e.fake.Close()
	_, _, err = e.acc.AcceptInvitation(ctx, token, AcceptInput{Password: testPassword})
	wantCode(t, err, interview.CodeUnavailable)
	if _, err := e.acc.Invitation(ctx, token); err != nil {
		t.Fatalf("the invitation is no longer pending: %v", err)
	}
	if _, err := e.store.GetUserByEmail(ctx, "rae@example.com"); !errors.Is(err, interview.ErrNotFound) {
		t.Errorf("rae was provisioned: %v", err)
	}
}

// TestSupabaseInvitationKnownUser: an invitee whom interviewd already knows
// (a member of another organisation) signs in; a wrong password is told as
// any failed sign-in and does not try to sign them up.
func TestSupabaseInvitationKnownUser(t *testing.T) {
	e := newSupabaseEnv(t, supabasetest.HS256(), nil)
	ctx := t.Context()
	_, ada := e.signUp(t, "Acme", "ada@example.com")
	_, bob := e.signUp(t, "Bobco", "bob@example.com")
	token := e.inviteAs(t, ada, "bob@example.com", interview.RoleViewer)
	signUps := e.fake.Count("signup")

	_, _, err := e.acc.AcceptInvitation(ctx, token, AcceptInput{Name: "Not Bob", Password: "wrong password!"})
	wantCode(t, err, interview.CodeUnauthorized)
	if n := e.fake.Count("signup"); n != signUps {
		t.Errorf("a known user was signed up: %d sign-ups, want %d", n, signUps)
	}
	_, p, err := e.acc.AcceptInvitation(ctx, token, AcceptInput{Name: "Not Bob", Password: testPassword})
	if err != nil || p.User.ID != bob.User.ID || p.Membership.TenantID != ada.Membership.TenantID || p.Role() != interview.RoleViewer {
		t.Fatalf("accept: %+v, %v", p, err)
	}
	if p.User.Name == "Not Bob" {
		t.Error("joining renamed an existing account")
	}
}

// TestSupabaseInvitationForAnotherAccountEndsItsSession: when Supabase Auth
// answers an invitee's sign-in with someone else's session (a project that
// maps addresses in its own way), the invitation is refused and that
// session is logged out at Auth rather than left alive unused.
func TestSupabaseInvitationForAnotherAccountEndsItsSession(t *testing.T) {
	e := newSupabaseEnv(t, supabasetest.HS256(), nil)
	ctx := t.Context()
	_, ada := e.signUp(t, "Acme", "ada@example.com")
	token := e.inviteAs(t, ada, "rae@example.com", interview.RoleViewer)
	bob := e.fake.AddUser("bob@example.com", testPassword, nil)
	bobs := e.fake.Session(bob)
	e.fake.Force("token?grant_type=password", supabasetest.Answer{Status: 200, Body: bobs.JSON})
	logouts := e.fake.Count("logout")

	_, _, err := e.acc.AcceptInvitation(ctx, token, AcceptInput{Password: testPassword})
	wantCode(t, err, interview.CodeForbidden)
	if e.fake.Count("logout") != logouts+1 {
		t.Fatal("the session of the other account was not logged out")
	}
	if e.fake.SessionAlive(bobs.ID) {
		t.Error("the other account's session is still alive at Supabase Auth")
	}
	if _, err := e.acc.Invitation(ctx, token); err != nil {
		t.Errorf("the invitation is no longer usable: %v", err)
	}
}
