package storetest

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

func testTranscript(t *testing.T, s store.Store) {
	ctx := t.Context()
	f := newTenant(t, s)
	v := f.session(t, s)
	first := []interview.TranscriptEntry{entry("item-a", 1), entry("item-b", 2), entry("item-c", 3)}
	first[0].Speaker, first[0].Timestamp = interview.SpeakerInterviewer, noisy(at(1))
	first[1].Confidence, first[1].Source = ptr(0.75), interview.SourceClient
	stored, err := s.AppendTranscript(ctx, f.Tenant.ID, v.ID, first)
	must(t, err)
	t.Run("stored with seq", func(t *testing.T) {
		same(t, "seq", seqs(stored), []int64{1, 2, 3})
		for i, e := range stored {
			if e.ID == "" || e.CreatedAt.IsZero() || e.TenantID != f.Tenant.ID || e.InterviewID != v.ID {
				t.Errorf("entry %d not filled: %+v", i, e)
			}
		}
		same(t, "timestamp", stored[0].Timestamp, at(1))
		list, err := s.ListTranscript(ctx, f.Tenant.ID, v.ID, 0)
		must(t, err)
		same(t, "listed", list, stored)
		list, err = s.ListTranscript(ctx, f.Tenant.ID, v.ID, 2)
		must(t, err)
		same(t, "after seq 2", list, stored[2:])
	})
	t.Run("idempotent by item", func(t *testing.T) {
		again := entry("item-a", 9) // same item, other text: the stored one wins
		got, err := s.AppendTranscript(ctx, f.Tenant.ID, v.ID, []interview.TranscriptEntry{again, entry("item-d", 4), entry("item-d", 5)})
		must(t, err)
		same(t, "existing item", got[0], stored[0])
		same(t, "new item seq", got[1].Seq, int64(4))
		same(t, "repeated in one call", got[2], got[1])
		list, err := s.ListTranscript(ctx, f.Tenant.ID, v.ID, 0)
		must(t, err)
		same(t, "seq", seqs(list), []int64{1, 2, 3, 4})
	})
	t.Run("invalid entry stores nothing", func(t *testing.T) {
		bad := entry("item-bad", 6)
		bad.Speaker = "narrator"
		_, err := s.AppendTranscript(ctx, f.Tenant.ID, v.ID, []interview.TranscriptEntry{entry("item-e", 5), bad})
		wantErr(t, "append", err, interview.ErrInvalid)
		list, err := s.ListTranscript(ctx, f.Tenant.ID, v.ID, 0)
		must(t, err)
		same(t, "count", len(list), 4)
	})
	t.Run("empty append", func(t *testing.T) {
		got, err := s.AppendTranscript(ctx, f.Tenant.ID, v.ID, nil)
		must(t, err)
		same(t, "entries", len(got), 0)
	})
	t.Run("interrupted", func(t *testing.T) {
		cut := entry("item-cut", 10)
		cut.Interrupted = true
		got, err := s.AppendTranscript(ctx, f.Tenant.ID, v.ID, []interview.TranscriptEntry{cut})
		must(t, err)
		list, err := s.ListTranscript(ctx, f.Tenant.ID, v.ID, got[0].Seq-1)
		must(t, err)
		same(t, "stored", list, got)
		if !list[0].Interrupted || stored[0].Interrupted {
			t.Errorf("interrupted: %v, not interrupted: %v", list[0].Interrupted, stored[0].Interrupted)
		}
	})
	t.Run("spoken order", func(t *testing.T) { testTranscriptSpokenOrder(t, s, f) })
	t.Run("server line wins", func(t *testing.T) { testTranscriptServerWins(t, s, f) })
	t.Run("unknown interview", func(t *testing.T) {
		_, err := s.AppendTranscript(ctx, f.Tenant.ID, unique(), []interview.TranscriptEntry{entry("x", 1)})
		wantErr(t, "append", err, store.ErrNotFound)
		_, err = s.ListTranscript(ctx, f.Tenant.ID, unique(), 0)
		wantErr(t, "list", err, store.ErrNotFound)
	})
}

