package storetest

import (
	"strings"
	"testing"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

func testBasics(t *testing.T, s store.Store) {
	must(t, s.Ping(t.Context()))
	if d := s.Dialect(); d != "sqlite" && d != "postgres" {
		t.Errorf("Dialect() = %q", d)
	}
	f := newTenant(t, s)
	as := s.As(store.Actor{UserID: f.Owner.ID, Email: f.Owner.Email})
	got, err := as.GetPosition(t.Context(), f.Tenant.ID, f.Position.ID)
	must(t, err)
	same(t, "position read as its owner", got, f.Position)
}

func testTenants(t *testing.T, s store.Store) {
	ctx := t.Context()
	owner, recruiter, viewer := newUser(t, s), newUser(t, s), newUser(t, s)
	tn := interview.Tenant{Name: "Acme " + unique(), CreatedAt: noisy(at(0))}
	must(t, s.CreateTenant(ctx, &tn, owner.ID))
	t.Run("get", func(t *testing.T) {
		got, err := s.GetTenant(ctx, tn.ID)
		must(t, err)
		same(t, "tenant", got, interview.Tenant{ID: tn.ID, Name: tn.Name, CreatedAt: at(0), Retention: store.DefaultRetention})
		m, err := s.GetMembership(ctx, tn.ID, owner.ID)
		must(t, err)
		// The owner joined when the tenant was made.
		same(t, "owner", m, interview.Membership{TenantID: tn.ID, UserID: owner.ID, Role: interview.RoleOwner, CreatedAt: at(0)})
	})
	must(t, s.AddMember(ctx, &interview.Membership{TenantID: tn.ID, UserID: recruiter.ID, Role: interview.RoleRecruiter, CreatedAt: at(1)}))
	must(t, s.AddMember(ctx, &interview.Membership{TenantID: tn.ID, UserID: viewer.ID, Role: interview.RoleViewer, CreatedAt: noisy(at(2))}))
	t.Run("list members oldest first", func(t *testing.T) {
		list, err := s.ListMembers(ctx, tn.ID)
		must(t, err)
		same(t, "members", ids(list, func(m interview.Member) string { return m.UserID }),
			[]string{owner.ID, recruiter.ID, viewer.ID})
		if len(list) == 3 {
			same(t, "viewer", list[2], interview.Member{
				Membership: interview.Membership{TenantID: tn.ID, UserID: viewer.ID, Role: interview.RoleViewer, CreatedAt: at(2)},
				Email:      viewer.Email, Name: viewer.Name,
			})
		}
	})
	t.Run("list memberships oldest first", func(t *testing.T) {
		other := interview.Tenant{Name: "Other " + unique(), CreatedAt: at(5)}
		must(t, s.CreateTenant(ctx, &other, owner.ID))
		list, err := s.ListMemberships(ctx, owner.ID)
		must(t, err)
		same(t, "tenants", ids(list, func(m interview.Membership) string { return m.TenantID }),
			[]string{tn.ID, other.ID})
	})
	t.Run("update role", func(t *testing.T) {
		must(t, s.UpdateMemberRole(ctx, tn.ID, viewer.ID, interview.RoleRecruiter))
		m, err := s.GetMembership(ctx, tn.ID, viewer.ID)
		must(t, err)
		same(t, "role", m.Role, interview.RoleRecruiter)
		wantErr(t, "bad role", s.UpdateMemberRole(ctx, tn.ID, viewer.ID, "boss"), interview.ErrInvalid)
	})
	t.Run("remove", func(t *testing.T) {
		must(t, s.RemoveMember(ctx, tn.ID, viewer.ID))
		_, err := s.GetMembership(ctx, tn.ID, viewer.ID)
		wantErr(t, "removed member", err, store.ErrNotFound)
		wantErr(t, "remove again", s.RemoveMember(ctx, tn.ID, viewer.ID), store.ErrNotFound)
	})
	t.Run("invalid", func(t *testing.T) {
		wantErr(t, "empty name", s.CreateTenant(ctx, &interview.Tenant{}, owner.ID), interview.ErrInvalid)
		m := interview.Membership{TenantID: tn.ID, UserID: viewer.ID, Role: "boss"}
		wantErr(t, "bad role", s.AddMember(ctx, &m), interview.ErrInvalid)
	})
	t.Run("unknown owner leaves no tenant", func(t *testing.T) {
		bad := interview.Tenant{ID: unique(), Name: "Ghost"}
		wantErr(t, "create", s.CreateTenant(ctx, &bad, unique()), store.ErrNotFound)
		_, err := s.GetTenant(ctx, bad.ID)
		wantErr(t, "get", err, store.ErrNotFound)
	})
}

func testUsers(t *testing.T, s store.Store) {
	ctx := t.Context()
	email := "Ada.Lovelace+" + unique() + "@Example.COM"
	u := interview.User{Email: "  " + email + " ", Name: "Ada", PasswordHash: "h1", CreatedAt: noisy(at(0))}
	must(t, s.CreateUser(ctx, &u))
	want := interview.User{ID: u.ID, Email: strings.ToLower(email), Name: "Ada", PasswordHash: "h1", CreatedAt: at(0)}
	same(t, "created", u, want)
	t.Run("get", func(t *testing.T) {
		got, err := s.GetUser(ctx, u.ID)
		must(t, err)
		same(t, "by id", got, want)
		got, err = s.GetUserByEmail(ctx, strings.ToUpper(email))
		must(t, err)
		same(t, "by email", got, want)
	})
	t.Run("password", func(t *testing.T) {
		must(t, s.SetPasswordHash(ctx, u.ID, "h2"))
		got, err := s.GetUser(ctx, u.ID)
		must(t, err)
		same(t, "hash", got.PasswordHash, "h2")
	})
	t.Run("invalid email", func(t *testing.T) {
		wantErr(t, "create", s.CreateUser(ctx, &interview.User{Email: "not an address"}), interview.ErrInvalid)
	})
}
