package storetest

import (
	"slices"
	"testing"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

func testDecisions(t *testing.T, s store.Store) {
	ctx := t.Context()
	f, g := newTenant(t, s), newTenant(t, s)
	v := f.session(t, s)
	decide := func(st interview.HiringStatus, kind string, n int) (interview.HiringDecision, interview.Session, error) {
		d := interview.HiringDecision{TenantID: f.Tenant.ID, InterviewID: v.ID, Status: st,
			ActorKind: kind, ActorID: f.Owner.ID, ActorName: f.Owner.Email, At: noisy(at(n))}
		got, err := s.SetHiringStatus(ctx, &d)
		return d, got, err
	}
	first, got, err := decide(interview.HiringShortlisted, "user", 1)
	must(t, err)
	same(t, "returned status", got.HiringStatus, interview.HiringShortlisted)
	if first.ID == "" || first.At != at(1) {
		t.Errorf("decision as stored: %+v", first)
	}
	_, got, err = decide(interview.HiringShortlisted, "user", 2) // the status it has: nothing appended
	must(t, err)
	same(t, "unchanged status", got.HiringStatus, interview.HiringShortlisted)
	second, _, err := decide(interview.HiringAdvanced, "api_key", 3)
	must(t, err)
	_, _, err = decide("hired", "user", 4)
	wantErr(t, "unknown status", err, store.ErrInvalid)
	_, _, err = decide(interview.HiringRejected, "robot", 4)
	wantErr(t, "unknown actor kind", err, store.ErrInvalid)

	list, err := s.ListHiringDecisions(ctx, f.Tenant.ID, v.ID)
	must(t, err)
	same(t, "history, oldest first", list, []interview.HiringDecision{first, second})
	stored, err := s.GetSession(ctx, f.Tenant.ID, v.ID)
	must(t, err)
	same(t, "stored status", stored.HiringStatus, interview.HiringAdvanced)

	d := interview.HiringDecision{TenantID: g.Tenant.ID, InterviewID: v.ID, Status: interview.HiringRejected, ActorKind: "user"}
	_, err = s.SetHiringStatus(ctx, &d)
	wantErr(t, "through another tenant", err, store.ErrNotFound)
	_, err = s.ListHiringDecisions(ctx, g.Tenant.ID, v.ID)
	wantErr(t, "list through another tenant", err, store.ErrNotFound)
	list, err = s.ListHiringDecisions(ctx, f.Tenant.ID, v.ID)
	must(t, err)
	same(t, "history after refused changes", len(list), 2)
}

// testHiringStatusFilter: ListSessions narrows by hiring status, alone
// and with the other filters.
func testHiringStatusFilter(t *testing.T, s store.Store) {
	ctx := t.Context()
	f := newTenant(t, s)
	other := newPosition(t, s, f.Tenant.ID, "Other")
	v, w := f.session(t, s), f.session(t, s)
	x := interview.Session{TenantID: f.Tenant.ID, PositionID: other.ID, CandidateID: f.Candidate.ID}
	must(t, s.CreateSession(ctx, &x))
	for _, id := range []string{v.ID, x.ID} {
		_, err := s.SetHiringStatus(ctx, &interview.HiringDecision{TenantID: f.Tenant.ID, InterviewID: id,
			Status: interview.HiringRejected, ActorKind: "user", ActorID: f.Owner.ID})
		must(t, err)
	}
	summaryID := func(s interview.SessionSummary) string { return s.ID }
	for name, tc := range map[string]struct {
		f    interview.SessionFilter
		want []string
	}{
		"rejected":                 {interview.SessionFilter{HiringStatus: interview.HiringRejected}, []string{x.ID, v.ID}},
		"new":                      {interview.SessionFilter{HiringStatus: interview.HiringNew}, []string{w.ID}},
		"rejected, one position":   {interview.SessionFilter{HiringStatus: interview.HiringRejected, PositionID: f.Position.ID}, []string{v.ID}},
		"advanced":                 {interview.SessionFilter{HiringStatus: interview.HiringAdvanced}, []string{}},
		"any status, one position": {interview.SessionFilter{PositionID: other.ID}, []string{x.ID}},
	} {
		list, err := s.ListSessions(ctx, f.Tenant.ID, tc.f)
		must(t, err)
		// As sets: the interviews were created in the same instant.
		same(t, name, slices.Sorted(slices.Values(ids(list, summaryID))), slices.Sorted(slices.Values(tc.want)))
	}
}
