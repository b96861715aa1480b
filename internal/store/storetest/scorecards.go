package storetest

import (
	"testing"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

func testScorecards(t *testing.T, s store.Store) {
	ctx := t.Context()
	f, g := newTenant(t, s), newTenant(t, s)
	reviewer := newUser(t, s)
	v, w := f.session(t, s), f.session(t, s)
	mine := interview.Scorecard{TenantID: f.Tenant.ID, InterviewID: v.ID, ReviewerID: f.Owner.ID,
		ReviewerEmail: f.Owner.Email, RubricVersion: 1, Scores: map[string]int{"craft": 4, "care": 2},
		Recommendation: interview.RecommendYes, Notes: "solid", UpdatedAt: noisy(at(5))}
	must(t, s.SaveScorecard(ctx, &mine))
	if mine.ID == "" || mine.SubmittedAt != at(5) || mine.UpdatedAt != at(5) {
		t.Fatalf("created: %+v", mine)
	}
	declined := interview.Scorecard{TenantID: f.Tenant.ID, InterviewID: v.ID, ReviewerID: reviewer.ID,
		ReviewerEmail: reviewer.Email, Declined: true, UpdatedAt: at(6)}
	must(t, s.SaveScorecard(ctx, &declined))
	same(t, "a declined scorecard's scores", declined.Scores, map[string]int{})

	revised := mine
	revised.ID, revised.SubmittedAt, revised.UpdatedAt = "", at(7), at(7) // a new form knows neither
	revised.Scores, revised.Recommendation, revised.RubricVersion = map[string]int{"craft": 5}, interview.RecommendStrongYes, 2
	must(t, s.SaveScorecard(ctx, &revised))
	same(t, "replacement keeps ID and SubmittedAt", [2]any{revised.ID, revised.SubmittedAt}, [2]any{mine.ID, at(5)})
	same(t, "replacement's UpdatedAt", revised.UpdatedAt, at(7))
	list, err := s.ListScorecards(ctx, f.Tenant.ID, v.ID)
	must(t, err)
	same(t, "scorecards, oldest first", list, []interview.Scorecard{revised, declined})

	other := interview.Scorecard{TenantID: f.Tenant.ID, InterviewID: w.ID, ReviewerID: f.Owner.ID,
		Recommendation: interview.RecommendNo, UpdatedAt: at(8)}
	must(t, s.SaveScorecard(ctx, &other))
	elsewhere := newPosition(t, s, f.Tenant.ID, "Elsewhere")
	x := interview.Session{TenantID: f.Tenant.ID, PositionID: elsewhere.ID, CandidateID: f.Candidate.ID}
	must(t, s.CreateSession(ctx, &x))
	must(t, s.SaveScorecard(ctx, &interview.Scorecard{TenantID: f.Tenant.ID, InterviewID: x.ID,
		ReviewerID: f.Owner.ID, Declined: true, UpdatedAt: at(4)}))
	list, err = s.ListPositionScorecards(ctx, f.Tenant.ID, f.Position.ID)
	must(t, err)
	same(t, "the position's scorecards", list, []interview.Scorecard{revised, declined, other})

	for name, c := range map[string]interview.Scorecard{
		"score out of range":     {Scores: map[string]int{"craft": 6}, Recommendation: interview.RecommendYes},
		"no recommendation":      {Scores: map[string]int{"craft": 3}},
		"declined with scores":   {Declined: true, Scores: map[string]int{"craft": 3}},
		"unknown recommendation": {Recommendation: "maybe"},
	} {
		c.TenantID, c.InterviewID, c.ReviewerID = f.Tenant.ID, v.ID, f.Owner.ID
		wantErr(t, name, s.SaveScorecard(ctx, &c), store.ErrInvalid)
	}
	hijack := revised
	hijack.TenantID, hijack.Notes = g.Tenant.ID, "hijacked"
	wantErr(t, "through another tenant", s.SaveScorecard(ctx, &hijack), store.ErrNotFound)
	_, err = s.ListScorecards(ctx, g.Tenant.ID, v.ID)
	wantErr(t, "list through another tenant", err, store.ErrNotFound)
	_, err = s.ListPositionScorecards(ctx, g.Tenant.ID, f.Position.ID)
	wantErr(t, "position list through another tenant", err, store.ErrNotFound)
	list, err = s.ListScorecards(ctx, f.Tenant.ID, v.ID)
	must(t, err)
	same(t, "after refused saves", list, []interview.Scorecard{revised, declined})
}
