package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

// A recruiter's whole flow works through As for a member of the tenant.
func TestAsMemberFlow(t *testing.T) {
	t.Parallel()
	s := openStore(t)
	w := newWorld(t, s)
	ctx := context.Background()
	for _, u := range []interview.User{w.a.owner, w.a.recruiter} {
		t.Run(u.Email, func(t *testing.T) {
			recruiterFlow(t, ctx, s.As(actorOf(u)), w.a.tenant.ID)
		})
	}
}

func recruiterFlow(t *testing.T, ctx context.Context, as store.Store, tenantID string) {
	p := interview.Position{TenantID: tenantID, Title: "Designer", Questions: []string{"One?", "Two?"}}
	if err := as.CreatePosition(ctx, &p); err != nil {
		t.Fatalf("create position: %v", err)
	}
	c := interview.Candidate{TenantID: tenantID, Name: "Ada", Email: "ada@example.com"}
	if err := as.CreateCandidate(ctx, &c); err != nil {
		t.Fatalf("create candidate: %v", err)
	}
	v := interview.Session{TenantID: tenantID, PositionID: p.ID, CandidateID: c.ID}
	if err := as.CreateSession(ctx, &v); err != nil {
		t.Fatalf("create session: %v", err)
	}
	list, err := as.ListSessions(ctx, tenantID, interview.SessionFilter{Query: "ADA", PositionID: p.ID})
	if err != nil || len(list) != 1 || list[0].ID != v.ID || list[0].PositionTitle != "Designer" {
		t.Fatalf("list sessions = %+v, %v", list, err)
	}
	for _, to := range []interview.Status{interview.StatusReady, interview.StatusInProgress} {
		if _, err := as.TransitionSession(ctx, tenantID, v.ID, to, "", time.Time{}); err != nil {
			t.Fatalf("transition to %s: %v", to, err)
		}
	}
	entries := []interview.TranscriptEntry{
		{ItemID: "i1", Speaker: interview.SpeakerInterviewer, Text: "One?", Timestamp: time.Now(), Source: interview.SourceSideband},
		{ItemID: "i2", Speaker: interview.SpeakerCandidate, Text: "Yes.", Timestamp: time.Now(), Source: interview.SourceSideband},
	}
	if _, err := as.AppendTranscript(ctx, tenantID, v.ID, entries); err != nil {
		t.Fatalf("append transcript: %v", err)
	}
	got, err := as.ListTranscript(ctx, tenantID, v.ID, 0)
	if err != nil || len(got) != 2 || got[0].Seq != 1 || got[1].Seq != 2 || got[1].Text != "Yes." {
		t.Fatalf("list transcript = %+v, %v", got, err)
	}
	if _, err := as.TransitionSession(ctx, tenantID, v.ID, interview.StatusCompleted, "done", time.Time{}); err != nil {
		t.Fatalf("complete: %v", err)
	}
	if _, err := as.AppendTranscript(ctx, tenantID, v.ID, entries); !errors.Is(err, store.ErrClosed) {
		t.Fatalf("append after completion: %v, want ErrClosed", err)
	}
}

