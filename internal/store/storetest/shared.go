package storetest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/interviewd/interviewd/internal/store"
)

// RunShared runs the tests of state shared between instances: pair
// returns two stores opened separately on one database, as two instances
// would (SQLite, single-process, may return one store twice).
func RunShared(t *testing.T, pair func(t *testing.T) (store.Store, store.Store)) {
	tests := []struct {
		name string
		fn   func(t *testing.T, a, b store.Store)
	}{
		{"TryLock", testTryLock},
		{"Notify", testNotify},
		{"NotifyInvalid", testNotifyInvalid},
		{"RTCTokenShared", testRTCTokenShared},
		{"LeaseDeadOwner", testLeaseDeadOwner},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, b := pair(t)
			tc.fn(t, a, b)
		})
	}
}

// testTryLock: a named lock is held by one store at a time, free again
// after unlock; other names are independent.
func testTryLock(t *testing.T, a, b store.Store) {
	ctx := t.Context()
	name := "lock-" + unique()
	unlock, ok, err := a.TryLock(ctx, name)
	must(t, err)
	if !ok || unlock == nil {
		t.Fatalf("first TryLock: ok %v, unlock %v", ok, unlock != nil)
	}
	for i, s := range []store.Store{a, b} {
		again, ok, err := s.TryLock(ctx, name)
		must(t, err)
		if ok || again != nil {
			t.Errorf("store %d took a lock held: ok %v", i, ok)
		}
	}
	other, ok, err := b.TryLock(ctx, name+"-other")
	must(t, err)
	if !ok {
		t.Error("another name was refused")
	} else {
		other()
	}
	unlock()
	unlock() // twice is harmless
	relock, ok, err := b.TryLock(ctx, name)
	must(t, err)
	if !ok {
		t.Fatal("the lock is not free after unlock")
	}
	relock()
	_, _, err = a.TryLock(ctx, "")
	wantErr(t, "TryLock without a name", err, store.ErrInvalid)
}

// testNotify: a payload reaches the listeners of both stores, in order,
// and not the listeners of another channel; a listener's channel closes
// when its context ends.
func testNotify(t *testing.T, a, b store.Store) {
	ctx := t.Context()
	channel := "test_" + strings.ReplaceAll(unique(), "-", "_")
	la, err := a.Listen(ctx, channel)
	must(t, err)
	lb, err := b.Listen(ctx, channel)
	must(t, err)
	otherCtx, stopOther := context.WithCancel(ctx)
	lo, err := b.Listen(otherCtx, channel+"_other")
	must(t, err)
	for _, p := range []string{"one", "two", strings.Repeat("x", store.MaxNotifyPayload)} {
		must(t, a.Notify(ctx, channel, p))
	}
	for name, l := range map[string]<-chan string{"same store": la, "other store": lb} {
		for _, want := range []string{"one", "two", strings.Repeat("x", store.MaxNotifyPayload)} {
			if got := Receive(t, l); got != want {
				t.Errorf("%s received %.20q, want %.20q", name, got, want)
			}
		}
	}
	stopOther()
	for p := range lo { // closes once its context ended; nothing was sent on it
		t.Errorf("the other channel's listener received %q", p)
	}
}

// testNotifyInvalid: bad channel names and oversized payloads are refused.
func testNotifyInvalid(t *testing.T, a, _ store.Store) {
	ctx := t.Context()
	for _, ch := range []string{"", "Upper", "1digit", "has-dash", "quote\"d", strings.Repeat("c", 64)} {
		wantErr(t, "notify on "+ch, a.Notify(ctx, ch, "x"), store.ErrInvalid)
		_, err := a.Listen(ctx, ch)
		wantErr(t, "listen on "+ch, err, store.ErrInvalid)
	}
	wantErr(t, "oversized payload", a.Notify(ctx, "test_big", strings.Repeat("x", store.MaxNotifyPayload+1)), store.ErrInvalid)
}

// Receive waits for one payload on a listener's channel, failing the test
// after a generous time (the machine may be loaded) or if it closes.
func Receive(t *testing.T, l <-chan string) string {
	t.Helper()
	select {
	case p, ok := <-l:
		if !ok {
			t.Fatal("the listener closed")
		}
		return p
	case <-time.After(10 * time.Second):
		t.Fatal("no payload within 10 s")
	}
	return ""
}
