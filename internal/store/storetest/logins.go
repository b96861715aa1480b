package storetest

import (
	"testing"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

// newLogin stores a login of the fixture's owner in its tenant.
func (f fixture) newLogin(t *testing.T, s store.Store, expires int) interview.Login {
	t.Helper()
	l := interview.Login{UserID: f.Owner.ID, TenantID: f.Tenant.ID, TokenHash: unique(), ExpiresAt: at(expires)}
	must(t, s.CreateLogin(t.Context(), &l))
	return l
}

func testLogins(t *testing.T, s store.Store) {
	ctx := t.Context()
	f := newTenant(t, s)
	l := interview.Login{
		UserID: f.Owner.ID, TenantID: f.Tenant.ID, TokenHash: unique(),
		CreatedAt: noisy(at(0)), ExpiresAt: noisy(at(60)),
	}
	must(t, s.CreateLogin(ctx, &l))
	want := interview.Login{ID: l.ID, UserID: f.Owner.ID, TenantID: f.Tenant.ID, TokenHash: l.TokenHash,
		CreatedAt: at(0), ExpiresAt: at(60), LastSeenAt: at(0)}
	t.Run("round trip", func(t *testing.T) {
		same(t, "caller's copy", l, want)
		got, err := s.GetLoginByHash(ctx, l.TokenHash)
		must(t, err)
		same(t, "by hash", got, want)
	})
	t.Run("fills ID and times", func(t *testing.T) {
		l := f.newLogin(t, s, 60)
		if l.ID == "" || l.CreatedAt.IsZero() || !l.LastSeenAt.Equal(l.CreatedAt) {
			t.Errorf("login not filled: %+v", l)
		}
	})
	t.Run("expired is returned", func(t *testing.T) {
		old := interview.Login{UserID: f.Owner.ID, TenantID: f.Tenant.ID, TokenHash: unique(),
			CreatedAt: at(-120), ExpiresAt: at(-60)}
		must(t, s.CreateLogin(ctx, &old))
		got, err := s.GetLoginByHash(ctx, old.TokenHash)
		must(t, err)
		same(t, "expired login", got, old)
	})
	t.Run("touch", func(t *testing.T) {
		must(t, s.TouchLogin(ctx, l.ID, noisy(at(10)), noisy(at(70))))
		got, err := s.GetLoginByHash(ctx, l.TokenHash)
		must(t, err)
		want := want
		want.LastSeenAt, want.ExpiresAt = at(10), at(70)
		same(t, "touched", got, want)
	})
	t.Run("invalid", func(t *testing.T) {
		no := interview.Login{UserID: f.Owner.ID, TenantID: f.Tenant.ID, TokenHash: unique()}
		wantErr(t, "no expiry", s.CreateLogin(ctx, &no), interview.ErrInvalid)
		no = interview.Login{UserID: f.Owner.ID, TenantID: f.Tenant.ID, ExpiresAt: at(1)}
		wantErr(t, "no hash", s.CreateLogin(ctx, &no), interview.ErrInvalid)
	})
	t.Run("switch tenant", func(t *testing.T) { testSwitchLogin(t, s, f) })
	t.Run("delete", func(t *testing.T) { testDeleteLogins(t, s, f) })
}

func testSwitchLogin(t *testing.T, s store.Store, f fixture) {
	ctx := t.Context()
	l := f.newLogin(t, s, 60)
	mine := interview.Tenant{Name: "Second " + unique()}
	must(t, s.CreateTenant(ctx, &mine, f.Owner.ID))
	stranger := newTenant(t, s)
	must(t, s.SwitchLoginTenant(ctx, l.ID, mine.ID))
	got, err := s.GetLoginByHash(ctx, l.TokenHash)
	must(t, err)
	same(t, "tenant", got.TenantID, mine.ID)
	wantErr(t, "not a member", s.SwitchLoginTenant(ctx, l.ID, stranger.Tenant.ID), store.ErrNotFound)
	wantErr(t, "no such tenant", s.SwitchLoginTenant(ctx, l.ID, unique()), store.ErrNotFound)
	wantErr(t, "no such login", s.SwitchLoginTenant(ctx, unique(), mine.ID), store.ErrNotFound)
	got, err = s.GetLoginByHash(ctx, l.TokenHash)
	must(t, err)
	same(t, "tenant kept", got.TenantID, mine.ID)
}

func testDeleteLogins(t *testing.T, s store.Store, f fixture) {
	ctx := t.Context()
	one, two, three := f.newLogin(t, s, 60), f.newLogin(t, s, 60), f.newLogin(t, s, 60)
	other := newTenant(t, s)
	theirs := other.newLogin(t, s, 60)
	must(t, s.DeleteLogin(ctx, one.ID))
	_, err := s.GetLoginByHash(ctx, one.TokenHash)
	wantErr(t, "deleted", err, store.ErrNotFound)
	wantErr(t, "delete again", s.DeleteLogin(ctx, one.ID), store.ErrNotFound)
	must(t, s.DeleteUserLogins(ctx, f.Owner.ID))
	for _, l := range []interview.Login{two, three} {
		_, err := s.GetLoginByHash(ctx, l.TokenHash)
		wantErr(t, "signed out everywhere", err, store.ErrNotFound)
	}
	_, err = s.GetLoginByHash(ctx, theirs.TokenHash)
	must(t, err) // another user's login stays
	must(t, s.DeleteUserLogins(ctx, f.Owner.ID))
}
