package storetest

import (
	"testing"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

// testListedValues stores every value of the Go lists that the schema
// repeats as CHECK constraints (hiring statuses, recommendations), so
// that a value added in Go but not in a migration fails here rather than
// in production.
func testListedValues(t *testing.T, s store.Store) {
	ctx := t.Context()
	f := newTenant(t, s)
	v := f.session(t, s)
	statuses := append(interview.HiringStatuses[1:], interview.HiringStatuses[0]) // new, the default, last
	for i, st := range statuses {
		got, err := s.SetHiringStatus(ctx, &interview.HiringDecision{TenantID: f.Tenant.ID, InterviewID: v.ID,
			Status: st, ActorKind: "user", ActorID: f.Owner.ID, At: at(i)})
		if err != nil {
			t.Errorf("hiring status %q: %v", st, err)
			continue
		}
		same(t, "stored hiring status", got.HiringStatus, st)
	}
	for i, r := range interview.Recommendations {
		c := interview.Scorecard{TenantID: f.Tenant.ID, InterviewID: v.ID, ReviewerID: f.Owner.ID,
			Scores: map[string]int{"craft": interview.MinScore + i%interview.MaxScore}, Recommendation: r, UpdatedAt: at(10 + i)}
		if err := s.SaveScorecard(ctx, &c); err != nil {
			t.Errorf("recommendation %q: %v", r, err)
			continue
		}
		list, err := s.ListScorecards(ctx, f.Tenant.ID, v.ID)
		must(t, err)
		same(t, "stored recommendation", list[0].Recommendation, r)
	}
}
