package hiring

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/interviewd/interviewd/internal/auth"
	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store/sqlite"
)

// joinFixture is a service over a fresh SQLite store with a controllable
// clock, an owner and one interview.
type joinFixture struct {
	svc   *Service
	owner Actor
	iv    Interview
	now   time.Time
}

func newJoinFixture(t *testing.T) *joinFixture {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	links, err := auth.NewJoinLinks(strings.Repeat("k", 32))
	if err != nil {
		t.Fatal(err)
	}
	f := &joinFixture{now: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	f.svc = New(Config{Store: st, Links: links, PublicURL: "https://iv.example", Now: func() time.Time { return f.now }})
	u := interview.User{Email: "owner@example.com"}
	if err := st.CreateUser(ctx, &u); err != nil {
		t.Fatal(err)
	}
	org := interview.Tenant{Name: "Acme"}
	if err := st.CreateTenant(ctx, &org, u.ID); err != nil {
		t.Fatal(err)
	}
	f.owner = Actor{TenantID: org.ID, Role: interview.RoleOwner, Kind: "user", ID: u.ID, Email: u.Email}
	p, err := f.svc.CreatePosition(ctx, f.owner, PositionInput{Title: "Engineer", MaxMinutes: 20})
	if err != nil {
		t.Fatal(err)
	}
	if f.iv, err = f.svc.CreateInterview(ctx, f.owner, p.ID, CandidateInput{Name: "Ada", Email: "ada@example.com"}); err != nil {
		t.Fatal(err)
	}
	return f
}

func tokenOf(url string) string { return url[strings.LastIndex(url, "/")+1:] }

func TestJoinLanding(t *testing.T) {
	ctx := context.Background()
	f := newJoinFixture(t)
	l, err := f.svc.JoinLanding(ctx, tokenOf(f.iv.JoinURL))
	if err != nil || l.Refusal != "" || l.Organisation.Name != "Acme" || l.Position.Title != "Engineer" ||
		l.Candidate.Name != "Ada" || l.Position.MaxMinutes != 20 {
		t.Fatalf("landing = %+v, %v", l, err)
	}
	for _, bad := range []string{"", "garbage", auth.NewToken(auth.JoinTokenPrefix), auth.NewToken("")} {
		if _, err := f.svc.JoinLanding(ctx, bad); interview.ErrorCode(err) != interview.CodeNotFound {
			t.Errorf("token %q: err %v, want not found", bad, err)
		}
	}
}

func TestJoinLandingRefusals(t *testing.T) {
	ctx := context.Background()
	f := newJoinFixture(t)
	token := tokenOf(f.iv.JoinURL)
	refusal := func() Refusal {
		t.Helper()
		l, err := f.svc.JoinLanding(ctx, token)
		if err != nil {
			t.Fatal(err)
		}
		if f.svc.LinkUsable(l.Session) != (l.Refusal == "") {
			t.Errorf("LinkUsable disagrees with refusal %q", l.Refusal)
		}
		return l.Refusal
	}
	f.now = f.iv.JoinExpiresAt
	if got := refusal(); got != RefusedExpired {
		t.Errorf("at expiry: %q, want expired", got)
	}
	f.now = f.iv.CreatedAt.Add(time.Hour)
	if err := f.svc.RevokeLink(ctx, f.owner, f.iv.ID); err != nil {
		t.Fatal(err)
	}
	if got := refusal(); got != RefusedRevoked {
		t.Errorf("revoked: %q", got)
	}
	iv, err := f.svc.ReissueLink(ctx, f.owner, f.iv.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.JoinLanding(ctx, token); interview.ErrorCode(err) != interview.CodeNotFound {
		t.Errorf("replaced link: %v, want not found", err)
	}
	token = tokenOf(iv.JoinURL)
	if got := refusal(); got != "" {
		t.Errorf("re-issued: %q", got)
	}
	if _, err := f.svc.store.TransitionSession(ctx, f.owner.TenantID, iv.ID, interview.StatusAbandoned, "test", f.now); err != nil {
		t.Fatal(err)
	}
	if got := refusal(); got != RefusedEnded {
		t.Errorf("ended: %q", got)
	}
}

// TestEndedHook: EndInterview tells Config.Ended once per interview it
// ends itself, and not again for one that has ended.
func TestEndedHook(t *testing.T) {
	f := newJoinFixture(t)
	var got []interview.Status
	f.svc.ended = func(s interview.Status) { got = append(got, s) }
	ctx := context.Background()
	for range 2 {
		if _, err := f.svc.EndInterview(ctx, f.owner, f.iv.ID); err != nil {
			t.Fatal(err)
		}
	}
	if len(got) != 1 || got[0] != interview.StatusAbandoned {
		t.Errorf("Ended saw %v, want one abandoned", got)
	}
}
