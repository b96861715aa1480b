package storetest

import (
	"sync"
	"testing"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

// ttl is the suite's lease time.
const ttl = 15 * time.Second

// testLeases walks one interview's lease through acquiring, renewing,
// refusing another instance, expiring, releasing and taking over.
func testLeases(t *testing.T, s store.Store) {
	ctx := t.Context()
	f := newTenant(t, s)
	v := driveTo(t, s, f.session(t, s), interview.StatusInProgress)
	a, b := hold(t, s, "inst_a"+unique()), hold(t, s, "inst_b"+unique())
	_, err := s.GetLease(ctx, f.Tenant.ID, v.ID)
	wantErr(t, "get lease before any", err, store.ErrNotFound)

	l := interview.CallLease{TenantID: f.Tenant.ID, InterviewID: v.ID, Owner: a, CallID: "rtc_1"}
	got, err := s.AcquireLease(ctx, l, noisy(at(0)), ttl)
	must(t, err)
	want := interview.CallLease{TenantID: f.Tenant.ID, InterviewID: v.ID, Owner: a, CallID: "rtc_1",
		ExpiresAt: at(0).Add(ttl), UpdatedAt: at(0)}
	same(t, "acquired", got, want)
	stored, err := s.GetLease(ctx, f.Tenant.ID, v.ID)
	must(t, err)
	same(t, "stored", stored, want)

	// A renewal without a call ID keeps the one stored.
	got, err = s.AcquireLease(ctx, interview.CallLease{TenantID: f.Tenant.ID, InterviewID: v.ID, Owner: a}, at(0).Add(5*time.Second), ttl)
	must(t, err)
	want.ExpiresAt, want.UpdatedAt = at(0).Add(20*time.Second), at(0).Add(5*time.Second)
	same(t, "renewed", got, want)

	// Another instance is refused while the lease holds, and told who holds it.
	got, err = s.AcquireLease(ctx, interview.CallLease{TenantID: f.Tenant.ID, InterviewID: v.ID, Owner: b, CallID: "rtc_2"}, at(0).Add(19*time.Second), ttl)
	wantErr(t, "acquire a held lease", err, store.ErrConflict)
	same(t, "the lease as it stands", got, want)
	// At its expiry it takes it.
	got, err = s.AcquireLease(ctx, interview.CallLease{TenantID: f.Tenant.ID, InterviewID: v.ID, Owner: b}, want.ExpiresAt, ttl)
	must(t, err)
	same(t, "taken over at expiry", got, interview.CallLease{TenantID: f.Tenant.ID, InterviewID: v.ID, Owner: b,
		CallID: "rtc_1", ExpiresAt: want.ExpiresAt.Add(ttl), UpdatedAt: want.ExpiresAt})
	if !got.Held(want.ExpiresAt) || got.Held(got.ExpiresAt) {
		t.Errorf("Held of %+v: held at its start and not at its expiry", got)
	}

	// Releasing someone else's lease changes nothing; the owner's release
	// frees it at once, keeping the call ID for the next owner.
	must(t, s.ReleaseLease(ctx, f.Tenant.ID, v.ID, a))
	_, err = s.AcquireLease(ctx, interview.CallLease{TenantID: f.Tenant.ID, InterviewID: v.ID, Owner: a}, want.ExpiresAt.Add(time.Second), ttl)
	wantErr(t, "acquire after another's release", err, store.ErrConflict)
	must(t, s.ReleaseLease(ctx, f.Tenant.ID, v.ID, b))
	released, err := s.GetLease(ctx, f.Tenant.ID, v.ID)
	must(t, err)
	if released.Held(at(-1000)) {
		t.Errorf("released lease %+v is still held", released)
	}
	got, err = s.AcquireLease(ctx, interview.CallLease{TenantID: f.Tenant.ID, InterviewID: v.ID, Owner: a}, want.ExpiresAt.Add(time.Second), ttl)
	must(t, err)
	if got.Owner != a || got.CallID != "rtc_1" {
		t.Errorf("acquired after release: %+v, want owner %s and call rtc_1", got, a)
	}
	must(t, s.ReleaseLease(ctx, f.Tenant.ID, v.ID, "inst_nobody"))
	must(t, s.ReleaseLease(ctx, f.Tenant.ID, unique(), a))

	// A handover gives the held lease to another instance, call ID kept,
	// with a fresh expiry: no one else may take it in between, and the
	// new holder's acquire is a renewal. Only the holder hands over.
	handAt := want.ExpiresAt.Add(2 * time.Second)
	must(t, s.HandOverLease(ctx, f.Tenant.ID, v.ID, b, a, handAt, ttl)) // b does not hold it: nothing changes
	stored, err = s.GetLease(ctx, f.Tenant.ID, v.ID)
	must(t, err)
	if stored.Owner != a {
		t.Errorf("a non-holder's handover changed the lease: %+v", stored)
	}
	must(t, s.HandOverLease(ctx, f.Tenant.ID, v.ID, a, b, handAt, ttl))
	stored, err = s.GetLease(ctx, f.Tenant.ID, v.ID)
	must(t, err)
	same(t, "handed over", stored, interview.CallLease{TenantID: f.Tenant.ID, InterviewID: v.ID, Owner: b,
		CallID: "rtc_1", ExpiresAt: handAt.Add(ttl), UpdatedAt: handAt})
	_, err = s.AcquireLease(ctx, interview.CallLease{TenantID: f.Tenant.ID, InterviewID: v.ID, Owner: a}, handAt.Add(time.Second), ttl)
	wantErr(t, "the giver acquires after its handover", err, store.ErrConflict)
	_, err = s.AcquireLease(ctx, interview.CallLease{TenantID: f.Tenant.ID, InterviewID: v.ID, Owner: b}, handAt.Add(time.Second), ttl)
	must(t, err)
	must(t, s.HandOverLease(ctx, f.Tenant.ID, unique(), a, b, handAt, ttl))
}

// testLeaseTenancy: a lease names an interview of its tenant, or it is not
// found.
func testLeaseTenancy(t *testing.T, s store.Store) {
	ctx := t.Context()
	f, g := newTenant(t, s), newTenant(t, s)
	v := driveTo(t, s, f.session(t, s), interview.StatusInProgress)
	_, err := s.AcquireLease(ctx, interview.CallLease{TenantID: g.Tenant.ID, InterviewID: v.ID, Owner: "inst_x"}, at(0), ttl)
	wantErr(t, "acquire in another tenant", err, store.ErrNotFound)
	_, err = s.AcquireLease(ctx, interview.CallLease{TenantID: f.Tenant.ID, InterviewID: unique(), Owner: "inst_x"}, at(0), ttl)
	wantErr(t, "acquire for no interview", err, store.ErrNotFound)
	_, err = s.AcquireLease(ctx, interview.CallLease{TenantID: f.Tenant.ID, InterviewID: v.ID, Owner: "inst_x"}, at(0), ttl)
	must(t, err)
	_, err = s.GetLease(ctx, g.Tenant.ID, v.ID)
	wantErr(t, "get from another tenant", err, store.ErrNotFound)
}

// testLeaseParallel: of many instances acquiring one lease at once, one
// wins and every other gets ErrConflict.
func testLeaseParallel(t *testing.T, s store.Store) {
	f := newTenant(t, s)
	v := driveTo(t, s, f.session(t, s), interview.StatusInProgress)
	const n = 8
	owners := make([]string, n)
	for i := range owners {
		owners[i] = hold(t, s, "inst_"+unique()) // alive: a winner's lease holds
	}
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			_, errs[i] = s.AcquireLease(t.Context(), interview.CallLease{TenantID: f.Tenant.ID, InterviewID: v.ID,
				Owner: owners[i]}, at(0), ttl)
		})
	}
	wg.Wait()
	oneWon(t, "parallel acquires", errs, store.ErrConflict)
}

