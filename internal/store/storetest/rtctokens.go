package storetest

import (
	"sync"
	"testing"
	"time"

	"github.com/interviewd/interviewd/internal/store"
)

// testRTCTokens: a token is spent once; pruning deletes the records that
// expired at or before its time, and says how many.
func testRTCTokens(t *testing.T, s store.Store) {
	ctx := t.Context()
	id, other := "rtc_"+unique(), "rtc_"+unique()
	must(t, s.SpendRTCToken(ctx, id, noisy(at(10))))
	wantErr(t, "second spend", s.SpendRTCToken(ctx, id, at(10)), store.ErrConflict)
	wantErr(t, "spend with another expiry", s.SpendRTCToken(ctx, id, at(20)), store.ErrConflict)
	must(t, s.SpendRTCToken(ctx, other, at(10)))

	// Pruning is global: count only what this test wrote far in the past.
	gone, kept := "rtc_"+unique(), "rtc_"+unique()
	must(t, s.SpendRTCToken(ctx, gone, noisy(at(-100000))))
	must(t, s.SpendRTCToken(ctx, kept, at(-100000).Add(time.Microsecond)))
	pruned, err := s.PruneRTCTokens(ctx, at(-100000))
	must(t, err)
	if pruned < 1 {
		t.Errorf("pruned %d, want at least this test's 1", pruned)
	}
	wantErr(t, "a record expiring after the prune", s.SpendRTCToken(ctx, kept, at(0)), store.ErrConflict)
	wantErr(t, "a newer record after the prune", s.SpendRTCToken(ctx, id, at(0)), store.ErrConflict)
	// A pruned record is forgotten: its token (expired by then) is refused
	// by its verifier, not by the store.
	must(t, s.SpendRTCToken(ctx, gone, at(0)))
}

// testRTCTokenParallel: of parallel spends of one token, exactly one wins.
func testRTCTokenParallel(t *testing.T, s store.Store) {
	id := "rtc_" + unique()
	const n = 10
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { errs[i] = s.SpendRTCToken(t.Context(), id, at(10)) })
	}
	wg.Wait()
	oneWon(t, "parallel spends", errs, store.ErrConflict)
}

// testRTCTokenShared: a token spent through one store is spent for the
// other (another instance) too, whichever spends first.
func testRTCTokenShared(t *testing.T, a, b store.Store) {
	ctx := t.Context()
	for _, pair := range [][2]store.Store{{a, b}, {b, a}} {
		id := "rtc_" + unique()
		must(t, pair[0].SpendRTCToken(ctx, id, at(10)))
		wantErr(t, "the other instance spends", pair[1].SpendRTCToken(ctx, id, at(10)), store.ErrConflict)
	}
}
