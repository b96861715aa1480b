package storetest

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

// beginSegment starts v's next segment.
func beginSegment(t *testing.T, s store.Store, v interview.Session) interview.VideoSegment {
	t.Helper()
	seg := interview.VideoSegment{TenantID: v.TenantID, InterviewID: v.ID, MIMEType: "audio/webm;codecs=opus"}
	must(t, s.BeginSegment(t.Context(), &seg))
	return seg
}

// chunk is chunk seq of seg holding body.
func chunk(seg interview.VideoSegment, seq int, body string) interview.RecordingChunk {
	sum := sha256.Sum256([]byte(body))
	return interview.RecordingChunk{TenantID: seg.TenantID, InterviewID: seg.InterviewID, SegmentID: seg.ID,
		Seq: seq, Bytes: int64(len(body)), SHA256: hex.EncodeToString(sum[:])}
}

func getSegment(t *testing.T, s store.Store, seg interview.VideoSegment) interview.VideoSegment {
	t.Helper()
	got, err := s.GetSegment(t.Context(), seg.TenantID, seg.InterviewID, seg.Index)
	must(t, err)
	return got
}

// Segments are numbered from 0 in the order they begin, come back as
// stored (through GetSegment and ListVideoSegments), and stop at
// interview.MaxSegments.
func testSegments(t *testing.T, s store.Store) {
	ctx := t.Context()
	f := newTenant(t, s)
	v := f.session(t, s)
	first := interview.VideoSegment{TenantID: f.Tenant.ID, InterviewID: v.ID, MIMEType: "video/webm;codecs=vp8,opus",
		HasVideo: true, StartTime: noisy(at(1)), Status: "ready", Chunks: 9}
	must(t, s.BeginSegment(ctx, &first))
	second := interview.VideoSegment{TenantID: f.Tenant.ID, InterviewID: v.ID, StartTime: at(2)}
	must(t, s.BeginSegment(ctx, &second))
	same(t, "indexes", []int{first.Index, second.Index}, []int{0, 1})
	want := interview.VideoSegment{ID: first.ID, TenantID: f.Tenant.ID, InterviewID: v.ID, Index: 0,
		MIMEType: "video/webm;codecs=vp8,opus", HasVideo: true, StartTime: at(1), Status: interview.SegmentRecording,
		CreatedAt: first.CreatedAt, UpdatedAt: at(1)}
	same(t, "caller's copy", first, want)
	same(t, "stored", getSegment(t, s, first), want)
	list, err := s.ListVideoSegments(ctx, f.Tenant.ID, v.ID)
	must(t, err)
	same(t, "listed", ids(list, segmentID), []string{first.ID, second.ID})

	_, err = s.GetSegment(ctx, f.Tenant.ID, v.ID, 2)
	wantErr(t, "a segment not begun", err, store.ErrNotFound)
	wantErr(t, "another interview", s.BeginSegment(ctx, &interview.VideoSegment{TenantID: f.Tenant.ID, InterviewID: unique()}), store.ErrNotFound)

	for range interview.MaxSegments - 2 {
		beginSegment(t, s, v)
	}
	last := interview.VideoSegment{TenantID: f.Tenant.ID, InterviewID: v.ID}
	wantErr(t, "a segment past the limit", s.BeginSegment(ctx, &last), store.ErrRateLimited)
	list, err = s.ListVideoSegments(ctx, f.Tenant.ID, v.ID)
	must(t, err)
	same(t, "segments at the limit", len(list), interview.MaxSegments)
}

func segmentID(v interview.VideoSegment) string { return v.ID }