// testTranscriptSpokenOrder: an entry earlier than the last one stored goes
// at its place (after entries of the same time), the later ones move up, in
// one call or in several, and a repeated item is still stored once.
func testTranscriptSpokenOrder(t *testing.T, s store.Store, f fixture) {
	ctx := t.Context()
	v := f.session(t, s)
	write := func(list ...interview.TranscriptEntry) []interview.TranscriptEntry {
		t.Helper()
		got, err := s.AppendTranscript(ctx, f.Tenant.ID, v.ID, list)
		must(t, err)
		return got
	}
	write(entry("a", 10), entry("c", 30), entry("e", 50))
	got := write(entry("b", 20))
	same(t, "inserted at its place", seqs(got), []int64{2})
	// In one call: one at the end, one at the start, one tied with c (it goes
	// after c), the start one repeated, and a stored item earlier again.
	got = write(entry("f", 60), entry("0", 0), entry("c2", 30), entry("0", 0), entry("a", 5))
	list, err := s.ListTranscript(ctx, f.Tenant.ID, v.ID, 0)
	must(t, err)
	same(t, "order", ids(list, func(e interview.TranscriptEntry) string { return e.ItemID }),
		[]string{"0", "a", "b", "c", "c2", "e", "f"})
	same(t, "seq", seqs(list), []int64{1, 2, 3, 4, 5, 6, 7})
	same(t, "returned seqs", seqs(got), []int64{7, 1, 5, 1, 2})
	for _, e := range got {
		if stored := list[e.Seq-1]; stored.ItemID != e.ItemID {
			t.Errorf("returned %s at seq %d, stored there: %s", e.ItemID, e.Seq, stored.ItemID)
		}
	}
	again := write(entry("b", 20), entry("c2", 1))
	same(t, "repeats", seqs(again), []int64{3, 5})
	// The next append after inserts continues after the last.
	same(t, "next", seqs(write(entry("g", 70))), []int64{8})
}

// testTranscriptServerWins: a sideband entry for an item a browser stored
// first replaces its text, speaker and source at its place, in the answer
// and the store; a browser's entry for an item the sideband stored changes
// nothing; and an integration's line gives way to the server's too.
func testTranscriptServerWins(t *testing.T, s store.Store, f fixture) {
	ctx := t.Context()
	v := f.session(t, s)
	posted := func(item string, n int, src interview.Source) interview.TranscriptEntry {
		e := entry(item, n)
		e.Speaker, e.Source, e.Text = interview.SpeakerInterviewer, src, "forged "+item
		return e
	}
	write := func(list ...interview.TranscriptEntry) []interview.TranscriptEntry {
		t.Helper()
		got, err := s.AppendTranscript(ctx, f.Tenant.ID, v.ID, list)
		must(t, err)
		return got
	}
	first := write(posted("b1", 1, interview.SourceClient), entry("s1", 2), posted("a1", 3, interview.SourceAPI))
	server := entry("b1", 9) // a later time: the entry keeps its place
	server.Confidence, server.Interrupted = ptr(0.5), true
	got := write(server, posted("s1", 4, interview.SourceClient), entry("a1", 7))
	list, err := s.ListTranscript(ctx, f.Tenant.ID, v.ID, 0)
	must(t, err)
	same(t, "returned", got, list)
	same(t, "seq", seqs(list), []int64{1, 2, 3})
	want := []struct {
		id      string
		text    string
		speaker interview.Speaker
		source  interview.Source
	}{
		{first[0].ID, "line 9", interview.SpeakerCandidate, interview.SourceSideband},
		{first[1].ID, "line 2", interview.SpeakerCandidate, interview.SourceSideband},
		{first[2].ID, "line 7", interview.SpeakerCandidate, interview.SourceSideband},
	}
	for i, w := range want {
		e := list[i]
		if e.ID != w.id || e.Text != w.text || e.Speaker != w.speaker || e.Source != w.source || !e.Timestamp.Equal(first[i].Timestamp) {
			t.Errorf("entry %d: %+v, want %+v at %s", i, e, w, first[i].Timestamp)
		}
	}
	if list[0].Confidence == nil || *list[0].Confidence != 0.5 || !list[0].Interrupted {
		t.Errorf("confidence and mark not replaced: %+v", list[0])
	}
	// Late (earlier than the last line) and in a call of its own: the same.
	write(posted("b2", 5, interview.SourceClient), entry("s3", 8))
	got = write(entry("b2", 6))
	if got[0].Source != interview.SourceSideband || got[0].Text != "line 6" || got[0].Seq != 4 {
		t.Errorf("late server line: %+v", got[0])
	}
}

func seqs(list []interview.TranscriptEntry) []int64 {
	out := make([]int64, len(list))
	for i, e := range list {
		out[i] = e.Seq
	}
	return out
}

