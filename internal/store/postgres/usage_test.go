package postgres

import (
	"context"
	"errors"
	"testing"

	"github.com/interviewd/interviewd/internal/interview"
)

// Through As, members read their tenant's usage (the fixture's one
// response of one text token) and nobody writes it; another tenant's
// member reads zero.
func TestAsUsage(t *testing.T) {
	t.Parallel()
	s := openStore(t)
	w := newWorld(t, s)
	ctx := context.Background()
	want := interview.UsageTokens{TextIn: 1}
	for name, u := range map[string]interview.User{"owner": w.a.owner, "recruiter": w.a.recruiter, "viewer": w.a.viewer} {
		as := s.As(actorOf(u))
		if got, err := as.InterviewUsage(ctx, w.a.tenant.ID, w.a.session.ID); err != nil || got != want {
			t.Errorf("%s reads %+v, %v; want %+v", name, got, err, want)
		}
		_, err := as.AddUsage(ctx, &interview.Usage{TenantID: w.a.tenant.ID, InterviewID: w.a.session.ID,
			Kind: interview.UsageResponse, SourceID: "resp_" + name, UsageTokens: want})
		if !errors.Is(err, interview.ErrForbidden) {
			t.Errorf("%s adds usage: %v, want ErrForbidden", name, err)
		}
	}
	from, to := w.a.session.CreatedAt.AddDate(0, 0, -1), w.a.session.CreatedAt.AddDate(0, 0, 1)
	if days, err := s.As(actorOf(w.a.viewer)).DailyUsage(ctx, w.a.tenant.ID, from, to); err != nil ||
		len(days) != 1 || days[0].UsageTokens != want {
		t.Errorf("the viewer reads days %+v, %v; want one of %+v", days, err, want)
	}
	other := s.As(actorOf(w.b.owner))
	if got, err := other.InterviewUsage(ctx, w.a.tenant.ID, w.a.session.ID); err != nil || got != (interview.UsageTokens{}) {
		t.Errorf("another tenant's owner reads %+v, %v; want zero", got, err)
	}
	if days, err := other.DailyUsage(ctx, w.a.tenant.ID, from, to); err != nil || len(days) != 0 {
		t.Errorf("another tenant's owner reads days %+v, %v; want none", days, err)
	}
	if got, _ := s.InterviewUsage(ctx, w.a.tenant.ID, w.a.session.ID); got != want {
		t.Errorf("after the refused writes the interview has %+v, want %+v", got, want)
	}
}
