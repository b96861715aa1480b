package postgres

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

// tenantFixture is one tenant with its people and one row in every
// tenant-owned table, made on the privileged path.
type tenantFixture struct {
	tenant                   interview.Tenant
	owner, recruiter, viewer interview.User
	position                 interview.Position
	candidate                interview.Candidate
	session                  interview.Session
	login                    interview.Login
	invitation               interview.Invitation
	idempotencyKey           string
	endpoint                 interview.WebhookEndpoint
	started                  interview.Session // in progress: one delivery to endpoint
	rubric                   interview.Rubric
	scorecard                interview.Scorecard  // the owner's, of session
	assessment               interview.Assessment // pending, of session
}

// world is two tenants, a user who belongs to neither and a spare user
// nobody has added yet.
type world struct {
	a, b          tenantFixture
	nobody, spare interview.User
}

func newWorld(t *testing.T, s *Store) world {
	t.Helper()
	return world{
		a:      newTenantFixture(t, s, "a"),
		b:      newTenantFixture(t, s, "b"),
		nobody: newUser(t, s, "nobody@example.com"),
		spare:  newUser(t, s, "spare@example.com"),
	}
}

func newUser(t *testing.T, s store.Store, email string) interview.User {
	t.Helper()
	u := interview.User{Email: email, Name: email}
	if err := s.CreateUser(context.Background(), &u); err != nil {
		t.Fatalf("create user %s: %v", email, err)
	}
	return u
}

func newTenantFixture(t *testing.T, s *Store, name string) tenantFixture {
	t.Helper()
	ctx := context.Background()
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("fixture %s: %s: %v", name, what, err)
		}
	}
	var f tenantFixture
	f.owner = newUser(t, s, "owner-"+name+"@example.com")
	f.recruiter = newUser(t, s, "recruiter-"+name+"@example.com")
	f.viewer = newUser(t, s, "viewer-"+name+"@example.com")
	f.tenant = interview.Tenant{Name: "Org " + name}
	must("tenant", s.CreateTenant(ctx, &f.tenant, f.owner.ID))
	for _, m := range []struct {
		u    interview.User
		role interview.Role
	}{{f.recruiter, interview.RoleRecruiter}, {f.viewer, interview.RoleViewer}} {
		must("member", s.AddMember(ctx, &interview.Membership{TenantID: f.tenant.ID, UserID: m.u.ID, Role: m.role}))
	}
	f.position = interview.Position{TenantID: f.tenant.ID, Title: "Engineer " + name, Questions: []string{"Why?"}}
	must("position", s.CreatePosition(ctx, &f.position))
	f.candidate = interview.Candidate{TenantID: f.tenant.ID, Name: "Cand " + name, Email: "cand-" + name + "@example.com"}
	must("candidate", s.CreateCandidate(ctx, &f.candidate))
	f.session = interview.Session{TenantID: f.tenant.ID, PositionID: f.position.ID, CandidateID: f.candidate.ID,
		JoinTokenHash: "hash-" + name, JoinExpiresAt: time.Now().Add(time.Hour)}
	must("session", s.CreateSession(ctx, &f.session))
	_, err := s.AppendTranscript(ctx, f.tenant.ID, f.session.ID, []interview.TranscriptEntry{{
		ItemID: "item-1", Speaker: interview.SpeakerInterviewer, Text: "Hello " + name,
		Timestamp: time.Now(), Source: interview.SourceSideband,
	}})
	must("transcript", err)
	segment := interview.VideoSegment{TenantID: f.tenant.ID, InterviewID: f.session.ID, VideoURL: "https://video.invalid/" + name}
	must("video", s.CreateVideoSegment(ctx, &segment))
	_, err = s.AddChunk(ctx, interview.RecordingChunk{TenantID: f.tenant.ID, InterviewID: f.session.ID,
		SegmentID: segment.ID, Seq: 0, Bytes: 1, SHA256: strings.Repeat("ab", 32)}, 0)
	must("recording chunk", err)
	must("consent", s.RecordConsent(ctx, &interview.Consent{TenantID: f.tenant.ID,
		InterviewID: f.session.ID, TextVersion: "v1", IPAddress: "192.0.2.1", UserAgent: "test"}))
	must("api key", s.CreateAPIKey(ctx, &interview.APIKey{TenantID: f.tenant.ID, Name: "ci",
		Prefix: "ik_" + name, Hash: "keyhash-" + name, CreatedBy: f.owner.ID}))
	must("audit", s.AppendAudit(ctx, &interview.AuditEvent{TenantID: f.tenant.ID, ActorType: "user",
		ActorID: f.owner.ID, Action: "position.created", TargetType: "position",
		TargetID: f.position.ID, Data: map[string]string{"title": f.position.Title}}))
	f.login = interview.Login{UserID: f.owner.ID, TenantID: f.tenant.ID, TokenHash: "loginhash-" + name,
		ExpiresAt: time.Now().Add(time.Hour)}
	must("login", s.CreateLogin(ctx, &f.login))
	f.invitation = interview.Invitation{TenantID: f.tenant.ID, Email: "invitee-" + name + "@example.com",
		Role: interview.RoleViewer, TokenHash: "invitehash-" + name, InvitedBy: f.owner.ID,
		ExpiresAt: time.Now().Add(time.Hour)}
	must("invitation", s.CreateInvitation(ctx, &f.invitation))
	must("mail", s.EnqueueMail(ctx, &store.Mail{TenantID: f.tenant.ID, Kind: store.MailInvitation,
		InterviewID: f.session.ID, To: f.candidate.Email}))
	must("feedback", s.AddFeedback(ctx, &interview.Feedback{TenantID: f.tenant.ID,
		InterviewID: f.session.ID, Rating: 4, Comment: "feedback-" + name}))
	_, err = s.AddCandidateProblem(ctx, &interview.CandidateProblem{TenantID: f.tenant.ID,
		InterviewID: f.session.ID, Code: interview.ProblemMicDenied})
	must("candidate problem", err)
	_, err = s.AddUsage(ctx, &interview.Usage{TenantID: f.tenant.ID, InterviewID: f.session.ID,
		Kind: interview.UsageResponse, SourceID: "resp_" + name, UsageTokens: interview.UsageTokens{TextIn: 1}})
	must("usage", err)
	f.idempotencyKey = "idem-" + name
	_, err = s.ReserveIdempotencyKey(ctx, &interview.IdempotentRequest{TenantID: f.tenant.ID,
		Key: f.idempotencyKey, Fingerprint: "fp-" + name})
	must("idempotency key", err)
	must("idempotent response", s.CompleteIdempotencyKey(ctx, f.tenant.ID, f.idempotencyKey, 201, []byte(`{"id":"x"}`)))
	f.endpoint = interview.WebhookEndpoint{TenantID: f.tenant.ID, URL: "https://hooks.invalid/" + name,
		Secret: "whsec_" + name, CreatedBy: f.owner.ID}
	must("webhook endpoint", s.CreateWebhookEndpoint(ctx, &f.endpoint))
	f.started = interview.Session{TenantID: f.tenant.ID, PositionID: f.position.ID, CandidateID: f.candidate.ID}
	must("started interview", s.CreateSession(ctx, &f.started))
	for _, to := range []interview.Status{interview.StatusReady, interview.StatusInProgress} {
		_, err = s.TransitionSession(ctx, f.tenant.ID, f.started.ID, to, "", time.Time{})
		must("start interview", err)
	}
	_, err = s.AcquireLease(ctx, interview.CallLease{TenantID: f.tenant.ID, InterviewID: f.started.ID,
		Owner: "inst_" + name, CallID: "rtc_" + name}, time.Now(), time.Minute)
	must("call lease", err)
	addDecisionRows(t, s, &f, must)
	erased := interview.Candidate{TenantID: f.tenant.ID, Name: "Erased " + name, Email: "erased-" + name + "@example.com"}
	must("erased candidate", s.CreateCandidate(ctx, &erased))
	must("erasure", s.EraseCandidate(ctx, &interview.Erasure{TenantID: f.tenant.ID, CandidateID: erased.ID,
		ActorType: "user", ActorID: f.owner.ID}))
	return f
}

