package storetest

import (
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

// newInvitation stores an invitation to the fixture's tenant, made at at(n).
func (f fixture) newInvitation(t *testing.T, s store.Store, role interview.Role, n int) interview.Invitation {
	t.Helper()
	inv := interview.Invitation{TenantID: f.Tenant.ID, Email: "inv-" + unique() + "@example.com", Role: role,
		TokenHash: unique(), InvitedBy: f.Owner.ID, CreatedAt: at(n), ExpiresAt: at(n + 60)}
	must(t, s.CreateInvitation(t.Context(), &inv))
	return inv
}

func testInvitations(t *testing.T, s store.Store) {
	ctx := t.Context()
	f := newTenant(t, s)
	email := "Bob+" + unique() + "@Example.COM"
	inv := interview.Invitation{TenantID: f.Tenant.ID, Email: " " + email, Role: interview.RoleRecruiter,
		TokenHash: unique(), InvitedBy: f.Owner.ID, CreatedAt: noisy(at(0)), ExpiresAt: noisy(at(60))}
	must(t, s.CreateInvitation(ctx, &inv))
	want := interview.Invitation{ID: inv.ID, TenantID: f.Tenant.ID, Email: strings.ToLower(email),
		Role: interview.RoleRecruiter, TokenHash: inv.TokenHash, InvitedBy: f.Owner.ID,
		CreatedAt: at(0), ExpiresAt: at(60)}
	t.Run("round trip", func(t *testing.T) {
		same(t, "caller's copy", inv, want)
		got, err := s.GetInvitationByHash(ctx, inv.TokenHash)
		must(t, err)
		same(t, "by hash", got, want)
	})
	t.Run("fills ID and time", func(t *testing.T) {
		v := interview.Invitation{TenantID: f.Tenant.ID, Email: "x-" + unique() + "@example.com",
			Role: interview.RoleViewer, TokenHash: unique(), ExpiresAt: at(1)}
		must(t, s.CreateInvitation(ctx, &v))
		if v.ID == "" || v.CreatedAt.IsZero() {
			t.Errorf("invitation not filled: %+v", v)
		}
	})
	t.Run("invalid", func(t *testing.T) {
		for name, v := range map[string]interview.Invitation{
			"email":  {TenantID: f.Tenant.ID, Email: "nope", Role: interview.RoleViewer, TokenHash: unique(), ExpiresAt: at(1)},
			"role":   {TenantID: f.Tenant.ID, Email: "a@example.com", Role: "boss", TokenHash: unique(), ExpiresAt: at(1)},
			"hash":   {TenantID: f.Tenant.ID, Email: "a@example.com", Role: interview.RoleViewer, ExpiresAt: at(1)},
			"expiry": {TenantID: f.Tenant.ID, Email: "a@example.com", Role: interview.RoleViewer, TokenHash: unique()},
		} {
			wantErr(t, name, s.CreateInvitation(ctx, &v), interview.ErrInvalid)
		}
	})
	t.Run("list pending newest first", func(t *testing.T) { testListInvitations(t, s) })
	t.Run("accept", func(t *testing.T) { testAcceptInvitation(t, s) })
	t.Run("accept conflicts", func(t *testing.T) { testAcceptConflicts(t, s) })
	t.Run("accept concurrently", func(t *testing.T) { testAcceptConcurrent(t, s) })
	t.Run("revoke", func(t *testing.T) {
		v := f.newInvitation(t, s, interview.RoleViewer, 1)
		must(t, s.RevokeInvitation(ctx, f.Tenant.ID, v.ID, noisy(at(5))))
		must(t, s.RevokeInvitation(ctx, f.Tenant.ID, v.ID, at(9)))
		got, err := s.GetInvitationByHash(ctx, v.TokenHash)
		must(t, err)
		same(t, "revoked at", got.RevokedAt, ptr(at(5)))
	})
}

func testListInvitations(t *testing.T, s store.Store) {
	ctx := t.Context()
	f := newTenant(t, s)
	old, accepted, revoked, newest := f.newInvitation(t, s, interview.RoleViewer, 1),
		f.newInvitation(t, s, interview.RoleViewer, 2), f.newInvitation(t, s, interview.RoleViewer, 3),
		f.newInvitation(t, s, interview.RoleOwner, 4)
	expired := interview.Invitation{TenantID: f.Tenant.ID, Email: "exp-" + unique() + "@example.com",
		Role: interview.RoleViewer, TokenHash: unique(), CreatedAt: at(-90), ExpiresAt: at(-30)}
	must(t, s.CreateInvitation(ctx, &expired))
	_, err := s.AcceptInvitation(ctx, accepted.ID, newUser(t, s).ID, at(5))
	must(t, err)
	must(t, s.RevokeInvitation(ctx, f.Tenant.ID, revoked.ID, at(5)))
	list, err := s.ListInvitations(ctx, f.Tenant.ID)
	must(t, err)
	same(t, "pending", ids(list, invitationID), []string{newest.ID, old.ID, expired.ID})
	if len(list) == 3 {
		same(t, "newest", list[0], newest)
	}
	empty, err := s.ListInvitations(ctx, newTenant(t, s).Tenant.ID)
	must(t, err)
	same(t, "none", empty, []interview.Invitation{})
}

func invitationID(v interview.Invitation) string { return v.ID }

func testAcceptInvitation(t *testing.T, s store.Store) {
	ctx := t.Context()
	f := newTenant(t, s)
	inv := f.newInvitation(t, s, interview.RoleRecruiter, 1)
	u := newUser(t, s)
	m, err := s.AcceptInvitation(ctx, inv.ID, u.ID, noisy(at(7)))
	must(t, err)
	want := interview.Membership{TenantID: f.Tenant.ID, UserID: u.ID, Role: interview.RoleRecruiter, CreatedAt: at(7)}
	same(t, "membership", m, want)
	stored, err := s.GetMembership(ctx, f.Tenant.ID, u.ID)
	must(t, err)
	same(t, "stored membership", stored, want)
	got, err := s.GetInvitationByHash(ctx, inv.TokenHash)
	must(t, err)
	same(t, "accepted at", got.AcceptedAt, ptr(at(7)))
}

// testAcceptConflicts checks that a refused accept changes nothing: the
// invitation stays as it was and no membership appears.
func testAcceptConflicts(t *testing.T, s store.Store) {
	ctx := t.Context()
	f := newTenant(t, s)
	used := f.newInvitation(t, s, interview.RoleViewer, 1)
	_, err := s.AcceptInvitation(ctx, used.ID, newUser(t, s).ID, at(2))
	must(t, err)
	revoked := f.newInvitation(t, s, interview.RoleViewer, 1)
	must(t, s.RevokeInvitation(ctx, f.Tenant.ID, revoked.ID, at(2)))
	pending := f.newInvitation(t, s, interview.RoleOwner, 1)
	for _, tc := range []struct {
		name   string
		inv    interview.Invitation
		userID string
		err    error
	}{
		{"accepted", used, newUser(t, s).ID, store.ErrConflict},
		{"revoked", revoked, newUser(t, s).ID, store.ErrConflict},
		{"already a member", pending, f.Owner.ID, store.ErrConflict},
		{"unknown user", pending, unique(), store.ErrNotFound},
		{"unknown invitation", interview.Invitation{ID: unique()}, newUser(t, s).ID, store.ErrNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before, _ := s.GetInvitationByHash(ctx, tc.inv.TokenHash)
			_, err := s.AcceptInvitation(ctx, tc.inv.ID, tc.userID, at(3))
			wantErr(t, "accept", err, tc.err)
			after, _ := s.GetInvitationByHash(ctx, tc.inv.TokenHash)
			same(t, "invitation unchanged", after, before)
			m, err := s.GetMembership(ctx, f.Tenant.ID, tc.userID)
			if tc.userID == f.Owner.ID {
				must(t, err)
				same(t, "role kept", m.Role, interview.RoleOwner)
			} else {
				wantErr(t, "no membership", err, store.ErrNotFound)
			}
		})
	}
}

// testAcceptConcurrent accepts one invitation for several users at once:
// exactly one becomes a member.
func testAcceptConcurrent(t *testing.T, s store.Store) {
	f := newTenant(t, s)
	inv := f.newInvitation(t, s, interview.RoleViewer, 1)
	const n = 8
	users := make([]interview.User, n)
	for i := range users {
		users[i] = newUser(t, s)
	}
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { _, errs[i] = s.AcceptInvitation(t.Context(), inv.ID, users[i].ID, at(2)) })
	}
	wg.Wait()
	won := 0
	for i, err := range errs {
		switch {
		case err == nil:
			won++
		case !errors.Is(err, store.ErrConflict):
			t.Errorf("accept %d: %v, want nil or ErrConflict", i, err)
		}
	}
	members, err := s.ListMembers(t.Context(), f.Tenant.ID)
	must(t, err)
	if won != 1 || len(members) != 2 {
		t.Errorf("%d accepts won and the tenant has %d members; want 1 and 2", won, len(members))
	}
}
