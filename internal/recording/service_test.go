package recording_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/recording"
	"github.com/interviewd/interviewd/internal/recording/apivideo"
	"github.com/interviewd/interviewd/internal/recording/apivideo/apivideotest"
	"github.com/interviewd/interviewd/internal/recording/blobs"
	"github.com/interviewd/interviewd/internal/recording/recordingtest"
	"github.com/interviewd/interviewd/internal/store"
	"github.com/interviewd/interviewd/internal/store/sqlite"
)

// serviceFixture is a recording.Service on a SQLite file and files blobs,
// with an interview of a position that records audio.
type serviceFixture struct {
	t     *testing.T
	st    store.Store
	blobs recording.Blobs
	svc   *recording.Service
	v     interview.Session
	p     interview.Position
}

func newServiceFixture(t *testing.T, publisher recording.Publisher) *serviceFixture {
	t.Helper()
	ctx := t.Context()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "interviewd.db"))
	must(t, err)
	t.Cleanup(func() { st.Close() })
	b, err := blobs.Files(filepath.Join(t.TempDir(), "recordings"))
	must(t, err)
	svc, err := recording.New(recording.Config{Store: st, Blobs: b, Publisher: publisher})
	must(t, err)
	f := &serviceFixture{t: t, st: st, blobs: b, svc: svc}
	tenant := interview.Tenant{Name: "Org"}
	must(t, st.CreateTenant(ctx, &tenant, ""))
	f.p = interview.Position{TenantID: tenant.ID, Title: "Engineer", Questions: []string{"Why?"}, MaxMinutes: 20,
		Language: "en-GB", Voice: "marin", RecordAudio: true}
	must(t, st.CreatePosition(ctx, &f.p))
	c := interview.Candidate{TenantID: tenant.ID, Name: "Ada", Email: "ada@example.com"}
	must(t, st.CreateCandidate(ctx, &c))
	f.v = interview.Session{TenantID: tenant.ID, PositionID: f.p.ID, CandidateID: c.ID,
		JoinTokenHash: uuid.NewString(), JoinExpiresAt: time.Now().Add(time.Hour)}
	must(t, st.CreateSession(ctx, &f.v))
	return f
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// record begins a segment and puts the chunks of seqs.
func (f *serviceFixture) record(cs [][]byte, seqs ...int) interview.VideoSegment {
	f.t.Helper()
	seg, err := f.svc.Begin(f.t.Context(), f.v, f.p, "audio/webm;codecs=opus", false)
	must(f.t, err)
	for _, seq := range seqs {
		stored, err := f.svc.PutChunk(f.t.Context(), f.v.TenantID, f.v.ID, seg.Index, seq, cs[seq])
		if err != nil || !stored {
			f.t.Fatalf("put chunk %d: %v, %v", seq, stored, err)
		}
	}
	return seg
}

// file reads a finalised segment's file.
func (f *serviceFixture) file(seg interview.VideoSegment) []byte {
	f.t.Helper()
	obj, err := f.svc.Open(f.t.Context(), seg)
	must(f.t, err)
	defer obj.Close()
	b, err := io.ReadAll(obj)
	must(f.t, err)
	return b
}

// TestFinaliseChecksChunks: a chunk whose blob was replaced behind the
// store's back is dropped and counted as a gap, as is one that never
// came; the file is the others in order; the chunks' blobs go.
func TestFinaliseChecksChunks(t *testing.T) {
	f := newServiceFixture(t, nil)
	cs := recordingtest.Chunks(t, 5)
	seg := f.record(cs, 0, 1, 2, 4)
	key := recording.ChunkKey(f.v.TenantID, f.v.ID, seg.Index, 2)
	must(t, f.blobs.Put(t.Context(), key, bytes.NewReader(cs[3][:len(cs[2])]), int64(len(cs[2]))))

	seg, err := f.svc.Finish(t.Context(), f.v.TenantID, f.v.ID, seg.Index, 5)
	if err != nil || seg.Status != interview.SegmentRecording {
		t.Fatalf("finish with a chunk missing: %+v, %v; want it still recording", seg, err)
	}
	seg, err = f.svc.Finalise(t.Context(), seg) // as the sweep would
	must(t, err)
	if seg.Status != interview.SegmentIncomplete || seg.Gaps != 2 {
		t.Fatalf("finalised %+v, want incomplete with 2 gaps (chunks 2 and 3)", seg)
	}
	file := f.file(seg)
	rest := append(append([]byte{}, cs[1]...), cs[4]...)
	// Chunk 0 comes first, with the duration written in (11 bytes more) or
	// as it is when the gap keeps it from being measured.
	if head := len(file) - len(rest); !bytes.HasSuffix(file, rest) || head != len(cs[0]) && head != len(cs[0])+11 {
		t.Errorf("the file (%d bytes) is not chunks 0, 1 and 4", len(file))
	}
	for seq := range cs {
		if _, err := f.blobs.Open(t.Context(), recording.ChunkKey(f.v.TenantID, f.v.ID, seg.Index, seq)); !errors.Is(err, recording.ErrNoObject) {
			t.Errorf("chunk %d's blob: %v, want gone", seq, err)
		}
	}
	again, err := f.svc.Finalise(t.Context(), seg)
	if err != nil || again.Status != seg.Status || again.Gaps != seg.Gaps {
		t.Errorf("finalising again: %+v, %v; want it as it was", again, err)
	}
}

