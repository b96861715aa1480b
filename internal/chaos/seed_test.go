package chaos

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/interviewd/interviewd/internal/auth"
	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store/postgres"
)

// questions are the position's; the engine asks them in order.
var questions = []string{
	"Tell me about a project you are proud of.",
	"How do you debug a failure you cannot reproduce?",
	"Describe a disagreement with a colleague and how it ended.",
	"Why do you want to work with us?",
}

// answers are the candidates' prepared answers, one per question.
var answers = []string{
	"I built a small compiler for a teaching language and its test suite.",
	"I add logging around the suspect path, collect traces and narrow it down.",
	"We disagreed on a schema change; we measured both and kept the faster one.",
	"Your product is used by people I know and the team cares about quality.",
}

// seed opens the store the instances migrated and adds an organisation, a
// position and n pending interviews, each with its own candidate.
func seed(t testing.TB, dbURL string, n int) (*postgres.Store, []interview.Session) {
	t.Helper()
	ctx := context.Background()
	st, err := postgres.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	ten := interview.Tenant{Name: "Chaos Corp"}
	must(t, st.CreateTenant(ctx, &ten, ""))
	p := interview.Position{TenantID: ten.ID, Title: "Backend engineer", Questions: questions, MaxMinutes: 10}
	p.Normalize()
	must(t, st.CreatePosition(ctx, &p))
	out := make([]interview.Session, n)
	for i := range out {
		c := interview.Candidate{TenantID: ten.ID, Name: fmt.Sprintf("Candidate %d", i+1), Email: fmt.Sprintf("c%d@example.com", i+1)}
		must(t, st.CreateCandidate(ctx, &c))
		v := interview.Session{ID: uuid.NewString(), TenantID: ten.ID, PositionID: p.ID, CandidateID: c.ID,
			Status: interview.StatusPending, JoinVersion: 1, JoinExpiresAt: time.Now().Add(time.Hour),
			JoinTokenHash: auth.HashToken(uuid.NewString())}
		must(t, st.CreateSession(ctx, &v))
		out[i] = v
	}
	return st, out
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
