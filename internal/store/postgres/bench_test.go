package postgres

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

// benchInterview is an interview in progress in a fresh database.
func benchInterview(b *testing.B) (*Store, tenantFixture) {
	b.Helper()
	s := openStore(b)
	ctx := context.Background()
	u := interview.User{Email: "bench@example.com"}
	if err := s.CreateUser(ctx, &u); err != nil {
		b.Fatal(err)
	}
	f := tenantFixture{owner: u, tenant: interview.Tenant{Name: "Bench"}}
	steps := []func() error{
		func() error { return s.CreateTenant(ctx, &f.tenant, u.ID) },
		func() error {
			f.position = interview.Position{TenantID: f.tenant.ID, Title: "Bench"}
			return s.CreatePosition(ctx, &f.position)
		},
		func() error {
			f.candidate = interview.Candidate{TenantID: f.tenant.ID, Name: "C", Email: "c@example.com"}
			return s.CreateCandidate(ctx, &f.candidate)
		},
		func() error {
			f.session = interview.Session{TenantID: f.tenant.ID, PositionID: f.position.ID, CandidateID: f.candidate.ID}
			return s.CreateSession(ctx, &f.session)
		},
	}
	for _, step := range steps {
		if err := step(); err != nil {
			b.Fatal(err)
		}
	}
	return s, f
}

func benchEntries(n, from int) []interview.TranscriptEntry {
	out := make([]interview.TranscriptEntry, n)
	for i := range out {
		out[i] = interview.TranscriptEntry{ItemID: fmt.Sprintf("item-%d", from+i),
			Speaker: interview.SpeakerCandidate, Text: "A sentence of an answer, about this long.",
			Timestamp: time.Now(), Source: interview.SourceSideband}
	}
	return out
}

// BenchmarkAppendTranscript measures appends on the privileged path (the
// sideband ingest): one entry per call, and a hundred per call.
func BenchmarkAppendTranscript(b *testing.B) {
	for _, size := range []int{1, 100} {
		name := "single"
		if size > 1 {
			name = fmt.Sprintf("batch%d", size)
		}
		b.Run(name, func(b *testing.B) {
			s, f := benchInterview(b)
			ctx := context.Background()
			n := 0
			for b.Loop() {
				if _, err := s.AppendTranscript(ctx, f.tenant.ID, f.session.ID, benchEntries(size, n)); err != nil {
					b.Fatal(err)
				}
				n += size
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "entries/s")
		})
	}
}

// BenchmarkListTranscriptRLS reads a 100-entry transcript on the
// privileged path (owner of the tables, no policies) and through As (the
// authenticated role under the policies), and reports the ratio.
func BenchmarkListTranscriptRLS(b *testing.B) {
	s, f := benchInterview(b)
	ctx := context.Background()
	if _, err := s.AppendTranscript(ctx, f.tenant.ID, f.session.ID, benchEntries(100, 0)); err != nil {
		b.Fatal(err)
	}
	var ownerNs float64
	run := func(st store.Store) func(b *testing.B) {
		return func(b *testing.B) {
			for b.Loop() {
				list, err := st.ListTranscript(ctx, f.tenant.ID, f.session.ID, 0)
				if err != nil || len(list) != 100 {
					b.Fatalf("%d entries, %v", len(list), err)
				}
			}
		}
	}
	b.Run("owner", func(b *testing.B) {
		run(s)(b)
		ownerNs = float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	})
	b.Run("authenticated", func(b *testing.B) {
		run(s.As(actorOf(f.owner)))(b)
		if ownerNs > 0 {
			ns := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
			b.ReportMetric(ns/ownerNs, "x-owner")
		}
	})
}