// Another tenant's member, through As, finds nothing of tenant A, even when
// the query names A's tenant ID: the policies hide it.
func TestAsOtherTenantSeesNotFound(t *testing.T) {
	t.Parallel()
	s := openStore(t)
	w := newWorld(t, s)
	ctx := context.Background()
	a := w.a
	as := s.As(actorOf(w.b.owner))
	notFound := map[string]error{}
	_, notFound["GetTenant"] = as.GetTenant(ctx, a.tenant.ID)
	_, notFound["GetPosition"] = as.GetPosition(ctx, a.tenant.ID, a.position.ID)
	_, notFound["GetCandidate"] = as.GetCandidate(ctx, a.tenant.ID, a.candidate.ID)
	_, notFound["GetSession"] = as.GetSession(ctx, a.tenant.ID, a.session.ID)
	_, notFound["GetSessionByJoinHash"] = as.GetSessionByJoinHash(ctx, a.session.JoinTokenHash)
	_, notFound["GetMembership"] = as.GetMembership(ctx, a.tenant.ID, a.owner.ID)
	_, notFound["GetUser"] = as.GetUser(ctx, a.owner.ID)
	_, notFound["TransitionSession"] = as.TransitionSession(ctx, a.tenant.ID, a.session.ID, interview.StatusReady, "", time.Time{})
	_, notFound["AppendTranscript"] = as.AppendTranscript(ctx, a.tenant.ID, a.session.ID, []interview.TranscriptEntry{{
		ItemID: "x", Speaker: interview.SpeakerCandidate, Text: "x", Timestamp: time.Now(), Source: interview.SourceAPI}})
	_, notFound["ListTranscript"] = as.ListTranscript(ctx, a.tenant.ID, a.session.ID, 0)
	_, notFound["ListVideoSegments"] = as.ListVideoSegments(ctx, a.tenant.ID, a.session.ID)
	_, notFound["ListConsents"] = as.ListConsents(ctx, a.tenant.ID, a.session.ID)
	notFound["UpdatePosition"] = as.UpdatePosition(ctx, &interview.Position{ID: a.position.ID, TenantID: a.tenant.ID, Title: "pwned"})
	notFound["ArchivePosition"] = as.ArchivePosition(ctx, a.tenant.ID, a.position.ID, time.Time{})
	notFound["UpdateSessionCall"] = as.UpdateSessionCall(ctx, a.tenant.ID, a.session.ID, interview.CallInfo{CallID: "rtc_x"})
	notFound["UpdateSessionProgress"] = as.UpdateSessionProgress(ctx, a.tenant.ID, a.session.ID, 2, time.Now())
	notFound["SetJoinToken"] = as.SetJoinToken(ctx, a.tenant.ID, a.session.ID, 7, "mine", time.Now().Add(time.Hour))
	notFound["RevokeJoinToken"] = as.RevokeJoinToken(ctx, a.tenant.ID, a.session.ID, time.Time{})
	notFound["UpdateMemberRole"] = as.UpdateMemberRole(ctx, a.tenant.ID, a.owner.ID, interview.RoleViewer)
	notFound["RemoveMember"] = as.RemoveMember(ctx, a.tenant.ID, a.owner.ID)
	notFound["RevokeAPIKey"] = as.RevokeAPIKey(ctx, a.tenant.ID, "00000000-0000-0000-0000-000000000000", time.Time{})
	notFound["SaveRubric"] = as.SaveRubric(ctx, &interview.Rubric{TenantID: a.tenant.ID, PositionID: a.position.ID,
		Competencies: a.rubric.Competencies, QuestionLinks: a.rubric.QuestionLinks})
	_, notFound["GetRubric"] = as.GetRubric(ctx, a.tenant.ID, a.position.ID, 0)
	_, notFound["ListQuestionMarks"] = as.ListQuestionMarks(ctx, a.tenant.ID, a.session.ID)
	_, notFound["GetAssessment"] = as.GetAssessment(ctx, a.tenant.ID, a.assessment.ID)
	_, notFound["ListAssessments"] = as.ListAssessments(ctx, a.tenant.ID, a.session.ID)
	_, notFound["ListPositionAssessments"] = as.ListPositionAssessments(ctx, a.tenant.ID, a.position.ID)
	_, notFound["ListScorecards"] = as.ListScorecards(ctx, a.tenant.ID, a.session.ID)
	_, notFound["ListPositionScorecards"] = as.ListPositionScorecards(ctx, a.tenant.ID, a.position.ID)
	_, notFound["ListHiringDecisions"] = as.ListHiringDecisions(ctx, a.tenant.ID, a.session.ID)
	_, notFound["SetHiringStatus"] = as.SetHiringStatus(ctx, &interview.HiringDecision{TenantID: a.tenant.ID,
		InterviewID: a.session.ID, Status: interview.HiringRejected, ActorKind: "user", ActorID: w.b.owner.ID})
	for name, err := range notFound {
		if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s: %v, want ErrNotFound", name, err)
		}
	}

	empty := map[string]int{}
	ss, err := as.ListSessions(ctx, a.tenant.ID, interview.SessionFilter{})
	empty["ListSessions"] = len(ss) + errLen(err)
	ps, err := as.ListPositions(ctx, a.tenant.ID, interview.PositionFilter{IncludeArchived: true})
	empty["ListPositions"] = len(ps) + errLen(err)
	ms, err := as.ListMembers(ctx, a.tenant.ID)
	empty["ListMembers"] = len(ms) + errLen(err)
	ks, err := as.ListAPIKeys(ctx, a.tenant.ID)
	empty["ListAPIKeys"] = len(ks) + errLen(err)
	es, err := as.ListAudit(ctx, a.tenant.ID, 0)
	empty["ListAudit"] = len(es) + errLen(err)
	for name, n := range empty {
		if n != 0 {
			t.Errorf("%s returned %d rows (or an error) of another tenant", name, n)
		}
	}

	// Writing into A is refused by the policies' WITH CHECK.
	forbidden := map[string]error{
		"CreatePosition": as.CreatePosition(ctx, &interview.Position{TenantID: a.tenant.ID, Title: "x"}),
		"CreateCandidate": as.CreateCandidate(ctx, &interview.Candidate{TenantID: a.tenant.ID,
			Name: "x", Email: "x@example.com"}),
		"AddMember": as.AddMember(ctx, &interview.Membership{TenantID: a.tenant.ID,
			UserID: w.b.owner.ID, Role: interview.RoleOwner}),
		"AppendAudit": as.AppendAudit(ctx, &interview.AuditEvent{TenantID: a.tenant.ID,
			ActorType: "user", ActorID: w.b.owner.ID, Action: "x"}),
		"CreateAPIKey":      as.CreateAPIKey(ctx, &interview.APIKey{TenantID: a.tenant.ID, Name: "x", Hash: "x"}),
		"EnqueueAssessment": as.EnqueueAssessment(ctx, &interview.Assessment{TenantID: a.tenant.ID, InterviewID: a.started.ID}),
		"SaveScorecard": as.SaveScorecard(ctx, &interview.Scorecard{TenantID: a.tenant.ID, InterviewID: a.started.ID,
			ReviewerID: w.b.owner.ID, Recommendation: interview.RecommendNo}),
	}
	for name, err := range forbidden {
		if !errors.Is(err, interview.ErrForbidden) {
			t.Errorf("%s: %v, want ErrForbidden", name, err)
		}
	}
}

