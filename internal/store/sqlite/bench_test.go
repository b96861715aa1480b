package sqlite_test

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store/sqlite"
)

// BenchmarkAppendTranscript measures transcript throughput one entry per
// call (the sideband's pattern) and 100 per call (an import). When both run,
// batch100 also reports its throughput as a multiple of single's, measured in
// the same run on the same machine.
func BenchmarkAppendTranscript(b *testing.B) {
	var single float64
	b.Run("single", func(b *testing.B) { single = benchAppend(b, 1) })
	b.Run("batch100", func(b *testing.B) {
		batched := benchAppend(b, 100)
		if single > 0 {
			b.ReportMetric(batched/single, "x_single")
			b.Logf("batch100/single throughput: %.1fx (%.0f vs %.0f entries/s)", batched/single, batched, single)
		}
	})
}

// benchAppend appends b.N batches of size entries to one interview and
// returns entries per second.
func benchAppend(b *testing.B, size int) float64 {
	s := open(b, filepath.Join(b.TempDir(), "bench.db"))
	v := newInterview(b, s)
	ts := time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC)
	batch := make([]interview.TranscriptEntry, size)
	n := 0
	start := time.Now()
	for b.Loop() {
		for i := range batch {
			n++
			batch[i] = interview.TranscriptEntry{ItemID: fmt.Sprintf("item-%d", n),
				Speaker: interview.SpeakerCandidate, Text: "I led the migration to Go.",
				Timestamp: ts, Source: interview.SourceSideband}
		}
		if _, err := s.AppendTranscript(b.Context(), v.TenantID, v.ID, batch); err != nil {
			b.Fatal(err)
		}
	}
	rate := float64(n) / time.Since(start).Seconds()
	b.ReportMetric(rate, "entries/s")
	return rate
}

// newInterview creates a tenant, a position, a candidate and a pending
// interview to write to.
func newInterview(b *testing.B, s *sqlite.Store) interview.Session {
	ctx := b.Context()
	u := interview.User{Email: "bench@example.com"}
	t := interview.Tenant{Name: "Bench"}
	p := interview.Position{Title: "Engineer"}
	c := interview.Candidate{Name: "Ada", Email: "ada@example.com"}
	if err := s.CreateUser(ctx, &u); err != nil {
		b.Fatal(err)
	}
	if err := s.CreateTenant(ctx, &t, u.ID); err != nil {
		b.Fatal(err)
	}
	p.TenantID, c.TenantID = t.ID, t.ID
	if err := s.CreatePosition(ctx, &p); err != nil {
		b.Fatal(err)
	}
	if err := s.CreateCandidate(ctx, &c); err != nil {
		b.Fatal(err)
	}
	v := interview.Session{TenantID: t.ID, PositionID: p.ID, CandidateID: c.ID}
	if err := s.CreateSession(ctx, &v); err != nil {
		b.Fatal(err)
	}
	return v
}
