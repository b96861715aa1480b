package storetest

import (
	"testing"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

// longAgo is the housekeeping tests' clock, like at but decades before
// anything else the suite stores: the deletes sweep every tenant, so on a
// shared database a cutoff this early reaches only these tests' rows.
func longAgo(n int) time.Time {
	return time.Date(2001, 2, 3, 4, 5, 6, 789012000, time.UTC).Add(time.Duration(n) * time.Minute)
}

// elsewhere shows an instant in another zone, to prove that stores compare
// instants, not clock readings.
func elsewhere(t time.Time) time.Time { return t.In(time.FixedZone("UTC-7", -7*3600)) }

func testHousekeeping(t *testing.T, s store.Store) {
	f, g := newTenant(t, s), newTenant(t, s)
	t.Run("expired logins", func(t *testing.T) { testDeleteExpiredLogins(t, s, f, g) })
	t.Run("idempotency keys", func(t *testing.T) { testDeleteIdempotencyKeys(t, s, f, g) })
	t.Run("expired invitations", func(t *testing.T) { testDeleteExpiredInvitations(t, s, f, g) })
}

// atLeast fails the test unless a sweep counted at least the due rows this
// test made; other tests' rows on a shared database may add to it.
func atLeast(t *testing.T, what string, n int64, due int) {
	t.Helper()
	if n < int64(due) {
		t.Errorf("%s: deleted %d rows, want at least the %d due", what, n, due)
	}
}

func testDeleteExpiredLogins(t *testing.T, s store.Store, f, g fixture) {
	ctx := t.Context()
	login := func(f fixture, expires time.Time) interview.Login {
		l := interview.Login{UserID: f.Owner.ID, TenantID: f.Tenant.ID, TokenHash: unique(),
			CreatedAt: longAgo(-600), ExpiresAt: expires}
		must(t, s.CreateLogin(ctx, &l))
		return l
	}
	// A login expiring exactly now is refused by sign-in, so it is due.
	due := []interview.Login{login(f, longAgo(-60)), login(f, longAgo(0)), login(g, longAgo(-1))}
	kept := []interview.Login{login(f, longAgo(1)), login(g, at(60))}
	n, err := s.DeleteExpiredLogins(ctx, elsewhere(longAgo(0)))
	must(t, err)
	atLeast(t, "first sweep", n, len(due))
	for _, l := range due {
		_, err := s.GetLoginByHash(ctx, l.TokenHash)
		wantErr(t, "expired login", err, store.ErrNotFound)
	}
	for _, l := range kept {
		got, err := s.GetLoginByHash(ctx, l.TokenHash)
		must(t, err)
		same(t, "live login", got, l)
	}
	n, err = s.DeleteExpiredLogins(ctx, longAgo(1))
	must(t, err)
	atLeast(t, "later sweep", n, 1)
	_, err = s.GetLoginByHash(ctx, kept[0].TokenHash)
	wantErr(t, "login expired since", err, store.ErrNotFound)
	_, err = s.GetLoginByHash(ctx, kept[1].TokenHash)
	must(t, err)
}

func testDeleteIdempotencyKeys(t *testing.T, s store.Store, f, g fixture) {
	ctx := t.Context()
	key := func(f fixture, created time.Time) interview.IdempotentRequest {
		r := interview.IdempotentRequest{TenantID: f.Tenant.ID, Key: unique(), Fingerprint: "fp", CreatedAt: created}
		_, err := s.ReserveIdempotencyKey(ctx, &r)
		must(t, err)
		return r
	}
	completed := key(f, longAgo(-60))
	must(t, s.CompleteIdempotencyKey(ctx, f.Tenant.ID, completed.Key, 201, []byte(`{}`)))
	// A key made exactly at the cutoff is not before it, so it is kept.
	due := []interview.IdempotentRequest{completed, key(f, longAgo(-1)), key(g, longAgo(-30))}
	kept := []interview.IdempotentRequest{key(f, longAgo(0)), key(g, at(0))}
	n, err := s.DeleteIdempotencyKeys(ctx, elsewhere(longAgo(0)))
	must(t, err)
	atLeast(t, "sweep", n, len(due))
	for _, r := range kept {
		got, err := s.ReserveIdempotencyKey(ctx, &interview.IdempotentRequest{TenantID: r.TenantID, Key: r.Key})
		wantErr(t, "reserve a kept key", err, store.ErrConflict)
		same(t, "kept key", got, r)
	}
	for _, r := range due {
		retry := interview.IdempotentRequest{TenantID: r.TenantID, Key: r.Key, Fingerprint: "again"}
		_, err := s.ReserveIdempotencyKey(ctx, &retry)
		must(t, err) // forgotten: the retry runs again
	}
}

func testDeleteExpiredInvitations(t *testing.T, s store.Store, f, g fixture) {
	ctx := t.Context()
	invite := func(f fixture, expires time.Time) interview.Invitation {
		inv := interview.Invitation{TenantID: f.Tenant.ID, Email: "inv-" + unique() + "@example.com",
			Role: interview.RoleViewer, TokenHash: unique(), InvitedBy: f.Owner.ID,
			CreatedAt: expires.Add(-time.Hour), ExpiresAt: expires}
		must(t, s.CreateInvitation(ctx, &inv))
		return inv
	}
	pending, accepted, revoked := invite(f, longAgo(-60)), invite(f, longAgo(-2)), invite(g, longAgo(-1))
	_, err := s.AcceptInvitation(ctx, accepted.ID, newUser(t, s).ID, longAgo(-90))
	must(t, err)
	must(t, s.RevokeInvitation(ctx, g.Tenant.ID, revoked.ID, longAgo(-90)))
	// An invitation expiring exactly at the cutoff is not before it.
	kept := []interview.Invitation{invite(f, longAgo(0)), invite(g, at(60))}
	n, err := s.DeleteExpiredInvitations(ctx, elsewhere(longAgo(0)))
	must(t, err)
	atLeast(t, "sweep", n, 3)
	for _, inv := range []interview.Invitation{pending, accepted, revoked} {
		_, err := s.GetInvitationByHash(ctx, inv.TokenHash)
		wantErr(t, "expired invitation", err, store.ErrNotFound)
	}
	for _, inv := range kept {
		got, err := s.GetInvitationByHash(ctx, inv.TokenHash)
		must(t, err)
		same(t, "kept invitation", got, inv)
	}
}
