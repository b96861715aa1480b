package storetest

import (
	"testing"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

// testSignUp checks that a user and the organisation they own are stored
// together or not at all (issue 10, finding 5).
func testSignUp(t *testing.T, s store.Store) {
	ctx := t.Context()
	email := "signup-" + unique() + "@example.com"
	t.Run("bad organisation leaves no user", func(t *testing.T) {
		u := interview.User{Email: email, Name: "Ann", PasswordHash: "h"}
		bad := interview.Tenant{Name: "   "}
		wantErr(t, "create", s.CreateUserWithTenant(ctx, &u, &bad), interview.ErrInvalid)
		_, err := s.GetUserByEmail(ctx, email)
		wantErr(t, "user after failure", err, store.ErrNotFound)
	})
	u := interview.User{Email: email, Name: "Ann", PasswordHash: "h"}
	tn := interview.Tenant{Name: "Acme " + unique()}
	t.Run("the same email then signs up", func(t *testing.T) {
		must(t, s.CreateUserWithTenant(ctx, &u, &tn))
		got, err := s.GetUserByEmail(ctx, email)
		must(t, err)
		same(t, "user", got.ID, u.ID)
		m, err := s.GetMembership(ctx, tn.ID, u.ID)
		must(t, err)
		same(t, "role", m.Role, interview.RoleOwner)
	})
	t.Run("taken email leaves no organisation", func(t *testing.T) {
		again := interview.User{Email: email, PasswordHash: "h"}
		other := interview.Tenant{ID: unique(), Name: "Other"}
		wantErr(t, "create", s.CreateUserWithTenant(ctx, &again, &other), store.ErrConflict)
		_, err := s.GetTenant(ctx, other.ID)
		wantErr(t, "tenant after failure", err, store.ErrNotFound)
	})
}

// testRemoveMember checks that removing a member revokes the API keys they
// created there and ends their logins working there, and nothing else
// (issue 10, finding 9).
func testRemoveMember(t *testing.T, s store.Store) {
	ctx := t.Context()
	f := newTenant(t, s)
	gone, stays := newUser(t, s), newUser(t, s)
	for _, u := range []interview.User{gone, stays} {
		must(t, s.AddMember(ctx, &interview.Membership{TenantID: f.Tenant.ID, UserID: u.ID, Role: interview.RoleRecruiter}))
	}
	goneKey := interview.APIKey{TenantID: f.Tenant.ID, Name: "k", Prefix: "p", Hash: unique(), CreatedBy: gone.ID, CreatedAt: at(0)}
	staysKey := interview.APIKey{TenantID: f.Tenant.ID, Name: "k", Prefix: "p", Hash: unique(), CreatedBy: stays.ID, CreatedAt: at(0)}
	must(t, s.CreateAPIKey(ctx, &goneKey))
	must(t, s.CreateAPIKey(ctx, &staysKey))
	goneLogin := interview.Login{UserID: gone.ID, TenantID: f.Tenant.ID, TokenHash: unique(), ExpiresAt: at(60)}
	staysLogin := interview.Login{UserID: stays.ID, TenantID: f.Tenant.ID, TokenHash: unique(), ExpiresAt: at(60)}
	must(t, s.CreateLogin(ctx, &goneLogin))
	must(t, s.CreateLogin(ctx, &staysLogin))

	must(t, s.RemoveMember(ctx, f.Tenant.ID, gone.ID))

	k, err := s.GetAPIKeyByHash(ctx, goneKey.Hash)
	must(t, err)
	if k.Active() {
		t.Error("the removed member's key is still active")
	}
	k, err = s.GetAPIKeyByHash(ctx, staysKey.Hash)
	must(t, err)
	if !k.Active() {
		t.Error("another member's key was revoked")
	}
	_, err = s.GetLoginByHash(ctx, goneLogin.TokenHash)
	wantErr(t, "removed member's login", err, store.ErrNotFound)
	_, err = s.GetLoginByHash(ctx, staysLogin.TokenHash)
	must(t, err)
	wantErr(t, "remove again", s.RemoveMember(ctx, f.Tenant.ID, gone.ID), store.ErrNotFound)
}