// addDecisionRows gives the fixture a row in each of issue 12's tables: a
// rubric, a question mark, the owner's scorecard of session, a pending
// assessment of it and a hiring decision.
func addDecisionRows(t *testing.T, s *Store, f *tenantFixture, must func(string, error)) {
	t.Helper()
	ctx := context.Background()
	f.rubric = interview.Rubric{TenantID: f.tenant.ID, PositionID: f.position.ID,
		Competencies:  []interview.Competency{{Key: "craft", Name: "Craft", Weight: 1}},
		QuestionLinks: [][]string{{"craft"}}}
	must("rubric", s.SaveRubric(ctx, &f.rubric))
	must("question mark", s.UpdateSessionProgress(ctx, f.tenant.ID, f.session.ID, 1, time.Now()))
	f.scorecard = interview.Scorecard{TenantID: f.tenant.ID, InterviewID: f.session.ID, ReviewerID: f.owner.ID,
		ReviewerEmail: f.owner.Email, RubricVersion: 1, Scores: map[string]int{"craft": 4},
		Recommendation: interview.RecommendYes}
	must("scorecard", s.SaveScorecard(ctx, &f.scorecard))
	f.assessment = interview.Assessment{TenantID: f.tenant.ID, InterviewID: f.session.ID, Model: "m"}
	must("assessment", s.EnqueueAssessment(ctx, &f.assessment))
	_, err := s.SetHiringStatus(ctx, &interview.HiringDecision{TenantID: f.tenant.ID, InterviewID: f.session.ID,
		Status: interview.HiringShortlisted, ActorKind: "user", ActorID: f.owner.ID, ActorName: f.owner.Email})
	must("hiring decision", err)
}

// actorOf is the store.Actor of a user.
func actorOf(u interview.User) store.Actor { return store.Actor{UserID: u.ID, Email: u.Email} }

func (f tenantFixture) String() string { return fmt.Sprintf("tenant %s", f.tenant.ID) }