func errLen(err error) int {
	if err != nil {
		return 1
	}
	return 0
}

// A viewer reads but cannot write.
func TestAsViewerReadsOnly(t *testing.T) {
	t.Parallel()
	s := openStore(t)
	w := newWorld(t, s)
	ctx := context.Background()
	as := s.As(actorOf(w.a.viewer))
	if _, err := as.GetSession(ctx, w.a.tenant.ID, w.a.session.ID); err != nil {
		t.Fatalf("viewer reads interview: %v", err)
	}
	if got, err := as.ListTranscript(ctx, w.a.tenant.ID, w.a.session.ID, 0); err != nil || len(got) != 1 {
		t.Fatalf("viewer reads transcript: %v, %v", got, err)
	}
	err := as.CreatePosition(ctx, &interview.Position{TenantID: w.a.tenant.ID, Title: "x"})
	if !errors.Is(err, interview.ErrForbidden) {
		t.Errorf("viewer creates position: %v, want ErrForbidden", err)
	}
	err = as.ArchivePosition(ctx, w.a.tenant.ID, w.a.position.ID, time.Time{})
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("viewer archives position: %v, want ErrNotFound", err)
	}
	if ks, err := as.ListAPIKeys(ctx, w.a.tenant.ID); err != nil || len(ks) != 0 {
		t.Errorf("viewer lists API keys: %d, %v; want none", len(ks), err)
	}
}

// Claims carrying a candidate's email, in any case, reach nothing through
// As: Supabase Auth hands anyone who signs up with that address such a
// token, so candidates reach their interview through the join link only.
func TestAsCandidateEmailReachesNothing(t *testing.T) {
	t.Parallel()
	s := openStore(t)
	w := newWorld(t, s)
	ctx := context.Background()
	a := w.a
	for _, email := range []string{a.candidate.Email, strings.ToUpper(a.candidate.Email)} {
		t.Run(email, func(t *testing.T) {
			as := s.As(store.Actor{UserID: uuid.NewString(), Email: email})
			if _, err := as.GetSession(ctx, a.tenant.ID, a.session.ID); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("reads the candidate's interview: %v, want ErrNotFound", err)
			}
			if got, err := as.ListTranscript(ctx, a.tenant.ID, a.session.ID, 0); len(got) != 0 || (err != nil && !errors.Is(err, store.ErrNotFound)) {
				t.Errorf("reads the candidate's transcript: %d entries, %v", len(got), err)
			}
			if list, err := as.ListSessions(ctx, a.tenant.ID, interview.SessionFilter{}); len(list) != 0 || err != nil {
				t.Errorf("lists interviews: %d, %v; want none", len(list), err)
			}
			if _, err := as.GetCandidate(ctx, a.tenant.ID, a.candidate.ID); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("reads candidates: %v", err)
			}
		})
	}
}