// testOrphans: the calls no live instance owns are the interviews in
// progress with no lease or an expired one; live leases and interviews
// not in progress are left out.
func testOrphans(t *testing.T, s store.Store) {
	ctx := t.Context()
	f := newTenant(t, s)
	start := func() interview.Session {
		v := f.session(t, s)
		v, err := s.TransitionSession(ctx, f.Tenant.ID, v.ID, interview.StatusReady, "", at(0))
		must(t, err)
		return v
	}
	var started []interview.Session
	for i := range 3 {
		v, err := s.TransitionSession(ctx, f.Tenant.ID, start().ID, interview.StatusInProgress, "", at(3-i)) // newest first
		must(t, err)
		must(t, s.UpdateSessionCall(ctx, f.Tenant.ID, v.ID, interview.CallInfo{CallID: "rtc_own" + v.ID}))
		started = append(started, v)
	}
	none, expired, live := started[0], started[1], started[2]
	ended := driveTo(t, s, f.session(t, s), interview.StatusCompleted)
	pending := f.session(t, s)
	acquire := func(v interview.Session, owner, call string, from time.Time) {
		_, err := s.AcquireLease(ctx, interview.CallLease{TenantID: f.Tenant.ID, InterviewID: v.ID, Owner: owner, CallID: call}, from, ttl)
		must(t, err)
	}
	acquire(expired, "inst_dead", "rtc_leased", at(10))
	acquire(live, hold(t, s, "inst_live"+unique()), "", at(10).Add(10*time.Second))
	acquire(ended, "inst_dead", "", at(0))
	acquire(pending, "inst_dead", "", at(0))

	now := at(10).Add(ttl) // expired's lease ends now; live's holds
	got, err := s.ListOrphans(ctx, f.Tenant.ID, now)
	must(t, err)
	want := []interview.CallLease{
		{TenantID: f.Tenant.ID, InterviewID: expired.ID, Owner: "inst_dead", CallID: "rtc_leased",
			ExpiresAt: now, UpdatedAt: at(10)},
		{TenantID: f.Tenant.ID, InterviewID: none.ID, CallID: "rtc_own" + none.ID},
	}
	same(t, "orphans, oldest start first", got, want)
	all, err := s.ListOrphans(ctx, "", now)
	must(t, err)
	var ours []interview.CallLease
	for _, l := range all {
		if l.TenantID == f.Tenant.ID {
			ours = append(ours, l)
		}
	}
	same(t, "orphans of every tenant", ours, want)
	later, err := s.ListOrphans(ctx, f.Tenant.ID, now.Add(10*time.Second))
	must(t, err)
	same(t, "orphans once the live lease expired", ids(later, func(l interview.CallLease) string { return l.InterviewID }),
		[]string{live.ID, expired.ID, none.ID})
}

