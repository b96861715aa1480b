package storetest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

// The sender's methods see every tenant's deliveries, so on a shared
// database these tests keep to their own tenants' deliveries (claimMine)
// and disable their endpoints when they end, which fails what is left
// pending, so that a later run finds nothing of theirs due.
func testWebhooks(t *testing.T, s store.Store) {
	t.Run("endpoints", func(t *testing.T) { testWebhookEndpoints(t, s) })
	t.Run("outbox", func(t *testing.T) { testWebhookOutbox(t, s) })
	t.Run("claim", func(t *testing.T) { testWebhookClaim(t, s) })
	t.Run("attempts", func(t *testing.T) { testWebhookAttempts(t, s) })
	t.Run("concurrent claims", func(t *testing.T) { testWebhookConcurrentClaims(t, s) })
	t.Run("retention", func(t *testing.T) { testWebhookRetention(t, s) })
}

// newEndpoint stores an active endpoint of tenantID subscribed to events
// (none: all), disabled when the test ends.
func newEndpoint(t *testing.T, s store.Store, tenantID string, events ...string) interview.WebhookEndpoint {
	t.Helper()
	e := interview.WebhookEndpoint{TenantID: tenantID, URL: "https://hooks.example.com/" + unique(),
		Events: events, Secret: "whsec_" + unique()}
	must(t, s.CreateWebhookEndpoint(t.Context(), &e))
	t.Cleanup(func() {
		// t.Context() has ended by now.
		if err := s.DisableWebhookEndpoint(context.Background(), tenantID, e.ID, at(0)); err != nil {
			t.Errorf("disable endpoint %s: %v", e.ID, err)
		}
	})
	return e
}

// move transitions an interview at at(n), given with noise.
func move(t *testing.T, s store.Store, v interview.Session, to interview.Status, n int) {
	t.Helper()
	_, err := s.TransitionSession(t.Context(), v.TenantID, v.ID, to, "test", noisy(at(n)))
	must(t, err)
}

// deliveries lists an endpoint's deliveries, newest first.
func deliveries(t *testing.T, s store.Store, tenantID, endpointID string) []interview.WebhookDelivery {
	t.Helper()
	list, err := s.ListWebhookDeliveries(t.Context(), tenantID, endpointID, 0)
	must(t, err)
	return list
}

// claimMine claims what is due at now and keeps the deliveries of tenantID.
func claimMine(t *testing.T, s store.Store, tenantID string, now time.Time, lease time.Duration) []interview.WebhookDelivery {
	t.Helper()
	got, err := s.ClaimWebhookDeliveries(t.Context(), now, lease, store.MaxListLimit)
	must(t, err)
	mine := []interview.WebhookDelivery{}
	for _, d := range got {
		if d.TenantID == tenantID {
			mine = append(mine, d)
		}
	}
	return mine
}

func testWebhookEndpoints(t *testing.T, s store.Store) {
	ctx := t.Context()
	f, g := newTenant(t, s), newTenant(t, s)
	all := interview.WebhookEndpoint{TenantID: f.Tenant.ID, URL: "https://hooks.example.com/all",
		Description: "everything", Events: []string{}, Secret: "whsec_" + unique(),
		CreatedBy: f.Owner.ID, CreatedAt: noisy(at(1))}
	must(t, s.CreateWebhookEndpoint(ctx, &all))
	some := interview.WebhookEndpoint{TenantID: f.Tenant.ID, URL: "https://hooks.example.com/some",
		Events:    []string{interview.EventInterviewCompleted, interview.EventInterviewFailed},
		Secret:    "whsec_" + unique(),
		CreatedAt: at(2)}
	must(t, s.CreateWebhookEndpoint(ctx, &some))
	if all.ID == "" || all.ID == some.ID {
		t.Fatalf("IDs %q and %q", all.ID, some.ID)
	}
	same(t, "created at", all.CreatedAt, at(1))
	same(t, "empty events", all.Events, []string(nil))
	got, err := s.ListWebhookEndpoints(ctx, f.Tenant.ID)
	must(t, err)
	same(t, "endpoints, newest first", got, []interview.WebhookEndpoint{some, all})

	for name, e := range map[string]interview.WebhookEndpoint{
		"no URL":        {TenantID: f.Tenant.ID, Secret: "whsec_x"},
		"no secret":     {TenantID: f.Tenant.ID, URL: "https://hooks.example.com/"},
		"unknown event": {TenantID: f.Tenant.ID, URL: "https://hooks.example.com/", Secret: "whsec_x", Events: []string{"interview.created"}},
	} {
		wantErr(t, name, s.CreateWebhookEndpoint(ctx, &e), store.ErrInvalid)
	}
	wantErr(t, "unknown tenant", s.CreateWebhookEndpoint(ctx, &interview.WebhookEndpoint{
		TenantID: unique(), URL: "https://hooks.example.com/", Secret: "whsec_x"}), store.ErrNotFound)

	must(t, s.DisableWebhookEndpoint(ctx, f.Tenant.ID, all.ID, noisy(at(5))))
	must(t, s.DisableWebhookEndpoint(ctx, f.Tenant.ID, all.ID, at(6)))
	all.DisabledAt = ptr(at(5))
	got, err = s.ListWebhookEndpoints(ctx, f.Tenant.ID)
	must(t, err)
	same(t, "after disabling twice", got, []interview.WebhookEndpoint{some, all})

	wantErr(t, "disable another tenant's", s.DisableWebhookEndpoint(ctx, g.Tenant.ID, some.ID, at(7)), store.ErrNotFound)
	wantErr(t, "disable unknown", s.DisableWebhookEndpoint(ctx, f.Tenant.ID, unique(), at(7)), store.ErrNotFound)
	got, err = s.ListWebhookEndpoints(ctx, g.Tenant.ID)
	must(t, err)
	same(t, "other tenant's endpoints", got, []interview.WebhookEndpoint{})
	same(t, "other tenant's deliveries", deliveries(t, s, g.Tenant.ID, some.ID), []interview.WebhookDelivery{})
	must(t, s.DisableWebhookEndpoint(ctx, f.Tenant.ID, some.ID, at(8)))
}

