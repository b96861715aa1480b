package hiring

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/interviewd/interviewd/internal/auth"
	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
	"github.com/interviewd/interviewd/internal/store/postgres"
	"github.com/interviewd/interviewd/internal/store/sqlite"
	"github.com/interviewd/interviewd/internal/testenv"
)

// decideFixture is a service over a real store with an organisation of an
// owner, a recruiter, a viewer and an API key, and a position with three
// questions.
type decideFixture struct {
	st                            store.Store
	svc                           *Service
	owner, recruiter, viewer, key Actor
	position                      interview.Position
	nudged                        []string
	candidates                    int
	now                           time.Time
}

// onBothStores runs test on a fresh fixture over SQLite and PostgreSQL.
func onBothStores(t *testing.T, ai AssessmentConfig, test func(t *testing.T, f *decideFixture)) {
	opens := []struct {
		name string
		open func(t *testing.T) store.Store
	}{
		{"sqlite", func(t *testing.T) store.Store {
			st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "t.db"))
			if err != nil {
				t.Fatal(err)
			}
			return st
		}},
		{"postgres", func(t *testing.T) store.Store {
			dbURL, _ := testenv.PostgresDB(t)
			st, err := postgres.Open(context.Background(), dbURL)
			if err != nil {
				t.Fatal(err)
			}
			return st
		}},
	}
	for _, o := range opens {
		t.Run(o.name, func(t *testing.T) {
			st := o.open(t)
			t.Cleanup(func() { st.Close() })
			test(t, newDecideFixture(t, st, ai))
		})
	}
}