// testInstances: heartbeats create and refresh rows, keeping the start
// and the host; removal is idempotent.
func testInstances(t *testing.T, s store.Store) {
	ctx := t.Context()
	a := interview.Instance{ID: "inst_" + unique(), Host: "one", StartedAt: at(0), HeartbeatAt: at(0)}
	b := interview.Instance{ID: "inst_" + unique(), Host: "two", StartedAt: noisy(at(1)), HeartbeatAt: at(1)}
	must(t, s.Heartbeat(ctx, b))
	must(t, s.Heartbeat(ctx, a))
	must(t, s.Heartbeat(ctx, interview.Instance{ID: a.ID, Host: "renamed", StartedAt: at(5), HeartbeatAt: noisy(at(2)), Draining: true}))
	a.HeartbeatAt, a.Draining = at(2), true
	b.StartedAt = at(1)
	list, err := s.ListInstances(ctx)
	must(t, err)
	same(t, "instances, oldest start first", pick(list, a.ID, b.ID), []interview.Instance{a, b})
	must(t, s.RemoveInstance(ctx, a.ID))
	must(t, s.RemoveInstance(ctx, a.ID))
	list, err = s.ListInstances(ctx)
	must(t, err)
	same(t, "instances after a removal", pick(list, a.ID, b.ID), []interview.Instance{b})
	fresh := interview.Instance{ID: "inst_" + unique()}
	must(t, s.Heartbeat(ctx, fresh))
	list, err = s.ListInstances(ctx)
	must(t, err)
	if got := pick(list, fresh.ID); len(got) != 1 || got[0].HeartbeatAt.IsZero() || !got[0].StartedAt.Equal(got[0].HeartbeatAt) {
		t.Errorf("a heartbeat without times: %+v, want both set to now", got)
	}
}