// testWebhookOutbox checks what status changes write: one delivery per
// active, subscribed endpoint of the interview's tenant, due at once.
func testWebhookOutbox(t *testing.T, s store.Store) {
	f, g := newTenant(t, s), newTenant(t, s)
	all := newEndpoint(t, s, f.Tenant.ID)
	done := newEndpoint(t, s, f.Tenant.ID, interview.EventInterviewCompleted)
	off := newEndpoint(t, s, f.Tenant.ID)
	must(t, s.DisableWebhookEndpoint(t.Context(), f.Tenant.ID, off.ID, at(0)))
	theirs := newEndpoint(t, s, g.Tenant.ID)

	v, w, x := f.session(t, s), f.session(t, s), f.session(t, s)
	move(t, s, v, interview.StatusReady, 1) // no event
	move(t, s, v, interview.StatusInProgress, 2)
	move(t, s, v, interview.StatusInProgress, 3) // already in progress: nothing
	move(t, s, v, interview.StatusCompleted, 4)
	move(t, s, v, interview.StatusCompleted, 5)
	move(t, s, w, interview.StatusAbandoned, 6)
	move(t, s, x, interview.StatusReady, 7)
	move(t, s, x, interview.StatusInProgress, 8)
	move(t, s, x, interview.StatusFailed, 9)

	want := func(e interview.WebhookEndpoint, v interview.Session, event string, n int) interview.WebhookDelivery {
		return interview.WebhookDelivery{TenantID: f.Tenant.ID, EndpointID: e.ID, Event: event,
			InterviewID: v.ID, Status: interview.DeliveryPending, NextAttempt: at(n), CreatedAt: at(n)}
	}
	got := deliveries(t, s, f.Tenant.ID, all.ID)
	seen := map[string]bool{}
	for i := range got {
		if got[i].ID == "" || seen[got[i].ID] {
			t.Errorf("delivery ID %q is empty or repeated", got[i].ID)
		}
		seen[got[i].ID] = true
		got[i].ID = ""
	}
	same(t, "all events, newest first", got, []interview.WebhookDelivery{
		want(all, x, interview.EventInterviewFailed, 9), want(all, x, interview.EventInterviewStarted, 8),
		want(all, w, interview.EventInterviewAbandoned, 6), want(all, v, interview.EventInterviewCompleted, 4),
		want(all, v, interview.EventInterviewStarted, 2)})
	got = deliveries(t, s, f.Tenant.ID, done.ID)
	if len(got) == 1 {
		got[0].ID = ""
	}
	same(t, "completed only", got, []interview.WebhookDelivery{want(done, v, interview.EventInterviewCompleted, 4)})
	same(t, "disabled endpoint", deliveries(t, s, f.Tenant.ID, off.ID), []interview.WebhookDelivery{})
	same(t, "other tenant's endpoint", deliveries(t, s, g.Tenant.ID, theirs.ID), []interview.WebhookDelivery{})
	same(t, "through the other tenant", deliveries(t, s, g.Tenant.ID, all.ID), []interview.WebhookDelivery{})

	list, err := s.ListWebhookDeliveries(t.Context(), f.Tenant.ID, all.ID, 2)
	must(t, err)
	same(t, "limit 2", ids(list, deliveryID), ids(deliveries(t, s, f.Tenant.ID, all.ID)[:2], deliveryID))

	must(t, s.DisableWebhookEndpoint(t.Context(), f.Tenant.ID, all.ID, at(10)))
	for _, d := range deliveries(t, s, f.Tenant.ID, all.ID) {
		if d.Status != interview.DeliveryFailed || d.LastError != "endpoint disabled" || d.Attempts != 0 {
			t.Errorf("after disabling its endpoint: %+v; want failed, endpoint disabled", d)
		}
	}
}