// Chunks arrive in any order and list in Seq order; a retry stores
// nothing, other bytes for a seq conflict, and the segment counts what
// it holds.
func testChunks(t *testing.T, s store.Store) {
	ctx := t.Context()
	f := newTenant(t, s)
	v := f.session(t, s)
	seg := beginSegment(t, s, v)
	for _, seq := range []int{2, 0, 1} {
		c := chunk(seg, seq, fmt.Sprintf("chunk %d", seq))
		c.CreatedAt = noisy(at(seq))
		stored, err := s.AddChunk(ctx, c, 0)
		must(t, err)
		if !stored {
			t.Errorf("chunk %d not stored", seq)
		}
	}
	stored, err := s.AddChunk(ctx, chunk(seg, 1, "chunk 1"), 0)
	if err != nil || stored {
		t.Errorf("a retry: stored %v, %v; want false, nil", stored, err)
	}
	_, err = s.AddChunk(ctx, chunk(seg, 1, "other bytes"), 0)
	wantErr(t, "other bytes for a seq", err, store.ErrConflict)

	list, err := s.ListChunks(ctx, f.Tenant.ID, seg.ID)
	must(t, err)
	want := []interview.RecordingChunk{}
	for seq := range 3 {
		c := chunk(seg, seq, fmt.Sprintf("chunk %d", seq))
		c.CreatedAt = at(seq)
		want = append(want, c)
	}
	same(t, "chunks", list, want)
	got := getSegment(t, s, seg)
	same(t, "counts", []int64{int64(got.Chunks), got.Bytes}, []int64{3, 21})
	same(t, "last activity", got.UpdatedAt, at(2))

	none := beginSegment(t, s, v)
	list, err = s.ListChunks(ctx, f.Tenant.ID, none.ID)
	must(t, err)
	same(t, "a segment without chunks", list, []interview.RecordingChunk{})
	_, err = s.ListChunks(ctx, f.Tenant.ID, unique())
	wantErr(t, "chunks of no segment", err, store.ErrNotFound)
}

// What AddChunk refuses: a segment that is not the interview's, a chunk
// over the limits, a bad digest, a segment no longer recording.
func testChunkRefusals(t *testing.T, s store.Store) {
	ctx := t.Context()
	f := newTenant(t, s)
	v, other := f.session(t, s), f.session(t, s)
	seg, next := beginSegment(t, s, v), beginSegment(t, s, v)
	addChunk(t, s, chunk(seg, 0, "0123456789"), 25)
	elsewhere := chunk(seg, 1, "x")
	elsewhere.InterviewID = other.ID
	big := chunk(seg, 3, "x")
	big.Bytes = interview.MaxChunkBytes + 1
	bad := chunk(seg, 4, "x")
	bad.SHA256 = "not hex"
	negative := chunk(seg, -1, "x")
	for name, tc := range map[string]struct {
		c    interview.RecordingChunk
		want error
	}{
		"unknown segment":          {chunk(interview.VideoSegment{TenantID: f.Tenant.ID, InterviewID: v.ID, ID: unique()}, 0, "x"), store.ErrNotFound},
		"another interview":        {elsewhere, store.ErrNotFound},
		"a chunk over the maximum": {big, store.ErrTooLarge},
		"a total over the limit":   {chunk(next, 0, "0123456789abcdef"), store.ErrTooLarge},
		"a bad digest":             {bad, store.ErrInvalid},
		"a negative seq":           {negative, store.ErrInvalid},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := s.AddChunk(ctx, tc.c, 25)
			wantErr(t, name, err, tc.want)
		})
	}
	addChunk(t, s, chunk(next, 0, "0123456789abcde"), 25) // exactly at the limit

	seg.Status = interview.SegmentReady
	must(t, s.FinishSegment(ctx, &seg))
	_, err := s.AddChunk(ctx, chunk(seg, 1, "late"), 0)
	wantErr(t, "a chunk for a finished segment", err, store.ErrClosed)
	if stored, err := s.AddChunk(ctx, chunk(seg, 0, "0123456789"), 0); err != nil || stored {
		t.Errorf("a late retry of a stored chunk: %v, %v; want false, nil", stored, err)
	}
	got := getSegment(t, s, seg)
	same(t, "counts after refusals", []int64{int64(got.Chunks), got.Bytes}, []int64{1, 10})
}

// addChunk adds c and fails the test on an error.
func addChunk(t *testing.T, s store.Store, c interview.RecordingChunk, maxBytes int64) bool {
	t.Helper()
	stored, err := s.AddChunk(t.Context(), c, maxBytes)
	must(t, err)
	return stored
}

// Parallel uploads: of the same chunk one is stored; of distinct chunks
// over the limit exactly those that fit are, and the total holds.
func testChunksConcurrent(t *testing.T, s store.Store) {
	f := newTenant(t, s)
	v := f.session(t, s)
	seg := beginSegment(t, s, v)
	const n = 8
	results := make([]bool, n)
	errs := make([]error, n)
	parallel(n, func(i int) { results[i], errs[i] = s.AddChunk(t.Context(), chunk(seg, 0, "same"), 0) })
	if err := errors.Join(errs...); err != nil {
		t.Errorf("parallel retries: %v", err)
	}
	same(t, "stored of parallel same chunks", count(results), 1)

	for i := range n {
		results[i], errs[i] = false, nil
	}
	parallel(n, func(i int) { results[i], errs[i] = s.AddChunk(t.Context(), chunk(seg, i+1, "0123456789"), 34) })
	same(t, "stored under the limit", count(results), 3) // 4 + 3×10 = 34
	for i, err := range errs {
		if err != nil && !errors.Is(err, store.ErrTooLarge) {
			t.Errorf("chunk %d: %v, want nil or too large", i+1, err)
		}
	}
	got := getSegment(t, s, seg)
	same(t, "counts", []int64{int64(got.Chunks), got.Bytes}, []int64{4, 34})
}