// The role and claims of As end with each transaction: the pooled
// connection that served them is back to the privileged role with no
// claims, after a success and after a failure.
func TestAsClaimsDoNotLeak(t *testing.T) {
	t.Parallel()
	s := openURL(t, withParam(t, newDatabase(t), "pool_max_conns", "1"))
	w := newWorld(t, s)
	ctx := context.Background()
	as := s.As(actorOf(w.a.owner))
	check := func(after string) {
		t.Helper()
		var user, claims string
		err := s.pool.QueryRow(ctx, `SELECT current_user,
			coalesce(current_setting('request.jwt.claims', true), '')`).Scan(&user, &claims)
		if err != nil {
			t.Fatal(err)
		}
		if user == "authenticated" || claims != "" {
			t.Errorf("after %s: current_user %q, claims %q", after, user, claims)
		}
	}
	if _, err := as.GetSession(ctx, w.a.tenant.ID, w.a.session.ID); err != nil {
		t.Fatal(err)
	}
	check("a batched read")
	if _, err := as.TransitionSession(ctx, w.a.tenant.ID, w.a.session.ID, interview.StatusReady, "", time.Time{}); err != nil {
		t.Fatal(err)
	}
	check("a transaction")
	if _, err := as.GetSession(ctx, w.a.tenant.ID, "not-a-uuid"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("malformed id: %v", err)
	}
	check("a failed read")
	if err := as.CreatePosition(ctx, &interview.Position{TenantID: w.b.tenant.ID, Title: "x"}); err == nil {
		t.Fatal("wrote into another tenant")
	}
	check("a refused write")
	if _, err := as.TransitionSession(ctx, w.a.tenant.ID, w.a.session.ID, interview.StatusCompleted, "", time.Time{}); err == nil {
		t.Fatal("illegal transition accepted")
	}
	check("a failed transaction")
	// And the privileged path still sees every tenant.
	if _, err := s.GetSession(ctx, w.b.tenant.ID, w.b.session.ID); err != nil {
		t.Fatalf("privileged read after As: %v", err)
	}
}

// Concurrent appends through As, some repeating each other's items, keep
// Seq gap-free and store every item once: the FOR UPDATE lock holds under
// row-level security too.
func TestAsConcurrentAppend(t *testing.T) {
	t.Parallel()
	s := openStore(t)
	w := newWorld(t, s)
	ctx := context.Background()
	as := s.As(actorOf(w.a.recruiter))
	const writers, perWriter = 8, 10
	errs := make(chan error, writers)
	for g := range writers {
		go func() {
			var batch []interview.TranscriptEntry
			for i := range perWriter {
				// Writers g and g+1 share half their items.
				item := fmt.Sprintf("w%d-%d", (g+i%2)%writers, i)
				batch = append(batch, interview.TranscriptEntry{ItemID: item, Speaker: interview.SpeakerCandidate,
					Text: item, Timestamp: time.Now(), Source: interview.SourceClient})
			}
			_, err := as.AppendTranscript(ctx, w.a.tenant.ID, w.a.session.ID, batch)
			errs <- err
		}()
	}
	for range writers {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.ListTranscript(ctx, w.a.tenant.ID, w.a.session.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	items := map[string]bool{}
	for i, e := range got {
		if e.Seq != int64(i+1) {
			t.Fatalf("entry %d has seq %d: not gap-free", i, e.Seq)
		}
		if items[e.ItemID] {
			t.Fatalf("item %s stored twice", e.ItemID)
		}
		items[e.ItemID] = true
	}
	// The fixture's one entry plus every distinct item.
	if want := 1 + writers*perWriter; len(got) != want {
		t.Errorf("%d entries, want %d", len(got), want)
	}
}