func deliveryID(d interview.WebhookDelivery) string { return d.ID }

// testWebhookClaim checks that a claim returns what is due with its
// endpoint's URL and secret, and leases it.
func testWebhookClaim(t *testing.T, s store.Store) {
	f := newTenant(t, s)
	e := newEndpoint(t, s, f.Tenant.ID)
	v := f.session(t, s)
	move(t, s, v, interview.StatusReady, 10)
	move(t, s, v, interview.StatusInProgress, 11)
	move(t, s, v, interview.StatusCompleted, 12)
	list := deliveries(t, s, f.Tenant.ID, e.ID)
	if len(list) != 2 {
		t.Fatalf("deliveries: %+v", list)
	}
	completed, started := list[0], list[1]
	leased := func(d interview.WebhookDelivery, until int) interview.WebhookDelivery {
		d.NextAttempt, d.URL, d.Secret = at(until), e.URL, e.Secret
		return d
	}
	const lease = 5 * time.Minute
	same(t, "due at 11", claimMine(t, s, f.Tenant.ID, noisy(at(11)), lease), []interview.WebhookDelivery{leased(started, 16)})
	same(t, "again at 11", claimMine(t, s, f.Tenant.ID, at(11), lease), []interview.WebhookDelivery{})
	same(t, "due at 12", claimMine(t, s, f.Tenant.ID, at(12), lease), []interview.WebhookDelivery{leased(completed, 17)})
	same(t, "lease over at 16", claimMine(t, s, f.Tenant.ID, at(16), lease), []interview.WebhookDelivery{leased(started, 21)})
	started.NextAttempt, completed.NextAttempt = at(21), at(17)
	same(t, "stored", deliveries(t, s, f.Tenant.ID, e.ID), []interview.WebhookDelivery{completed, started})
}

// testWebhookAttempts checks the three outcomes of an attempt.
func testWebhookAttempts(t *testing.T, s store.Store) {
	ctx := t.Context()
	f, g := newTenant(t, s), newTenant(t, s)
	e := newEndpoint(t, s, f.Tenant.ID)
	v, w := f.session(t, s), f.session(t, s)
	move(t, s, v, interview.StatusReady, 20)
	move(t, s, v, interview.StatusInProgress, 21)
	move(t, s, v, interview.StatusCompleted, 22)
	move(t, s, w, interview.StatusAbandoned, 23)
	list := deliveries(t, s, f.Tenant.ID, e.ID)
	if len(list) != 3 {
		t.Fatalf("deliveries: %+v", list)
	}
	abandoned, completed, started := list[0], list[1], list[2]

	must(t, s.RecordWebhookAttempt(ctx, f.Tenant.ID, started.ID,
		interview.WebhookAttempt{At: noisy(at(30)), Code: 204, Delivered: true}))
	must(t, s.RecordWebhookAttempt(ctx, f.Tenant.ID, completed.ID,
		interview.WebhookAttempt{At: at(30), Code: 503, Error: "HTTP 503", Retry: noisy(at(40))}))
	must(t, s.RecordWebhookAttempt(ctx, f.Tenant.ID, abandoned.ID,
		interview.WebhookAttempt{At: at(30), Error: "connection refused"}))
	started.Status, started.Attempts, started.LastCode, started.DeliveredAt = interview.DeliveryDelivered, 1, 204, ptr(at(30))
	completed.Attempts, completed.LastCode, completed.LastError, completed.NextAttempt = 1, 503, "HTTP 503", at(40)
	abandoned.Status, abandoned.Attempts, abandoned.LastError = interview.DeliveryFailed, 1, "connection refused"
	same(t, "after one attempt each", deliveries(t, s, f.Tenant.ID, e.ID),
		[]interview.WebhookDelivery{abandoned, completed, started})

	same(t, "retry not yet due", claimMine(t, s, f.Tenant.ID, at(39), time.Minute), []interview.WebhookDelivery{})
	if got := claimMine(t, s, f.Tenant.ID, at(40), time.Minute); len(got) != 1 || got[0].ID != completed.ID {
		t.Errorf("retry due at 40: %+v", got)
	}
	must(t, s.RecordWebhookAttempt(ctx, f.Tenant.ID, completed.ID,
		interview.WebhookAttempt{At: at(45), Code: 204, Delivered: true}))
	completed.Status, completed.Attempts, completed.LastCode, completed.LastError = interview.DeliveryDelivered, 2, 204, ""
	completed.NextAttempt, completed.DeliveredAt = at(41), ptr(at(45)) // NextAttempt: the claim's lease
	same(t, "retried and delivered", deliveries(t, s, f.Tenant.ID, e.ID)[1], completed)

	wantErr(t, "attempt at a delivered one", s.RecordWebhookAttempt(ctx, f.Tenant.ID, started.ID,
		interview.WebhookAttempt{At: at(42), Delivered: true}), store.ErrConflict)
	wantErr(t, "attempt at a failed one", s.RecordWebhookAttempt(ctx, f.Tenant.ID, abandoned.ID,
		interview.WebhookAttempt{At: at(42), Delivered: true}), store.ErrConflict)
	wantErr(t, "attempt through another tenant", s.RecordWebhookAttempt(ctx, g.Tenant.ID, abandoned.ID,
		interview.WebhookAttempt{At: at(42), Delivered: true}), store.ErrNotFound)
	wantErr(t, "attempt at an unknown one", s.RecordWebhookAttempt(ctx, f.Tenant.ID, unique(),
		interview.WebhookAttempt{At: at(42), Delivered: true}), store.ErrNotFound)
}