// parallel runs fn(0..n-1) at once and waits for all.
func parallel(n int, fn func(i int)) {
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			fn(i)
		})
	}
	close(start)
	wg.Wait()
}

func count(list []bool) int {
	n := 0
	for _, b := range list {
		if b {
			n++
		}
	}
	return n
}

// FinishSegment is a compare-and-set: processing from recording only,
// a final status from recording or processing; of two finalisers one
// wins.
func testFinishSegment(t *testing.T, s store.Store) {
	ctx := t.Context()
	f := newTenant(t, s)
	v := f.session(t, s)
	seg := beginSegment(t, s, v)
	processing := seg
	processing.Status = interview.SegmentProcessing
	errs := make([]error, 4)
	parallel(4, func(i int) { p := processing; errs[i] = s.FinishSegment(ctx, &p) })
	oneWon(t, "finalisers", errs, store.ErrConflict)

	done := seg
	done.Status, done.EndTime, done.DurationMS, done.Gaps = interview.SegmentIncomplete, ptr(noisy(at(9))), 61234, 2
	done.Storage, done.ObjectKey, done.ExternalID, done.VideoURL = "files", "t/x/i/y/s/0/file", "", ""
	must(t, s.FinishSegment(ctx, &done))
	got := getSegment(t, s, seg)
	same(t, "finished", []any{got.Status, got.EndTime, got.DurationMS, got.Gaps, got.Storage, got.ObjectKey, got.UpdatedAt},
		[]any{interview.SegmentIncomplete, ptr(at(9)), int64(61234), 2, "files", "t/x/i/y/s/0/file", done.UpdatedAt})
	again := done
	again.Status = interview.SegmentReady
	wantErr(t, "finishing a finished segment", s.FinishSegment(ctx, &again), store.ErrConflict)

	direct := beginSegment(t, s, v)
	direct.Status, direct.Storage, direct.ExternalID, direct.VideoURL = interview.SegmentReady, "apivideo", "vi123", "https://video/vi123.mp4"
	must(t, s.FinishSegment(ctx, &direct))
	got = getSegment(t, s, direct)
	same(t, "from recording to ready", []string{got.Status, got.Storage, got.ExternalID, got.VideoURL},
		[]string{"ready", "apivideo", "vi123", "https://video/vi123.mp4"})

	unknown := beginSegment(t, s, v)
	unknown.ID, unknown.Status = unique(), interview.SegmentReady
	wantErr(t, "an unknown segment", s.FinishSegment(ctx, &unknown), store.ErrNotFound)
	wrong := beginSegment(t, s, v)
	wrong.Status = interview.SegmentRecording
	wantErr(t, "finished as recording", s.FinishSegment(ctx, &wrong), store.ErrInvalid)
	wrong.Status, wrong.Storage = interview.SegmentReady, "s3"
	wantErr(t, "an unknown storage", s.FinishSegment(ctx, &wrong), store.ErrInvalid)
}

