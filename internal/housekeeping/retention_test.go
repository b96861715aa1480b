package housekeeping_test

import (
	"bytes"
	"database/sql"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/interviewd/interviewd/internal/housekeeping"
	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/recording"
	"github.com/interviewd/interviewd/internal/recording/blobs"
	"github.com/interviewd/interviewd/internal/store"
	"github.com/interviewd/interviewd/internal/store/storetest"
	"github.com/interviewd/interviewd/internal/testenv"
)

// The retention sweep on both stores, with recordings in files: what is
// past its organisation's retention goes (files, rows, transcript lines),
// each deletion audited as the system's; what is not, or is kept until
// deleted, stays.
func TestRetentionSweep(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "interviewd.db")
		testRetention(t, openSQLiteAt(t, path), testenv.OpenDB(t, "sqlite", path+"?_pragma=busy_timeout(5000)&_query_only=1"))
	})
	t.Run("postgres", func(t *testing.T) {
		dbURL, _ := testenv.PostgresDB(t)
		testRetention(t, openPostgres(t, dbURL), testenv.OpenDB(t, "pgx", dbURL))
	})
}

// recorded is an interview made by a retentionWorld, and what it left.
type recorded struct {
	tenantID, id string
}

// retentionWorld makes recorded interviews at chosen times, through the
// real recording service over files.
type retentionWorld struct {
	t     *testing.T
	s     store.Store
	dir   string // the blobs' directory
	rec   *recording.Service
	clock atomic.Pointer[time.Time]
}

func newRetentionWorld(t *testing.T, s store.Store) *retentionWorld {
	w := &retentionWorld{t: t, s: s, dir: t.TempDir()}
	b, err := blobs.Files(w.dir)
	must(t, err)
	w.rec, err = recording.New(recording.Config{Store: s, Blobs: b, Now: w.now})
	must(t, err)
	w.set(t0)
	return w
}

func (w *retentionWorld) now() time.Time   { return *w.clock.Load() }
func (w *retentionWorld) set(at time.Time) { w.clock.Store(&at) }

// interview runs an interview of f's tenant that ends at ended: two
// transcript lines, and a recording of two chunks joined into its file
// (finish) or left as chunks (the browser never finished).
func (w *retentionWorld) interview(f *fixture, ended time.Time, finish bool) recorded {
	t, ctx := w.t, w.t.Context()
	started := ended.Add(-5 * time.Minute)
	w.set(started)
	p := interview.Position{TenantID: f.tenantID, Title: "Engineer", Questions: []string{"Why?"}, RecordAudio: true}
	must(t, w.s.CreatePosition(ctx, &p))
	c := interview.Candidate{TenantID: f.tenantID, Name: "Ada", Email: "ada-" + strconv.FormatInt(started.UnixNano(), 36) + "@example.com"}
	must(t, w.s.CreateCandidate(ctx, &c))
	v := interview.Session{TenantID: f.tenantID, PositionID: p.ID, CandidateID: c.ID,
		JoinTokenHash: "h" + c.Email, JoinExpiresAt: ended.Add(day), CreatedAt: started}
	must(t, w.s.CreateSession(ctx, &v))
	for _, st := range []interview.Status{interview.StatusReady, interview.StatusInProgress} {
		var err error
		v, err = w.s.TransitionSession(ctx, f.tenantID, v.ID, st, "test", started)
		must(t, err)
	}
	_, err := w.s.AppendTranscript(ctx, f.tenantID, v.ID, []interview.TranscriptEntry{
		{ItemID: "i1", Speaker: interview.SpeakerInterviewer, Text: "Why?", Timestamp: started, Source: interview.SourceSideband},
		{ItemID: "i2", Speaker: interview.SpeakerCandidate, Text: said(v.ID), Timestamp: started.Add(time.Second), Source: interview.SourceSideband},
	})
	must(t, err)
	seg, err := w.rec.Begin(ctx, v, p, "audio/mp4", false)
	must(t, err)
	for seq := range 2 {
		_, err := w.rec.PutChunk(ctx, f.tenantID, v.ID, seg.Index, seq, bytes.Repeat([]byte{byte('a' + seq)}, 1000))
		must(t, err)
	}
	_, err = w.s.TransitionSession(ctx, f.tenantID, v.ID, interview.StatusCompleted, "test", ended)
	must(t, err)
	if finish {
		w.set(ended)
		seg, err = w.rec.Finish(ctx, f.tenantID, v.ID, seg.Index, 2)
		must(t, err)
		if seg.Status != interview.SegmentReady {
			t.Fatalf("segment %+v, want it ready", seg)
		}
	}
	return recorded{tenantID: f.tenantID, id: v.ID}
}

// said is the candidate's answer in interview id's transcript, a phrase
// found nowhere else.
func said(id string) string { return "I once debugged " + id + " at night." }

// left says what of an interview is still there: its recording's files
// and segments, and its transcript lines.
func (w *retentionWorld) left(r recorded) (files, segments, lines int) {
	t, ctx := w.t, w.t.Context()
	root := filepath.Join(w.dir, filepath.FromSlash(recording.InterviewPrefix(r.tenantID, r.id)))
	err := filepath.WalkDir(root, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files++
		}
		return err
	})
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	segs, err := w.s.ListVideoSegments(ctx, r.tenantID, r.id)
	must(t, err)
	entries, err := w.s.ListTranscript(ctx, r.tenantID, r.id, 0)
	must(t, err)
	return files, len(segs), len(entries)
}

