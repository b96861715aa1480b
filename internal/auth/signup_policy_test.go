package auth_test

import (
	"path/filepath"
	"testing"

	"github.com/interviewd/interviewd/internal/auth"
	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store/sqlite"
)

// TestClosedSignUpLeavesOtherWaysIn checks that SIGNUP=first (after the
// first account) and SIGNUP=closed stop only sign-up: the admin CLI's
// create-user still makes an owner, and an invitee still joins with a new
// account.
func TestClosedSignUpLeavesOtherWaysIn(t *testing.T) {
	for _, policy := range []interview.SignUpPolicy{interview.SignUpFirst, interview.SignUpClosed} {
		t.Run(string(policy), func(t *testing.T) {
			ctx := t.Context()
			s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "t.db"))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			a, err := auth.NewAccounts(auth.AccountsConfig{Store: s, SignUp: policy})
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := a.CreateOwner(ctx, "owner@example.com", password, "Acme"); err != nil {
				t.Fatalf("create-user under %s: %v", policy, err)
			}
			_, _, err = a.SignUp(ctx, auth.SignUpInput{Organisation: "Beta", Name: "Eve", Email: "eve@example.com", Password: password, ClientIP: "192.0.2.9"})
			if interview.ErrorCode(err) != interview.CodeForbidden {
				t.Fatalf("sign-up after the first account under %s: %v, want forbidden", policy, err)
			}
			_, owner, err := a.SignIn(ctx, "owner@example.com", password, "192.0.2.1")
			if err != nil {
				t.Fatal(err)
			}
			token, _, err := a.Invite(ctx, owner, "bob@example.com", interview.RoleRecruiter)
			if err != nil {
				t.Fatalf("invite under %s: %v", policy, err)
			}
			if _, p, err := a.AcceptInvitation(ctx, token, auth.AcceptInput{Name: "Bob", Password: password, ClientIP: "192.0.2.2"}); err != nil ||
				p.Membership.TenantID != owner.Membership.TenantID {
				t.Fatalf("accept under %s: %v (%+v)", policy, err, p.Membership)
			}
		})
	}
}