// testWebhookConcurrentClaims runs senders side by side: each delivery is
// claimed by exactly one of them.
func testWebhookConcurrentClaims(t *testing.T, s store.Store) {
	const interviews, senders = 6, 4
	f := newTenant(t, s)
	newEndpoint(t, s, f.Tenant.ID)
	for range interviews {
		v := f.session(t, s)
		move(t, s, v, interview.StatusReady, 60)
		move(t, s, v, interview.StatusInProgress, 61)
		move(t, s, v, interview.StatusCompleted, 62)
	}
	var (
		mu      sync.Mutex
		claimed = map[string]int{}
		wg      sync.WaitGroup
	)
	for range senders {
		wg.Go(func() {
			for {
				got, err := s.ClaimWebhookDeliveries(t.Context(), at(70), time.Hour, 2)
				if err != nil || len(got) == 0 {
					if err != nil {
						t.Error(err)
					}
					return
				}
				mu.Lock()
				for _, d := range got {
					if d.TenantID == f.Tenant.ID {
						claimed[d.ID]++
					}
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(claimed) != 2*interviews {
		t.Errorf("claimed %d deliveries, want %d", len(claimed), 2*interviews)
	}
	for id, n := range claimed {
		if n != 1 {
			t.Errorf("delivery %s claimed %d times", id, n)
		}
	}
}

// testWebhookRetention: the janitor's delete takes finished deliveries
// older than the cut-off and keeps pending ones. Its rows are dated 2001,
// long before any other test's, so a shared database loses nothing else.
func testWebhookRetention(t *testing.T, s store.Store) {
	ctx := t.Context()
	day := func(d int) time.Time { return time.Date(2001, time.January, d, 12, 0, 0, 0, time.UTC) }
	f := newTenant(t, s)
	e := newEndpoint(t, s, f.Tenant.ID)
	v, w := f.session(t, s), f.session(t, s)
	for i, to := range []interview.Status{interview.StatusReady, interview.StatusInProgress, interview.StatusCompleted} {
		_, err := s.TransitionSession(ctx, f.Tenant.ID, v.ID, to, "test", day(i+1))
		must(t, err)
	}
	_, err := s.TransitionSession(ctx, f.Tenant.ID, w.ID, interview.StatusAbandoned, "test", day(4))
	must(t, err)
	list := deliveries(t, s, f.Tenant.ID, e.ID)
	if len(list) != 3 {
		t.Fatalf("deliveries: %+v", list)
	}
	abandoned, completed, started := list[0], list[1], list[2]
	must(t, s.RecordWebhookAttempt(ctx, f.Tenant.ID, started.ID, interview.WebhookAttempt{At: day(5), Code: 200, Delivered: true}))
	must(t, s.RecordWebhookAttempt(ctx, f.Tenant.ID, abandoned.ID, interview.WebhookAttempt{At: day(5), Error: "gave up"}))

	n, err := s.DeleteWebhookDeliveries(ctx, day(3)) // only the started one (day 2) is older
	must(t, err)
	if n < 1 {
		t.Errorf("deleted %d, want the delivered one created on day 2", n)
	}
	if got := deliveries(t, s, f.Tenant.ID, e.ID); len(got) != 2 || got[0].ID != abandoned.ID || got[1].ID != completed.ID {
		t.Errorf("after the first cut-off: %+v", got)
	}
	_, err = s.DeleteWebhookDeliveries(ctx, day(10))
	must(t, err)
	got := deliveries(t, s, f.Tenant.ID, e.ID)
	if len(got) != 1 || got[0].ID != completed.ID || got[0].Status != interview.DeliveryPending {
		t.Errorf("a pending delivery must stay, whatever its age: %+v", got)
	}
}
