package storetest

import (
	"testing"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

func testPositions(t *testing.T, s store.Store) {
	ctx := t.Context()
	f := newTenant(t, s)
	p1 := interview.Position{
		TenantID: f.Tenant.ID, Title: "Backend", Description: "Go", Instructions: "Be kind",
		Questions: []string{"Q3 first", "Q1 second", "Q2 third"}, Voice: "marin", CreatedAt: noisy(at(1)),
		NextSteps: "We reply within a week.",
	}
	must(t, s.CreatePosition(ctx, &p1))
	p2 := interview.Position{TenantID: f.Tenant.ID, Title: "Frontend", CreatedAt: at(2), MaxMinutes: 45, Language: "en-GB"}
	must(t, s.CreatePosition(ctx, &p2))
	t.Run("defaults and round trip", func(t *testing.T) {
		got, err := s.GetPosition(ctx, f.Tenant.ID, p1.ID)
		must(t, err)
		want := interview.Position{
			ID: p1.ID, TenantID: f.Tenant.ID, Title: "Backend", Description: "Go", Instructions: "Be kind",
			Questions: []string{"Q3 first", "Q1 second", "Q2 third"}, MaxMinutes: interview.DefaultMaxMins,
			Language: interview.DefaultLanguage, Voice: "marin", CreatedAt: at(1), UpdatedAt: at(1),
			NextSteps: "We reply within a week.",
		}
		same(t, "position", got, want)
		same(t, "caller's copy", p1, want)
		got, err = s.GetPosition(ctx, f.Tenant.ID, p2.ID)
		must(t, err)
		same(t, "no questions", len(got.Questions), 0)
		same(t, "p2", got.MaxMinutes, 45)
	})
	t.Run("update", func(t *testing.T) {
		p := p1
		p.Title, p.Questions, p.MaxMinutes, p.NextSteps = "Backend II", []string{"B", "A"}, 10, "A call from Grace."
		must(t, s.UpdatePosition(ctx, &p))
		got, err := s.GetPosition(ctx, f.Tenant.ID, p1.ID)
		must(t, err)
		same(t, "next steps", got.NextSteps, "A call from Grace.")
		same(t, "questions in order", got.Questions, []string{"B", "A"})
		same(t, "title", got.Title, "Backend II")
		same(t, "max minutes", got.MaxMinutes, 10)
		same(t, "created at", got.CreatedAt, at(1))
		same(t, "updated at", got.UpdatedAt, p.UpdatedAt)
		if p.UpdatedAt.IsZero() {
			t.Error("UpdatePosition left UpdatedAt zero")
		}
	})
	t.Run("list newest first and archive", func(t *testing.T) {
		list, err := s.ListPositions(ctx, f.Tenant.ID, interview.PositionFilter{})
		must(t, err)
		same(t, "before", ids(list, positionID), []string{p2.ID, p1.ID, f.Position.ID})
		must(t, s.ArchivePosition(ctx, f.Tenant.ID, p1.ID, noisy(at(5))))
		got, err := s.GetPosition(ctx, f.Tenant.ID, p1.ID)
		must(t, err)
		same(t, "archived at", got.ArchivedAt, ptr(at(5)))
		list, err = s.ListPositions(ctx, f.Tenant.ID, interview.PositionFilter{})
		must(t, err)
		same(t, "active", ids(list, positionID), []string{p2.ID, f.Position.ID})
		list, err = s.ListPositions(ctx, f.Tenant.ID, interview.PositionFilter{IncludeArchived: true})
		must(t, err)
		same(t, "all", ids(list, positionID), []string{p2.ID, p1.ID, f.Position.ID})
	})
	t.Run("invalid", func(t *testing.T) {
		for name, p := range map[string]interview.Position{
			"no title":       {TenantID: f.Tenant.ID},
			"too long":       {TenantID: f.Tenant.ID, Title: "T", MaxMinutes: 61},
			"empty question": {TenantID: f.Tenant.ID, Title: "T", Questions: []string{""}},
		} {
			wantErr(t, name, s.CreatePosition(ctx, &p), interview.ErrInvalid)
		}
		p := p2
		p.Title = ""
		wantErr(t, "update", s.UpdatePosition(ctx, &p), interview.ErrInvalid)
	})
	t.Run("unknown tenant", func(t *testing.T) {
		p := interview.Position{TenantID: unique(), Title: "T"}
		wantErr(t, "create", s.CreatePosition(ctx, &p), store.ErrNotFound)
	})
}

func positionID(p interview.Position) string { return p.ID }

func testCandidates(t *testing.T, s store.Store) {
	ctx := t.Context()
	f := newTenant(t, s)
	c := interview.Candidate{TenantID: f.Tenant.ID, Name: "Grace Hopper", Email: "grace@example.com", CreatedAt: noisy(at(3))}
	must(t, s.CreateCandidate(ctx, &c))
	got, err := s.GetCandidate(ctx, f.Tenant.ID, c.ID)
	must(t, err)
	same(t, "candidate", got, interview.Candidate{ID: c.ID, TenantID: f.Tenant.ID, Name: "Grace Hopper", Email: "grace@example.com", CreatedAt: at(3)})
	same(t, "caller's copy", c, got)
	bad := interview.Candidate{TenantID: f.Tenant.ID, Name: "X", Email: "nope"}
	wantErr(t, "invalid email", s.CreateCandidate(ctx, &bad), interview.ErrInvalid)
	bad = interview.Candidate{TenantID: f.Tenant.ID, Email: "x@example.com"}
	wantErr(t, "no name", s.CreateCandidate(ctx, &bad), interview.ErrInvalid)
}