func testRetention(t *testing.T, s store.Store, db *sql.DB) {
	ctx := t.Context()
	w := newRetentionWorld(t, s)
	short, forever := newFixture(t, s), newFixture(t, s)
	must(t, s.SetRetention(ctx, short.tenantID, interview.Retention{RecordingDays: 30, TranscriptDays: 7}))
	must(t, s.SetRetention(ctx, forever.tenantID, interview.Retention{}))
	cases := []struct {
		name       string
		r          recorded
		files      int // left after the sweep
		segs       int
		lines      int
		recording  bool // its deletion audited
		transcript bool
	}{
		{"recorded 31 days ago", w.interview(short, t0.Add(-31*day), true), 0, 0, 0, true, true},
		{"chunks only, 40 days ago", w.interview(short, t0.Add(-40*day), false), 0, 0, 0, true, true},
		{"recorded 10 days ago", w.interview(short, t0.Add(-10*day), true), 1, 1, 0, false, true},
		{"recorded yesterday", w.interview(short, t0.Add(-day), true), 1, 1, 2, false, false},
		{"kept until deleted, a year ago", w.interview(forever, t0.Add(-365*day), true), 1, 1, 2, false, false},
	}
	for _, c := range cases {
		if files, segs, lines := w.left(c.r); files == 0 || segs != 1 || lines != 2 {
			t.Fatalf("%s: before the sweep %d files, %d segments, %d lines", c.name, files, segs, lines)
		}
	}
	j := housekeeping.New(housekeeping.Config{Store: s, Recordings: w.rec, Now: func() time.Time { return t0 }})
	got, err := j.Sweep(ctx)
	if err != nil || got.Recordings != 2 || got.Transcripts != 3 {
		t.Fatalf("sweep: %+v, %v; want 2 recordings and 3 transcripts", got, err)
	}
	audit := auditByTarget(t, s, short.tenantID, forever.tenantID)
	for _, c := range cases {
		files, segs, lines := w.left(c.r)
		if files != c.files || segs != c.segs || lines != c.lines {
			t.Errorf("%s: after the sweep %d files, %d segments, %d lines; want %d, %d, %d",
				c.name, files, segs, lines, c.files, c.segs, c.lines)
		}
		// Nothing of a deleted transcript is left in any table; a kept one
		// is found (the scan works).
		if found := storetest.Leftovers(t, db, s.Dialect(), said(c.r.id)); (len(found) == 0) != (c.lines == 0) {
			t.Errorf("%s: the answer is found in %v after the sweep; want it there only while its transcript is kept", c.name, found)
		}
		checkRetentionAudit(t, c.name, audit[c.r.id], "recording.deleted", "30", c.recording)
		checkRetentionAudit(t, c.name, audit[c.r.id], "transcript.deleted", "7", c.transcript)
	}
	// Nothing more is due: a second sweep deletes nothing.
	if got, err := j.Sweep(ctx); err != nil || got.Recordings != 0 || got.Transcripts != 0 {
		t.Errorf("second sweep: %+v, %v; want nothing", got, err)
	}
	// Without a recordings deleter, recordings are left alone.
	must(t, s.SetRetention(ctx, short.tenantID, interview.Retention{RecordingDays: 1, TranscriptDays: 7}))
	got, err = housekeeping.New(housekeeping.Config{Store: s, Now: func() time.Time { return t0 }}).Sweep(ctx)
	if err != nil || got.Recordings != 0 {
		t.Errorf("sweep without recordings: %+v, %v", got, err)
	}
	if files, segs, _ := w.left(cases[2].r); files != 1 || segs != 1 {
		t.Errorf("a janitor without recordings deleted one: %d files, %d segments", files, segs)
	}
}

// auditByTarget returns the tenants' audit events by target ID.
func auditByTarget(t *testing.T, s store.Store, tenantIDs ...string) map[string][]interview.AuditEvent {
	m := map[string][]interview.AuditEvent{}
	for _, id := range tenantIDs {
		events, err := s.ListAudit(t.Context(), id, 500)
		must(t, err)
		for _, e := range events {
			m[e.TargetID] = append(m[e.TargetID], e)
		}
	}
	return m
}

// checkRetentionAudit wants one event of action by the system about the
// interview, with the retention's reason and days, when want says so, and
// none otherwise.
func checkRetentionAudit(t *testing.T, name string, events []interview.AuditEvent, action, days string, want bool) {
	t.Helper()
	var found []interview.AuditEvent
	for _, e := range events {
		if e.Action == action {
			found = append(found, e)
		}
	}
	switch {
	case !want && len(found) != 0:
		t.Errorf("%s: %s audited, want not: %+v", name, action, found)
	case want && len(found) != 1:
		t.Errorf("%s: %d %s events, want 1", name, len(found), action)
	case want:
		e := found[0]
		if e.ActorType != "system" || e.TargetType != "interview" || e.Data["reason"] != "retention" || e.Data["days"] != days {
			t.Errorf("%s: %s event %+v, want the system's with reason=retention days=%s", name, action, e, days)
		}
	}
}