// TestFinaliseNothing: a segment without a chunk fails and has no file.
func TestFinaliseNothing(t *testing.T) {
	f := newServiceFixture(t, nil)
	seg := f.record(nil)
	seg, err := f.svc.Finish(t.Context(), f.v.TenantID, f.v.ID, seg.Index, 0)
	must(t, err)
	if seg.Status != interview.SegmentFailed || seg.EndTime == nil || seg.ObjectKey != "" {
		t.Errorf("finalised %+v, want failed without a file", seg)
	}
	if _, err := f.svc.Open(t.Context(), seg); interview.ErrorCode(err) != interview.CodeNotFound {
		t.Errorf("open a failed segment: %v, want not found", err)
	}
}

// TestSweepIdle: the sweep leaves a segment with recent chunks alone and
// finalises one idle for Idle, whose interview is still going.
func TestSweepIdle(t *testing.T) {
	f := newServiceFixture(t, nil)
	cs := recordingtest.Chunks(t, 3)
	f.record(cs, 0, 1, 2)
	if n, err := f.svc.Sweep(t.Context()); n != 0 || err != nil {
		t.Fatalf("sweep finalised %d (%v), want 0", n, err)
	}
	later, err := recording.New(recording.Config{Store: f.st, Blobs: f.blobs,
		Now: func() time.Time { return time.Now().Add(recording.Idle + time.Minute) }})
	must(t, err)
	if n, err := later.Sweep(t.Context()); n != 1 || err != nil {
		t.Fatalf("sweep after Idle finalised %d (%v), want 1", n, err)
	}
	seg, err := f.st.GetSegment(t.Context(), f.v.TenantID, f.v.ID, 0)
	must(t, err)
	if seg.Status != interview.SegmentReady || seg.DurationMS < 2500 {
		t.Errorf("swept %+v, want ready with its duration", seg)
	}
	if !bytes.HasSuffix(f.file(seg), cs[2]) {
		t.Error("the swept file does not end with the last chunk")
	}
}

// TestSweepLocked: while another holds the "recordings" lock the sweep
// does nothing.
func TestSweepLocked(t *testing.T) {
	f := newServiceFixture(t, nil)
	f.record(recordingtest.Chunks(t, 2), 0, 1)
	unlock, ok, err := f.st.TryLock(t.Context(), "recordings")
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	later, err := recording.New(recording.Config{Store: f.st, Blobs: f.blobs,
		Now: func() time.Time { return time.Now().Add(recording.Idle + time.Minute) }})
	must(t, err)
	if n, err := later.Sweep(t.Context()); n != 0 || err != nil {
		t.Errorf("a sweep under another's lock finalised %d (%v)", n, err)
	}
	unlock()
	if n, err := later.Sweep(t.Context()); n != 1 || err != nil {
		t.Errorf("a sweep after the lock finalised %d (%v), want 1", n, err)
	}
}

