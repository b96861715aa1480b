package auth_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/interviewd/interviewd/internal/auth"
	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
	"github.com/interviewd/interviewd/internal/store/postgres"
	"github.com/interviewd/interviewd/internal/store/sqlite"
	"github.com/interviewd/interviewd/internal/testenv"
)

const password = "correct horse battery staple"

// eachStore runs fn with Accounts on a fresh SQLite and a fresh PostgreSQL.
func eachStore(t *testing.T, fn func(t *testing.T, a *auth.Accounts, s store.Store)) {
	open := map[string]func(t *testing.T) store.Store{
		"sqlite": func(t *testing.T) store.Store {
			s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "t.db"))
			if err != nil {
				t.Fatalf("open sqlite: %v", err)
			}
			return s
		},
		"postgres": func(t *testing.T) store.Store {
			dbURL, _ := testenv.PostgresDB(t)
			s, err := postgres.Open(context.Background(), dbURL)
			if err != nil {
				t.Fatalf("open postgres: %v", err)
			}
			return s
		},
	}
	for name, o := range open {
		t.Run(name, func(t *testing.T) {
			s := o(t)
			t.Cleanup(func() { s.Close() })
			a, err := auth.NewAccounts(auth.AccountsConfig{Store: s})
			if err != nil {
				t.Fatal(err)
			}
			fn(t, a, s)
		})
	}
}

// TestFailedSignUpLeavesNothing attacks finding 5 of issue 10: a sign-up
// refused for its organisation must not keep the user, so that the same
// email can sign up again.
func TestFailedSignUpLeavesNothing(t *testing.T) {
	eachStore(t, func(t *testing.T, a *auth.Accounts, s store.Store) {
		ctx := t.Context()
		in := auth.SignUpInput{Organisation: "   ", Name: "Ann", Email: "ann@example.com", Password: password}
		if _, _, err := a.SignUp(ctx, in); interview.ErrorCode(err) != interview.CodeInvalid {
			t.Fatalf("sign-up with a blank organisation: %v, want invalid", err)
		}
		if _, err := s.GetUserByEmail(ctx, in.Email); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("user after a failed sign-up: %v, want not found", err)
		}
		in.Organisation = "Acme"
		if _, p, err := a.SignUp(ctx, in); err != nil {
			t.Fatalf("sign-up again: %v", err)
		} else if p.Role() != interview.RoleOwner {
			t.Errorf("role = %q, want owner", p.Role())
		}
		if _, _, err := a.SignIn(ctx, in.Email, password, "192.0.2.1"); err != nil {
			t.Errorf("sign-in after sign-up: %v", err)
		}
	})
}

// TestSignUpDoesNotConfirmAnAccount attacks the sign-up half of finding 8:
// a taken email gets an answer that does not say an account exists.
func TestSignUpDoesNotConfirmAnAccount(t *testing.T) {
	eachStore(t, func(t *testing.T, a *auth.Accounts, s store.Store) {
		ctx := t.Context()
		in := auth.SignUpInput{Organisation: "Acme", Email: "ann@example.com", Password: password}
		if _, _, err := a.SignUp(ctx, in); err != nil {
			t.Fatal(err)
		}
		in.Organisation = "Other"
		_, _, err := a.SignUp(ctx, in)
		if interview.ErrorCode(err) != interview.CodeInvalid {
			t.Fatalf("taken email: %v (code %s), want invalid like any refused form", err, interview.ErrorCode(err))
		}
		msg := strings.ToLower(err.Error())
		for _, word := range []string{"exists", "taken", "registered", "email"} {
			if strings.Contains(msg, word) {
				t.Errorf("answer %q says %q", msg, word)
			}
		}
	})
}

// TestRemovedMemberLosesKeysAndLogins attacks finding 9 of issue 10: an API
// key a member created, and their sign-in, stop working when they are
// removed.
func TestRemovedMemberLosesKeysAndLogins(t *testing.T) {
	eachStore(t, func(t *testing.T, a *auth.Accounts, s store.Store) {
		ctx := t.Context()
		_, owner, err := a.SignUp(ctx, auth.SignUpInput{Organisation: "Acme", Email: "owner@example.com", Password: password})
		if err != nil {
			t.Fatal(err)
		}
		member := addMember(t, s, owner.Membership.TenantID, "bob@example.com")
		cookie, p, err := a.SignIn(ctx, member.Email, password, "192.0.2.2")
		if err != nil {
			t.Fatal(err)
		}
		key, _, err := a.CreateAPIKey(ctx, p.Membership.TenantID, "ci", p.User.ID)
		if err != nil {
			t.Fatal(err)
		}
		ownerKey, _, err := a.CreateAPIKey(ctx, owner.Membership.TenantID, "owner's", owner.User.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.AuthenticateAPIKey(ctx, key); err != nil {
			t.Fatalf("key before removal: %v", err)
		}
		if err := a.RemoveMember(ctx, owner, member.ID); err != nil {
			t.Fatalf("remove: %v", err)
		}
		if _, err := a.AuthenticateAPIKey(ctx, key); interview.ErrorCode(err) != interview.CodeUnauthorized {
			t.Errorf("removed member's key: %v, want unauthorized", err)
		}
		if _, err := a.Authenticate(ctx, cookie); interview.ErrorCode(err) != interview.CodeUnauthorized {
			t.Errorf("removed member's login: %v, want unauthorized", err)
		}
		if _, err := a.AuthenticateAPIKey(ctx, ownerKey); err != nil {
			t.Errorf("the owner's key stopped working: %v", err)
		}
	})
}

// addMember stores a recruiter with the test password in tenantID.
func addMember(t *testing.T, s store.Store, tenantID, email string) interview.User {
	t.Helper()
	hash, err := auth.HashPassword(password)
	if err != nil {
		t.Fatal(err)
	}
	u := interview.User{Email: email, Name: "Bob", PasswordHash: hash}
	if err := s.CreateUser(t.Context(), &u); err != nil {
		t.Fatal(err)
	}
	m := interview.Membership{TenantID: tenantID, UserID: u.ID, Role: interview.RoleRecruiter}
	if err := s.AddMember(t.Context(), &m); err != nil {
		t.Fatal(err)
	}
	return u
}