// pick keeps the instances with the given IDs, in list order: the suite
// may share its database with other runs.
func pick(list []interview.Instance, idList ...string) []interview.Instance {
	out := []interview.Instance{}
	for _, v := range list {
		for _, id := range idList {
			if v.ID == id {
				out = append(out, v)
			}
		}
	}
	return out
}

// hold declares instance id alive for the rest of the test and returns id.
func hold(t *testing.T, s store.Store, id string) string {
	t.Helper()
	release, err := s.HoldInstance(t.Context(), id)
	must(t, err)
	t.Cleanup(release)
	return id
}

// testLeaseDeadOwner: on PostgreSQL the lease of an instance that died
// (its lock's connection closed) is free at once, long before its expiry,
// for a store on another connection; while it lives it is refused. On
// SQLite (one process, one store) it is held until it expires. An empty
// instance ID is refused.
func testLeaseDeadOwner(t *testing.T, a, b store.Store) {
	ctx := t.Context()
	f := newTenant(t, a)
	v := driveTo(t, a, f.session(t, a), interview.StatusInProgress)
	_, err := a.HoldInstance(ctx, "")
	wantErr(t, "hold an instance without an ID", err, store.ErrInvalid)
	dead := "inst_dead" + unique()
	release, err := a.HoldInstance(ctx, dead)
	must(t, err)
	defer release()
	heir := hold(t, b, "inst_heir"+unique())
	_, err = a.AcquireLease(ctx, interview.CallLease{TenantID: f.Tenant.ID, InterviewID: v.ID, Owner: dead, CallID: "rtc_1"}, at(0), ttl)
	must(t, err)
	now := at(0).Add(time.Second) // the lease holds for 14 s more
	take := func() (interview.CallLease, error) {
		return b.AcquireLease(ctx, interview.CallLease{TenantID: f.Tenant.ID, InterviewID: v.ID, Owner: heir}, now, ttl)
	}
	_, err = take()
	wantErr(t, "take the lease of a live owner", err, store.ErrConflict)
	if orphaned(t, b, f.Tenant.ID, v.ID, now) {
		t.Error("a live owner's lease is listed as orphaned")
	}
	release() // the process dies: its lock's connection closes
	if a == b {
		_, err = take()
		wantErr(t, "take a lease of the same process before its expiry", err, store.ErrConflict)
		now = at(0).Add(ttl)
	} else {
		deadline := time.Now().Add(5 * time.Second)
		for !orphaned(t, b, f.Tenant.ID, v.ID, now) && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond) // the server ends the closed connection's backend
		}
	}
	got, err := take()
	must(t, err)
	if got.Owner != heir || got.CallID != "rtc_1" {
		t.Errorf("taken: %+v, want owner %s and call rtc_1", got, heir)
	}
}

// orphaned reports whether ListOrphans lists the interview at now.
func orphaned(t *testing.T, s store.Store, tenantID, interviewID string, now time.Time) bool {
	t.Helper()
	list, err := s.ListOrphans(t.Context(), tenantID, now)
	must(t, err)
	for _, l := range list {
		if l.InterviewID == interviewID {
			return true
		}
	}
	return false
}