func newDecideFixture(t *testing.T, st store.Store, ai AssessmentConfig) *decideFixture {
	t.Helper()
	ctx := context.Background()
	links, err := auth.NewJoinLinks(strings.Repeat("k", 32))
	if err != nil {
		t.Fatal(err)
	}
	f := &decideFixture{st: st, now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	f.svc = New(Config{Store: st, Links: links, PublicURL: "https://iv.example", Now: func() time.Time { return f.now },
		Assessment: ai, Nudge: func(id string) { f.nudged = append(f.nudged, id) }})
	u := f.user(t, "owner@example.com")
	org := interview.Tenant{Name: "Acme"}
	if err := st.CreateTenant(ctx, &org, u.ID); err != nil {
		t.Fatal(err)
	}
	f.owner = Actor{TenantID: org.ID, Role: interview.RoleOwner, Kind: "user", ID: u.ID, Email: u.Email}
	f.recruiter = f.member(t, org.ID, "recruiter@example.com", interview.RoleRecruiter)
	f.viewer = f.member(t, org.ID, "viewer@example.com", interview.RoleViewer)
	k := interview.APIKey{TenantID: org.ID, Name: "ATS", Prefix: "ivk_test", Hash: strings.Repeat("ab", 32), CreatedAt: f.now}
	if err := st.CreateAPIKey(ctx, &k); err != nil {
		t.Fatal(err)
	}
	f.key = KeyActor(k)
	f.position, err = f.svc.CreatePosition(ctx, f.owner, PositionInput{Title: "Backend engineer", Questions: []string{
		"Tell me about yourself.", "Describe a production incident you handled.", "Why do you want to work with Go?"}})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *decideFixture) user(t *testing.T, email string) interview.User {
	t.Helper()
	u := interview.User{Email: email}
	if err := f.st.CreateUser(context.Background(), &u); err != nil {
		t.Fatal(err)
	}
	return u
}

func (f *decideFixture) member(t *testing.T, tenantID, email string, role interview.Role) Actor {
	t.Helper()
	u := f.user(t, email)
	if err := f.st.AddMember(context.Background(), &interview.Membership{TenantID: tenantID, UserID: u.ID, Role: role}); err != nil {
		t.Fatal(err)
	}
	return Actor{TenantID: tenantID, Role: role, Kind: "user", ID: u.ID, Email: email}
}

// completed creates an interview of the position for name, runs it with
// a short transcript that answers the first two questions, and completes
// it.
func (f *decideFixture) completed(t *testing.T, name string) Interview {
	t.Helper()
	ctx := context.Background()
	f.candidates++
	email := fmt.Sprintf("candidate%d@example.com", f.candidates)
	iv, err := f.svc.CreateInterview(ctx, f.owner, f.position.ID, CandidateInput{Name: name, Email: email})
	if err != nil {
		t.Fatal(err)
	}
	start := f.now
	f.transition(t, iv.ID, interview.StatusReady, start)
	f.transition(t, iv.ID, interview.StatusInProgress, start)
	lines := []interview.TranscriptEntry{
		{Speaker: interview.SpeakerInterviewer, Text: "Hello! Tell me about yourself."},
		{Speaker: interview.SpeakerCandidate, Text: "I have built Go services for payments for six years."},
		{Speaker: interview.SpeakerInterviewer, Text: "Describe a production incident you handled."},
		{Speaker: interview.SpeakerCandidate, Text: "Our database ran out of disk and I led the failover."},
	}
	for i := range lines {
		lines[i].ItemID = "item_" + string(rune('a'+i))
		lines[i].Source = interview.SourceSideband
		lines[i].Timestamp = start.Add(time.Duration(i*10) * time.Second)
	}
	if _, err := f.st.AppendTranscript(ctx, f.owner.TenantID, iv.ID, lines); err != nil {
		t.Fatal(err)
	}
	f.transition(t, iv.ID, interview.StatusCompleted, start.Add(50*time.Second))
	iv.Session, err = f.st.GetSession(ctx, f.owner.TenantID, iv.ID)
	if err != nil {
		t.Fatal(err)
	}
	return iv
}

func (f *decideFixture) transition(t *testing.T, id string, to interview.Status, at time.Time) {
	t.Helper()
	if _, err := f.st.TransitionSession(context.Background(), f.owner.TenantID, id, to, "", at); err != nil {
		t.Fatalf("to %s: %v", to, err)
	}
}

// assessed stores a done AI assessment of an interview, as the worker
// would, with overall score overall.
func (f *decideFixture) assessed(t *testing.T, interviewID string, overall float64, rec interview.Recommendation) interview.Assessment {
	t.Helper()
	ctx := context.Background()
	a := interview.Assessment{TenantID: f.owner.TenantID, InterviewID: interviewID, Status: interview.AssessmentPending,
		NextAttempt: f.now, Model: "gpt-test"}
	if err := f.st.EnqueueAssessment(ctx, &a); err != nil {
		t.Fatal(err)
	}
	claimed, err := f.st.ClaimAssessments(ctx, f.now.Add(time.Hour), time.Minute, 10)
	if err != nil || len(claimed) != 1 {
		t.Fatalf("claim: %v %v", claimed, err)
	}
	a = claimed[0]
	r, err := f.svc.Rubric(ctx, f.owner, f.position.ID)
	if err != nil {
		t.Fatal(err)
	}
	res := &interview.AssessmentResult{Summary: "Solid.", Recommendation: rec, Overall: overall}
	for _, c := range r.Competencies {
		res.Competencies = append(res.Competencies, interview.CompetencyScore{Key: c.Key, Score: int(overall), Rationale: "r",
			Evidence: []interview.Evidence{{Seq: 2, Quote: "Go services"}}})
	}
	a.Status, a.Result, a.RubricVersion, a.PromptVersion, a.TranscriptHash = interview.AssessmentDone, res, r.Version, "p1", "h"
	done := f.now.Add(time.Hour)
	a.CompletedAt = &done
	if err := f.st.FinishAssessment(ctx, &a); err != nil {
		t.Fatal(err)
	}
	return a
}

// wantCode fails unless err has code.
func wantCode(t *testing.T, what string, err error, code interview.Code) {
	t.Helper()
	if got := interview.ErrorCode(err); got != code {
		t.Fatalf("%s: error %v (code %s), want %s", what, err, got, code)
	}
}
