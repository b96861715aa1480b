package storetest

import (
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

func testIdempotency(t *testing.T, s store.Store) {
	ctx := t.Context()
	f := newTenant(t, s)
	req := interview.IdempotentRequest{TenantID: f.Tenant.ID, Key: "key-" + unique(), Fingerprint: "fp-1",
		Status: 201, Body: []byte("ignored"), CreatedAt: noisy(at(0))}
	got, err := s.ReserveIdempotencyKey(ctx, &req)
	must(t, err)
	want := interview.IdempotentRequest{TenantID: f.Tenant.ID, Key: req.Key, Fingerprint: "fp-1", CreatedAt: at(0)}
	same(t, "reserved", got, want)
	same(t, "caller's copy", req, want)
	t.Run("taken", func(t *testing.T) {
		again := interview.IdempotentRequest{TenantID: f.Tenant.ID, Key: req.Key, Fingerprint: "fp-2"}
		got, err := s.ReserveIdempotencyKey(ctx, &again)
		wantErr(t, "reserve again", err, store.ErrConflict)
		same(t, "stored record", got, want)
	})
	t.Run("complete", func(t *testing.T) {
		body := []byte{'{', 0, 0xff, '}'}
		must(t, s.CompleteIdempotencyKey(ctx, f.Tenant.ID, req.Key, 201, body))
		got, err := s.ReserveIdempotencyKey(ctx, &interview.IdempotentRequest{TenantID: f.Tenant.ID, Key: req.Key})
		wantErr(t, "reserve completed", err, store.ErrConflict)
		done := want
		done.Status, done.Body = 201, body
		same(t, "completed record", got, done)
		wantErr(t, "bad status", s.CompleteIdempotencyKey(ctx, f.Tenant.ID, req.Key, 42, nil), interview.ErrInvalid)
	})
	t.Run("complete empty body", func(t *testing.T) {
		r := interview.IdempotentRequest{TenantID: f.Tenant.ID, Key: unique(), CreatedAt: at(1)}
		_, err := s.ReserveIdempotencyKey(ctx, &r)
		must(t, err)
		must(t, s.CompleteIdempotencyKey(ctx, f.Tenant.ID, r.Key, 204, nil))
		got, err := s.ReserveIdempotencyKey(ctx, &interview.IdempotentRequest{TenantID: f.Tenant.ID, Key: r.Key})
		wantErr(t, "reserve", err, store.ErrConflict)
		same(t, "record", got, interview.IdempotentRequest{TenantID: f.Tenant.ID, Key: r.Key, Status: 204, CreatedAt: at(1)})
	})
	t.Run("release", func(t *testing.T) {
		must(t, s.ReleaseIdempotencyKey(ctx, f.Tenant.ID, req.Key))
		wantErr(t, "release again", s.ReleaseIdempotencyKey(ctx, f.Tenant.ID, req.Key), store.ErrNotFound)
		retry := interview.IdempotentRequest{TenantID: f.Tenant.ID, Key: req.Key, Fingerprint: "fp-3", CreatedAt: at(2)}
		got, err := s.ReserveIdempotencyKey(ctx, &retry)
		must(t, err)
		same(t, "reserved after release", got.Fingerprint, "fp-3")
	})
	t.Run("invalid key", func(t *testing.T) {
		for _, key := range []string{"", strings.Repeat("k", 256)} {
			_, err := s.ReserveIdempotencyKey(ctx, &interview.IdempotentRequest{TenantID: f.Tenant.ID, Key: key})
			wantErr(t, "reserve", err, interview.ErrInvalid)
		}
	})
	t.Run("concurrent", func(t *testing.T) { testReserveConcurrent(t, s, f) })
}

// testReserveConcurrent reserves one key from several goroutines at once:
// exactly one wins, and every loser is handed the winner's record.
func testReserveConcurrent(t *testing.T, s store.Store, f fixture) {
	const n = 8
	key := unique()
	got := make([]interview.IdempotentRequest, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			r := interview.IdempotentRequest{TenantID: f.Tenant.ID, Key: key, Fingerprint: string(rune('a' + i)), CreatedAt: at(i)}
			got[i], errs[i] = s.ReserveIdempotencyKey(t.Context(), &r)
		})
	}
	wg.Wait()
	winner := -1
	for i, err := range errs {
		switch {
		case err == nil && winner >= 0:
			t.Errorf("reservations %d and %d both won", winner, i)
		case err == nil:
			winner = i
		case !errors.Is(err, store.ErrConflict):
			t.Errorf("reservation %d: %v, want nil or ErrConflict", i, err)
		}
	}
	if winner < 0 {
		t.Fatal("no reservation won")
	}
	for i := range n {
		same(t, "record", got[i], got[winner])
	}
}
