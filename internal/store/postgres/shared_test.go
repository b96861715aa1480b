package postgres

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
	"github.com/interviewd/interviewd/internal/store/storetest"
)

// A listener whose connection is killed (pg_terminate_backend) reconnects,
// delivers "" once (re-read: payloads may have been missed), and then
// delivers what is sent after it listens again.
func TestListenReconnects(t *testing.T) {
	t.Parallel()
	onEachServer(t, func(t *testing.T, srv server) {
		url := srv.newDB(t)
		a, b := openURL(t, url), openURL(t, url)
		ctx := t.Context()
		l, err := b.Listen(ctx, "test_reconnect")
		if err != nil {
			t.Fatal(err)
		}
		if err := a.Notify(ctx, "test_reconnect", "before"); err != nil {
			t.Fatal(err)
		}
		if got := storetest.Receive(t, l); got != "before" {
			t.Fatalf("received %q, want before", got)
		}
		var killed int
		if err := a.pool.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
			WHERE datname = current_database() AND query LIKE 'LISTEN %test_reconnect%'`).Scan(&killed); err != nil || killed != 1 {
			t.Fatalf("killed %d listener connections (%v), want 1", killed, err)
		}
		if got := storetest.Receive(t, l); got != "" {
			t.Fatalf("after the kill received %q, want \"\" (re-read)", got)
		}
		// Listening again: notifications sent from now on arrive.
		deadline := time.Now().Add(20 * time.Second)
		for {
			if err := a.Notify(ctx, "test_reconnect", "after"); err != nil {
				t.Fatal(err)
			}
			if got := storetest.Receive(t, l); got == "after" {
				break
			} else if time.Now().After(deadline) {
				t.Fatalf("received %q, want after", got)
			}
		}
	})
}

// The instances' shared state is the server's: through As every method is
// refused (ErrForbidden), whatever the actor.
func TestSharedStateRefusedThroughAs(t *testing.T) {
	t.Parallel()
	s := servers[0].open(t)
	f := newTenantFixture(t, s, "as-shared")
	as := s.As(store.Actor{UserID: f.owner.ID, Email: f.owner.Email})
	ctx := t.Context()
	now := time.Now()
	calls := map[string]func() error{
		"Heartbeat":      func() error { return as.Heartbeat(ctx, interview.Instance{ID: "inst_x"}) },
		"RemoveInstance": func() error { return as.RemoveInstance(ctx, "inst_x") },
		"ListInstances":  func() error { _, err := as.ListInstances(ctx); return err },
		"HoldInstance":   func() error { _, err := as.HoldInstance(ctx, "inst_x"); return err },
		"AcquireLease": func() error {
			_, err := as.AcquireLease(ctx, interview.CallLease{TenantID: f.tenant.ID, InterviewID: f.started.ID, Owner: "inst_x"}, now, time.Minute)
			return err
		},
		"ReleaseLease": func() error { return as.ReleaseLease(ctx, f.tenant.ID, f.started.ID, "inst_x") },
		"HandOverLease": func() error {
			return as.HandOverLease(ctx, f.tenant.ID, f.started.ID, "inst_x", "inst_y", time.Now(), time.Minute)
		},
		"GetLease":        func() error { _, err := as.GetLease(ctx, f.tenant.ID, f.started.ID); return err },
		"ListOrphans":     func() error { _, err := as.ListOrphans(ctx, f.tenant.ID, now); return err },
		"TryLock":         func() error { _, _, err := as.TryLock(ctx, "janitor"); return err },
		"AddThrottle":     func() error { _, err := as.AddThrottle(ctx, "k", now, time.Minute); return err },
		"CountThrottle":   func() error { _, err := as.CountThrottle(ctx, "k", now, time.Minute); return err },
		"ResetThrottle":   func() error { return as.ResetThrottle(ctx, "k") },
		"ReleaseThrottle": func() error { return as.ReleaseThrottle(ctx, "k") },
		"PruneThrottles":  func() error { _, err := as.PruneThrottles(ctx, now); return err },
		"SpendRTCToken":   func() error { return as.SpendRTCToken(ctx, "rtc_x", now) },
		"PruneRTCTokens":  func() error { _, err := as.PruneRTCTokens(ctx, now); return err },
		"Notify":          func() error { return as.Notify(ctx, "test_as", "x") },
		"Listen": func() error {
			lctx, cancel := context.WithCancel(ctx)
			defer cancel()
			_, err := as.Listen(lctx, "test_as")
			return err
		},
	}
	for name, call := range calls {
		if err := call(); !errors.Is(err, interview.ErrForbidden) {
			t.Errorf("%s through As: %v, want ErrForbidden", name, err)
		}
	}
	if _, err := s.GetLease(ctx, f.tenant.ID, f.started.ID); err != nil {
		t.Errorf("the fixture's lease on the privileged path: %v", err)
	}
}