// The sweep finds segments still recording whose interview ended, or
// idle ones, and nothing finished.
func testSegmentsToFinish(t *testing.T, s store.Store) {
	ctx := t.Context()
	f := newTenant(t, s)
	ended := driveTo(t, s, f.session(t, s), interview.StatusCompleted) // ended at(3)
	live := driveTo(t, s, f.session(t, s), interview.StatusInProgress)
	afterEnd := interview.VideoSegment{TenantID: f.Tenant.ID, InterviewID: ended.ID, StartTime: at(7)}
	must(t, s.BeginSegment(ctx, &afterEnd))
	idle := interview.VideoSegment{TenantID: f.Tenant.ID, InterviewID: live.ID, StartTime: at(1)}
	must(t, s.BeginSegment(ctx, &idle))
	addChunk(t, s, func() interview.RecordingChunk { c := chunk(idle, 0, "x"); c.CreatedAt = at(5); return c }(), 0)
	finished := beginSegment(t, s, ended)
	finished.Status = interview.SegmentReady
	must(t, s.FinishSegment(ctx, &finished))
	mine := []string{afterEnd.ID, idle.ID, finished.ID}
	found := func(endedBefore, idleBefore time.Time) []string {
		list, err := s.ListSegmentsToFinish(ctx, endedBefore, idleBefore, store.MaxListLimit)
		must(t, err)
		var out []string
		for _, v := range list {
			if slices.Contains(mine, v.ID) {
				out = append(out, v.ID)
			}
		}
		return out
	}
	var zero time.Time
	same(t, "before anything", found(at(2), zero), []string(nil))
	same(t, "the ended interview's", found(at(3), zero), []string{afterEnd.ID})
	same(t, "and the idle one", found(at(3), at(5)), []string{afterEnd.ID, idle.ID})
	same(t, "idle only", found(at(2), at(5)), []string{idle.ID})

	// A finaliser that claimed a segment and then failed or died leaves it
	// processing; once it has been so for the idle time, another takes it.
	// (at(n) is in 2099; the claim's time is the store's clock, now.)
	stuck := beginSegment(t, s, live)
	stuck.Status = interview.SegmentProcessing
	must(t, s.FinishSegment(ctx, &stuck))
	mine = append(mine, stuck.ID)
	same(t, "not yet the one just claimed", found(at(2), time.Now().Add(-time.Minute)), []string(nil))
	same(t, "the one left processing", found(at(2), time.Now().Add(time.Minute)), []string{stuck.ID})
}

// DeleteRecording deletes an interview's segments and chunks and returns
// what they were; another interview's stay.
func testDeleteRecording(t *testing.T, s store.Store) {
	ctx := t.Context()
	f := newTenant(t, s)
	v, keep := f.session(t, s), f.session(t, s)
	a, b, kept := beginSegment(t, s, v), beginSegment(t, s, v), beginSegment(t, s, keep)
	addChunk(t, s, chunk(a, 0, "aa"), 0)
	addChunk(t, s, chunk(kept, 0, "kk"), 0)
	g := newTenant(t, s)
	_, err := s.DeleteRecording(ctx, g.Tenant.ID, v.ID)
	wantErr(t, "another tenant", err, store.ErrNotFound)
	list, err := s.DeleteRecording(ctx, f.Tenant.ID, v.ID)
	must(t, err)
	same(t, "deleted", ids(list, segmentID), []string{a.ID, b.ID})
	same(t, "as it was", list[0].Bytes, int64(2))
	left, err := s.ListVideoSegments(ctx, f.Tenant.ID, v.ID)
	must(t, err)
	same(t, "left", len(left), 0)
	_, err = s.ListChunks(ctx, f.Tenant.ID, a.ID)
	wantErr(t, "the chunks", err, store.ErrNotFound)
	chunks, err := s.ListChunks(ctx, f.Tenant.ID, kept.ID)
	must(t, err)
	same(t, "the other interview's chunks", len(chunks), 1)
	list, err = s.DeleteRecording(ctx, f.Tenant.ID, v.ID)
	must(t, err)
	same(t, "again", len(list), 0)
}

// A position's recording switches round-trip; the camera needs the audio.
func testPositionRecording(t *testing.T, s store.Store) {
	ctx := t.Context()
	f := newTenant(t, s)
	p := interview.Position{TenantID: f.Tenant.ID, Title: "Recorded", RecordAudio: true, RecordVideo: true}
	must(t, s.CreatePosition(ctx, &p))
	got, err := s.GetPosition(ctx, f.Tenant.ID, p.ID)
	must(t, err)
	same(t, "created", []bool{got.RecordAudio, got.RecordVideo}, []bool{true, true})
	p.RecordVideo = false
	must(t, s.UpdatePosition(ctx, &p))
	list, err := s.ListPositions(ctx, f.Tenant.ID, interview.PositionFilter{})
	must(t, err)
	i := slices.IndexFunc(list, func(q interview.Position) bool { return q.ID == p.ID })
	same(t, "updated", []bool{list[i].RecordAudio, list[i].RecordVideo}, []bool{true, false})
	p.RecordAudio, p.RecordVideo = false, true
	err = s.UpdatePosition(ctx, &p)
	wantErr(t, "the camera without audio", err, store.ErrInvalid)
	if !slices.ContainsFunc(interview.Fields(err), func(e *interview.FieldError) bool { return e.Field == "recordVideo" }) {
		t.Errorf("the error names no recordVideo field: %v", err)
	}
}
