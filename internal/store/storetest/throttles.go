package storetest

import (
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/interviewd/interviewd/internal/store"
)

// testThrottles: failures count within (at-window, at], per key; a reset
// forgets a key; pruning deletes by age and says how many.
func testThrottles(t *testing.T, s store.Store) {
	ctx := t.Context()
	key, other := "signin:"+unique(), "signin:"+unique()
	window := 10 * time.Minute
	for i, want := range []int{1, 2, 3} {
		n, err := s.AddThrottle(ctx, key, noisy(at(i)), window)
		must(t, err)
		if n != want {
			t.Errorf("failure %d: count %d, want %d", i+1, n, want)
		}
	}
	_, err := s.AddThrottle(ctx, other, at(0), window)
	must(t, err)
	for _, tc := range []struct {
		name string
		at   time.Time
		want int
	}{
		{"all in the window", at(2), 3},
		{"before the last", at(1), 2},
		{"the first just out", at(10), 2}, // (at(0), at(10)]: at(0) is out
		{"all out", at(12), 0},
	} {
		n, err := s.CountThrottle(ctx, key, tc.at, window)
		must(t, err)
		if n != tc.want {
			t.Errorf("%s: count %d, want %d", tc.name, n, tc.want)
		}
	}
	n, err := s.AddThrottle(ctx, key, at(11), window) // at(0) and at(1) are out
	must(t, err)
	if n != 2 {
		t.Errorf("a failure after the window moved: count %d, want 2", n)
	}
	must(t, s.ResetThrottle(ctx, key))
	if n, err := s.CountThrottle(ctx, key, at(11), window); err != nil || n != 0 {
		t.Errorf("after reset: %d, %v; want 0", n, err)
	}
	if n, err := s.CountThrottle(ctx, other, at(0), window); err != nil || n != 1 {
		t.Errorf("another key after reset: %d, %v; want 1", n, err)
	}
	_, err = s.AddThrottle(ctx, key, at(20), window)
	must(t, err)
	_, err = s.AddThrottle(ctx, key, at(21), window)
	must(t, err)
	must(t, s.ReleaseThrottle(ctx, key))
	if n, err := s.CountThrottle(ctx, key, at(21), window); err != nil || n != 1 {
		t.Errorf("after releasing one of two: %d, %v; want 1", n, err)
	}
	if n, err := s.CountThrottle(ctx, key, at(20), window); err != nil || n != 1 {
		t.Errorf("the earlier failure after the release: %d, %v; want it kept", n, err)
	}
	must(t, s.ReleaseThrottle(ctx, "signin:"+unique())) // none: no error
	// An add whose caller read an earlier time than a parallel one that
	// was recorded first still counts it.
	late := "signin:" + unique()
	_, err = s.AddThrottle(ctx, late, at(5), window)
	must(t, err)
	if n, err := s.AddThrottle(ctx, late, at(4), window); err != nil || n != 2 {
		t.Errorf("an add with an earlier time: %d, %v; want 2", n, err)
	}
	// Pruning is global: count only what this test wrote far in the past.
	old := "signin:" + unique()
	for i := range 2 {
		_, err := s.AddThrottle(ctx, old, at(-100000-i), window)
		must(t, err)
	}
	pruned, err := s.PruneThrottles(ctx, at(-100000))
	must(t, err)
	if pruned < 2 {
		t.Errorf("pruned %d, want at least this test's 2", pruned)
	}
	if n, err := s.CountThrottle(ctx, old, at(-100000), time.Hour); err != nil || n != 0 {
		t.Errorf("after pruning: %d, %v; want 0", n, err)
	}
	if n, err := s.CountThrottle(ctx, other, at(0), window); err != nil || n != 1 {
		t.Errorf("a newer failure after pruning: %d, %v; want 1", n, err)
	}
}

// testThrottleParallel: parallel failures of one key are counted one after
// the other, so that a limit holds under concurrency.
func testThrottleParallel(t *testing.T, s store.Store) {
	key := "signin:" + unique()
	const n = 10
	counts := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			var err error
			counts[i], err = s.AddThrottle(t.Context(), key, at(0), time.Hour)
			if err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	slices.Sort(counts)
	for i, c := range counts {
		if c != i+1 {
			t.Fatalf("parallel counts %v, want 1 to %d once each", counts, n)
		}
	}
}