// TestDeleteInterview: an interview's recording goes, blobs (file and
// chunks of a segment still recording) and rows.
func TestDeleteInterview(t *testing.T) {
	f := newServiceFixture(t, nil)
	cs := recordingtest.Chunks(t, 3)
	seg := f.record(cs, 0, 1, 2)
	seg, err := f.svc.Finish(t.Context(), f.v.TenantID, f.v.ID, seg.Index, 3)
	must(t, err)
	f.record(cs, 0)
	must(t, f.svc.DeleteInterview(t.Context(), f.v.TenantID, f.v.ID))
	if _, err := f.blobs.Open(t.Context(), seg.ObjectKey); !errors.Is(err, recording.ErrNoObject) {
		t.Errorf("the file after delete: %v", err)
	}
	if _, err := f.blobs.Open(t.Context(), recording.ChunkKey(f.v.TenantID, f.v.ID, 1, 0)); !errors.Is(err, recording.ErrNoObject) {
		t.Errorf("a chunk after delete: %v", err)
	}
	for i := range 2 {
		if _, err := f.st.GetSegment(t.Context(), f.v.TenantID, f.v.ID, i); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("segment %d after delete: %v", i, err)
		}
	}
	must(t, f.svc.DeleteInterview(context.Background(), f.v.TenantID, f.v.ID))
}

// TestParseMIMEType: the types MediaRecorder names, in one spelling.
func TestParseMIMEType(t *testing.T) {
	for in, want := range map[string]string{
		"audio/webm;codecs=opus":                     "audio/webm;codecs=opus",
		"video/webm;codecs=vp8,opus":                 "video/webm;codecs=vp8,opus",
		`video/mp4; codecs="avc1.42E01E, mp4a.40.2"`: "video/mp4;codecs=avc1.42E01E,mp4a.40.2",
		"AUDIO/MP4":                  "audio/mp4",
		"audio/ogg":                  "",
		"audio/webm;rate=1":          "",
		"audio/webm;codecs=":         "",
		"audio/webm;codecs=opus;x=1": "",
		"text/html":                  "",
	} {
		got, err := recording.ParseMIMEType(in)
		if got != want || (err != nil) != (want == "") {
			t.Errorf("ParseMIMEType(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

// FuzzParseMIMEType: an accepted type parses again to itself.
func FuzzParseMIMEType(f *testing.F) {
	for _, s := range []string{"audio/webm;codecs=opus", `video/mp4; codecs="avc1, mp4a.40.2"`, "audio/webm;codecs=\"", "video/webm;codecs=vp8,,opus"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		mt, err := recording.ParseMIMEType(s)
		if err != nil {
			return
		}
		if again, err := recording.ParseMIMEType(mt); err != nil || again != mt {
			t.Errorf("ParseMIMEType(%q) = %q, which parses as %q, %v", s, mt, again, err)
		}
	})
}

// TestFinalisePublishes: with api.video as the Publisher the joined file
// goes there and leaves Blobs; Open streams it back from api.video, and
// DeleteInterview deletes the video.
func TestFinalisePublishes(t *testing.T) {
	fake := apivideotest.New(t, "key_test")
	f := newServiceFixture(t, apivideo.New(fake.URL, "key_test", nil))
	cs := recordingtest.Chunks(t, 3)
	seg := f.record(cs, 0, 1, 2)
	seg, err := f.svc.Finish(t.Context(), f.v.TenantID, f.v.ID, seg.Index, 3)
	must(t, err)
	if seg.Status != interview.SegmentReady || seg.Storage != "apivideo" || seg.ExternalID == "" || seg.ObjectKey != "" {
		t.Fatalf("finalised %+v, want ready at api.video", seg)
	}
	stored, err := f.st.GetSegment(t.Context(), f.v.TenantID, f.v.ID, seg.Index)
	if err != nil || stored.ExternalID != seg.ExternalID || stored.Storage != "apivideo" {
		t.Fatalf("stored %+v, %v", stored, err)
	}
	source, ok := fake.Source(seg.ExternalID)
	if !ok || !bytes.HasSuffix(source, cs[2]) || !bytes.Equal(f.file(stored), source) {
		t.Errorf("api.video has %d bytes (%v), want the joined file, and Open to stream it", len(source), ok)
	}
	if _, err := f.blobs.Open(t.Context(), recording.FileKey(f.v.TenantID, f.v.ID, seg.Index)); !errors.Is(err, recording.ErrNoObject) {
		t.Errorf("the local file after publishing: %v, want gone", err)
	}
	must(t, f.svc.DeleteInterview(t.Context(), f.v.TenantID, f.v.ID))
	if _, ok := fake.Source(seg.ExternalID); ok {
		t.Error("the video is still at api.video after DeleteInterview")
	}
}