func testTranscriptClosed(t *testing.T, s store.Store) {
	f := newTenant(t, s)
	for _, status := range []interview.Status{interview.StatusCompleted, interview.StatusAbandoned, interview.StatusFailed} {
		t.Run(string(status), func(t *testing.T) {
			ctx := t.Context()
			v := f.session(t, s)
			_, err := s.AppendTranscript(ctx, f.Tenant.ID, v.ID, []interview.TranscriptEntry{entry("kept", 1)})
			must(t, err)
			driveTo(t, s, v, status)
			_, err = s.AppendTranscript(ctx, f.Tenant.ID, v.ID, []interview.TranscriptEntry{entry("late", 2)})
			wantErr(t, "new item", err, store.ErrClosed)
			_, err = s.AppendTranscript(ctx, f.Tenant.ID, v.ID, []interview.TranscriptEntry{entry("kept", 1)})
			wantErr(t, "stored item", err, store.ErrClosed)
			list, err := s.ListTranscript(ctx, f.Tenant.ID, v.ID, 0)
			must(t, err)
			same(t, "items", ids(list, func(e interview.TranscriptEntry) string { return e.ItemID }), []string{"kept"})
		})
	}
}

// Concurrency of the transcript test: writers × entries each, and items
// that every writer also writes.
const (
	writers       = 8
	perWriter     = 500
	sharedItems   = 50
	sharedEvery   = 5 // a shared item rides along every sharedEvery-th call
	maxBatchCalls = 4
	sharedLate    = 20 // a shared item is timed this many ticks before the clock
)

func testTranscriptConcurrent(t *testing.T, s store.Store) {
	f := newTenant(t, s)
	v := f.session(t, s)
	var (
		mu       sync.Mutex
		returned = map[string][]interview.TranscriptEntry{} // item → every copy returned
		wg       sync.WaitGroup
		clock    atomic.Int64 // the writers' entries are about in time order
	)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, got := range appendAll(t, s, v, w, &clock) {
				mu.Lock()
				returned[got.ItemID] = append(returned[got.ItemID], got)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	list, err := s.ListTranscript(t.Context(), f.Tenant.ID, v.ID, 0)
	must(t, err)
	checkConcurrent(t, list, returned)
}

// appendAll writes writer w's entries in batches of 1 to maxBatchCalls,
// some carrying a shared item, and returns what the store returned. The
// entries are timed by clock, so writers racing each other make some
// entries earlier than the last one stored, and the shared items are some
// twenty entries earlier than the clock: they go in before the last ones.
func appendAll(t *testing.T, s store.Store, v interview.Session, w int, clock *atomic.Int64) []interview.TranscriptEntry {
	var out []interview.TranscriptEntry
	for i, call := 0, 0; i < perWriter; call++ {
		var batch []interview.TranscriptEntry
		for n := 1 + call%maxBatchCalls; n > 0 && i < perWriter; n, i = n-1, i+1 {
			e := entry(fmt.Sprintf("w%d-%d", w, i), i)
			e.Timestamp = at(0).Add(time.Duration(clock.Add(1)) * time.Millisecond)
			batch = append(batch, e)
		}
		if call%sharedEvery == 0 {
			k := (call/sharedEvery + 7*w) % sharedItems // writers overlap and together cover all
			e := entry(fmt.Sprintf("shared-%d", k), k)
			e.Timestamp = at(0).Add(time.Duration(max(clock.Load()-sharedLate, 0)) * time.Millisecond)
			batch = append(batch, e)
		}
		got, err := s.AppendTranscript(t.Context(), v.TenantID, v.ID, batch)
		if err != nil {
			t.Errorf("writer %d: %v", w, err)
			return out
		}
		out = append(out, got...)
	}
	return out
}

// checkConcurrent checks that list holds every item exactly once with Seq
// 1..N in time order, and that every copy the writers got back is the
// stored entry (whose Seq may have moved since, as earlier ones came).
func checkConcurrent(t *testing.T, list []interview.TranscriptEntry, returned map[string][]interview.TranscriptEntry) {
	t.Helper()
	want := writers*perWriter + sharedItems
	if len(list) != want || len(returned) != want {
		t.Fatalf("stored %d entries, returned %d items, want %d", len(list), len(returned), want)
	}
	for i, e := range list {
		if e.Seq != int64(i+1) {
			t.Fatalf("entry %d has seq %d: not gap-free", i, e.Seq)
		}
		if i > 0 && e.Timestamp.Before(list[i-1].Timestamp) {
			t.Fatalf("entry %d (%s) is earlier than entry %d: not in spoken order", i, e.ItemID, i-1)
		}
		for _, got := range returned[e.ItemID] { // its seq may have moved since
			if got.ID != e.ID {
				t.Fatalf("item %s returned as %s, stored as %s", e.ItemID, got.ID, e.ID)
			}
		}
		delete(returned, e.ItemID)
	}
	if len(returned) != 0 {
		t.Errorf("%d returned items are not stored", len(returned))
	}
}
