package storetest

import (
	"context"
	"slices"
	"testing"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

// world is tenant A with one of every record, and tenant B, a stranger.
type world struct {
	a, b    fixture
	session interview.Session
	segment interview.VideoSegment
	key     interview.APIKey
	member  interview.User // a recruiter of A
	login   interview.Login
	invite  interview.Invitation
	idemKey string // an idempotency key reserved in A
	rubric  interview.Rubric
	job     interview.Assessment // pending, of session
}

func newWorld(t *testing.T, s store.Store) world {
	t.Helper()
	ctx := t.Context()
	w := world{a: newTenant(t, s), b: newTenant(t, s), member: newUser(t, s)}
	must(t, s.AddMember(ctx, &interview.Membership{TenantID: w.a.Tenant.ID, UserID: w.member.ID, Role: interview.RoleRecruiter}))
	w.session = w.a.session(t, s)
	_, err := s.AppendTranscript(ctx, w.a.Tenant.ID, w.session.ID, []interview.TranscriptEntry{entry("a-1", 1)})
	must(t, err)
	w.segment = interview.VideoSegment{TenantID: w.a.Tenant.ID, InterviewID: w.session.ID, StartTime: at(1)}
	must(t, s.CreateVideoSegment(ctx, &w.segment))
	must(t, s.RecordConsent(ctx, &interview.Consent{TenantID: w.a.Tenant.ID, InterviewID: w.session.ID, TextVersion: "v1"}))
	w.key = interview.APIKey{TenantID: w.a.Tenant.ID, Name: "k", Prefix: "ik", Hash: unique()}
	must(t, s.CreateAPIKey(ctx, &w.key))
	must(t, s.AppendAudit(ctx, &interview.AuditEvent{TenantID: w.a.Tenant.ID, ActorType: "system", Action: "x"}))
	w.login = w.a.newLogin(t, s, 60)
	w.invite = w.a.newInvitation(t, s, interview.RoleViewer, 1)
	w.idemKey = unique()
	_, err = s.ReserveIdempotencyKey(ctx, &interview.IdempotentRequest{TenantID: w.a.Tenant.ID, Key: w.idemKey, Fingerprint: "a"})
	must(t, err)
	w.rubric = w.a.newRubric("Craft")
	must(t, s.SaveRubric(ctx, &w.rubric))
	must(t, s.UpdateSessionProgress(ctx, w.a.Tenant.ID, w.session.ID, 1, at(1)))
	w.job = interview.Assessment{TenantID: w.a.Tenant.ID, InterviewID: w.session.ID, NextAttempt: at(100000)}
	must(t, s.EnqueueAssessment(ctx, &w.job))
	must(t, s.SaveScorecard(ctx, &interview.Scorecard{TenantID: w.a.Tenant.ID, InterviewID: w.session.ID,
		ReviewerID: w.member.ID, Recommendation: interview.RecommendYes}))
	_, err = s.SetHiringStatus(ctx, &interview.HiringDecision{TenantID: w.a.Tenant.ID, InterviewID: w.session.ID,
		Status: interview.HiringShortlisted, ActorKind: "user", ActorID: w.member.ID})
	must(t, err)
	return w
}

// snapshot reads everything of tenant A that a stray write could change.
func (w world) snapshot(t *testing.T, s store.Store) []any {
	t.Helper()
	ctx, a := t.Context(), w.a.Tenant.ID
	var out []any
	add := func(v any, err error) { must(t, err); out = append(out, v) }
	add(s.GetPosition(ctx, a, w.a.Position.ID))
	add(s.GetSession(ctx, a, w.session.ID))
	add(s.ListTranscript(ctx, a, w.session.ID, 0))
	add(s.ListVideoSegments(ctx, a, w.session.ID))
	add(s.ListConsents(ctx, a, w.session.ID))
	add(s.GetAPIKeyByHash(ctx, w.key.Hash))
	add(s.ListMembers(ctx, a))
	add(s.GetLoginByHash(ctx, w.login.TokenHash))
	add(s.ListInvitations(ctx, a))
	add(s.GetRubric(ctx, a, w.a.Position.ID, 0))
	add(s.ListQuestionMarks(ctx, a, w.session.ID))
	add(s.ListAssessments(ctx, a, w.session.ID))
	add(s.ListScorecards(ctx, a, w.session.ID))
	add(s.ListHiringDecisions(ctx, a, w.session.ID))
	// Reserving a taken key stores nothing and returns the stored record.
	rec, err := s.ReserveIdempotencyKey(ctx, &interview.IdempotentRequest{TenantID: a, Key: w.idemKey})
	wantErr(t, "read idempotency key", err, store.ErrConflict)
	return append(out, rec)
}

func testIsolation(t *testing.T, s store.Store) {
	w := newWorld(t, s)
	t.Run("reads", func(t *testing.T) { testIsolatedReads(t, s, w) })
	t.Run("writes", func(t *testing.T) { testIsolatedWrites(t, s, w) })
	t.Run("references", func(t *testing.T) { testIsolatedReferences(t, s, w) })
	t.Run("lists", func(t *testing.T) { testIsolatedLists(t, s, w) })
}

func testIsolatedReads(t *testing.T, s store.Store, w world) {
	b := w.b.Tenant.ID
	for name, read := range map[string]func(ctx context.Context) error{
		"GetPosition":       func(ctx context.Context) error { _, err := s.GetPosition(ctx, b, w.a.Position.ID); return err },
		"GetCandidate":      func(ctx context.Context) error { _, err := s.GetCandidate(ctx, b, w.a.Candidate.ID); return err },
		"GetSession":        func(ctx context.Context) error { _, err := s.GetSession(ctx, b, w.session.ID); return err },
		"GetMembership":     func(ctx context.Context) error { _, err := s.GetMembership(ctx, b, w.member.ID); return err },
		"ListTranscript":    func(ctx context.Context) error { _, err := s.ListTranscript(ctx, b, w.session.ID, 0); return err },
		"ListVideoSegments": func(ctx context.Context) error { _, err := s.ListVideoSegments(ctx, b, w.session.ID); return err },
		"ListConsents":      func(ctx context.Context) error { _, err := s.ListConsents(ctx, b, w.session.ID); return err },
		"GetRubric":         func(ctx context.Context) error { _, err := s.GetRubric(ctx, b, w.a.Position.ID, 0); return err },
		"ListQuestionMarks": func(ctx context.Context) error { _, err := s.ListQuestionMarks(ctx, b, w.session.ID); return err },
		"GetAssessment":     func(ctx context.Context) error { _, err := s.GetAssessment(ctx, b, w.job.ID); return err },
		"ListAssessments":   func(ctx context.Context) error { _, err := s.ListAssessments(ctx, b, w.session.ID); return err },
		"ListPositionAssessments": func(ctx context.Context) error {
			_, err := s.ListPositionAssessments(ctx, b, w.a.Position.ID)
			return err
		},
		"ListScorecards": func(ctx context.Context) error { _, err := s.ListScorecards(ctx, b, w.session.ID); return err },
		"ListPositionScorecards": func(ctx context.Context) error {
			_, err := s.ListPositionScorecards(ctx, b, w.a.Position.ID)
			return err
		},
		"ListHiringDecisions": func(ctx context.Context) error { _, err := s.ListHiringDecisions(ctx, b, w.session.ID); return err },
		"GetSegment":          func(ctx context.Context) error { _, err := s.GetSegment(ctx, b, w.session.ID, 0); return err },
		"ListChunks":          func(ctx context.Context) error { _, err := s.ListChunks(ctx, b, w.segment.ID); return err },
		"ListCandidateInterviews": func(ctx context.Context) error {
			_, err := s.ListCandidateInterviews(ctx, b, w.a.Candidate.ID)
			return err
		},
	} {
		t.Run(name, func(t *testing.T) { wantErr(t, name, read(t.Context()), store.ErrNotFound) })
	}
}

func testIsolatedWrites(t *testing.T, s store.Store, w world) {
	b, id := w.b.Tenant.ID, w.session.ID
	before := w.snapshot(t, s)
	p := w.a.Position
	p.TenantID, p.Title = b, "Hijacked"
	seg := w.segment
	seg.TenantID, seg.Status = b, "failed"
	for name, write := range map[string]func(ctx context.Context) error{
		"UpdatePosition":  func(ctx context.Context) error { return s.UpdatePosition(ctx, &p) },
		"ArchivePosition": func(ctx context.Context) error { return s.ArchivePosition(ctx, b, p.ID, at(1)) },
		"UpdateSessionCall": func(ctx context.Context) error {
			return s.UpdateSessionCall(ctx, b, id, interview.CallInfo{WebRTCStatus: "closed", CallID: "rtc_x"})
		},
		"UpdateSessionProgress": func(ctx context.Context) error { return s.UpdateSessionProgress(ctx, b, id, 3, at(0)) },
		"SetJoinToken":          func(ctx context.Context) error { return s.SetJoinToken(ctx, b, id, 9, unique(), at(5)) },
		"RevokeJoinToken":       func(ctx context.Context) error { return s.RevokeJoinToken(ctx, b, id, at(5)) },
		"TransitionSession": func(ctx context.Context) error {
			_, err := s.TransitionSession(ctx, b, id, interview.StatusAbandoned, "x", at(5))
			return err
		},
		"AppendTranscript": func(ctx context.Context) error {
			_, err := s.AppendTranscript(ctx, b, id, []interview.TranscriptEntry{entry("b-1", 1)})
			return err
		},
		"UpdateVideoSegment": func(ctx context.Context) error { return s.UpdateVideoSegment(ctx, &seg) },
		"BeginSegment": func(ctx context.Context) error {
			return s.BeginSegment(ctx, &interview.VideoSegment{TenantID: b, InterviewID: id})
		},
		"AddChunk": func(ctx context.Context) error {
			c := chunk(w.segment, 5, "hijacked")
			c.TenantID = b
			_, err := s.AddChunk(ctx, c, 0)
			return err
		},
		"FinishSegment": func(ctx context.Context) error {
			v := w.segment
			v.TenantID, v.Status = b, interview.SegmentFailed
			return s.FinishSegment(ctx, &v)
		},
		"DeleteRecording":  func(ctx context.Context) error { _, err := s.DeleteRecording(ctx, b, id); return err },
		"DeleteTranscript": func(ctx context.Context) error { _, err := s.DeleteTranscript(ctx, b, id); return err },
		"EraseCandidate": func(ctx context.Context) error {
			return s.EraseCandidate(ctx, &interview.Erasure{TenantID: b, CandidateID: w.a.Candidate.ID, ActorType: "user"})
		},
		"RevokeAPIKey": func(ctx context.Context) error { return s.RevokeAPIKey(ctx, b, w.key.ID, at(5)) },
		"TouchAPIKey":  func(ctx context.Context) error { return s.TouchAPIKey(ctx, b, w.key.ID, at(5)) },
		"UpdateMemberRole": func(ctx context.Context) error {
			return s.UpdateMemberRole(ctx, b, w.member.ID, interview.RoleOwner)
		},
		"RemoveMember":      func(ctx context.Context) error { return s.RemoveMember(ctx, b, w.member.ID) },
		"SwitchLoginTenant": func(ctx context.Context) error { return s.SwitchLoginTenant(ctx, w.login.ID, b) },
		"RevokeInvitation":  func(ctx context.Context) error { return s.RevokeInvitation(ctx, b, w.invite.ID, at(5)) },
		"CompleteIdempotencyKey": func(ctx context.Context) error {
			return s.CompleteIdempotencyKey(ctx, b, w.idemKey, 500, []byte("x"))
		},
		"ReleaseIdempotencyKey": func(ctx context.Context) error { return s.ReleaseIdempotencyKey(ctx, b, w.idemKey) },
		"SaveRubric": func(ctx context.Context) error {
			r := w.a.newRubric("Hijacked")
			r.TenantID = b
			return s.SaveRubric(ctx, &r)
		},
		"EnqueueAssessment": func(ctx context.Context) error {
			return s.EnqueueAssessment(ctx, &interview.Assessment{TenantID: b, InterviewID: id})
		},
		"FinishAssessment": func(ctx context.Context) error {
			job := w.job
			job.TenantID, job.Status, job.Error = b, interview.AssessmentFailed, "hijacked"
			return s.FinishAssessment(ctx, &job)
		},
		"SaveScorecard": func(ctx context.Context) error {
			return s.SaveScorecard(ctx, &interview.Scorecard{TenantID: b, InterviewID: id, ReviewerID: w.member.ID,
				Recommendation: interview.RecommendStrongNo})
		},
		"SetHiringStatus": func(ctx context.Context) error {
			_, err := s.SetHiringStatus(ctx, &interview.HiringDecision{TenantID: b, InterviewID: id,
				Status: interview.HiringRejected, ActorKind: "user", ActorID: w.b.Owner.ID})
			return err
		},
	} {
		t.Run(name, func(t *testing.T) {
			wantErr(t, name, write(t.Context()), store.ErrNotFound)
			same(t, "tenant A's records", w.snapshot(t, s), before)
		})
	}
}

func testIsolatedReferences(t *testing.T, s store.Store, w world) {
	b, a := w.b, w.a
	for name, write := range map[string]func(ctx context.Context) error{
		"session with A's position": func(ctx context.Context) error {
			v := interview.Session{TenantID: b.Tenant.ID, PositionID: a.Position.ID, CandidateID: b.Candidate.ID}
			return s.CreateSession(ctx, &v)
		},
		"session with A's candidate": func(ctx context.Context) error {
			v := interview.Session{TenantID: b.Tenant.ID, PositionID: b.Position.ID, CandidateID: a.Candidate.ID}
			return s.CreateSession(ctx, &v)
		},
		"video segment on A's interview": func(ctx context.Context) error {
			v := interview.VideoSegment{TenantID: b.Tenant.ID, InterviewID: w.session.ID, StartTime: at(1)}
			return s.CreateVideoSegment(ctx, &v)
		},
		"consent on A's interview": func(ctx context.Context) error {
			c := interview.Consent{TenantID: b.Tenant.ID, InterviewID: w.session.ID, TextVersion: "v1"}
			return s.RecordConsent(ctx, &c)
		},
	} {
		t.Run(name, func(t *testing.T) { wantErr(t, name, write(t.Context()), store.ErrNotFound) })
	}
	before := w.snapshot(t, s)
	t.Run("nothing stored in A", func(t *testing.T) { same(t, "A", w.snapshot(t, s), before) })
}

func testIsolatedLists(t *testing.T, s store.Store, w world) {
	ctx, b := t.Context(), w.b.Tenant.ID
	positions, err := s.ListPositions(ctx, b, interview.PositionFilter{IncludeArchived: true})
	must(t, err)
	same(t, "positions", ids(positions, positionID), []string{w.b.Position.ID})
	sessions, err := s.ListSessions(ctx, b, interview.SessionFilter{})
	must(t, err)
	same(t, "sessions", len(sessions), 0)
	keys, err := s.ListAPIKeys(ctx, b)
	must(t, err)
	same(t, "api keys", len(keys), 0)
	events, err := s.ListAudit(ctx, b, 0)
	must(t, err)
	same(t, "audit", len(events), 0)
	members, err := s.ListMembers(ctx, b)
	must(t, err)
	same(t, "members", ids(members, func(m interview.Member) string { return m.UserID }), []string{w.b.Owner.ID})
	invitations, err := s.ListInvitations(ctx, b)
	must(t, err)
	same(t, "invitations", len(invitations), 0)
	// The same idempotency key in B is B's own: free, and A's record unseen.
	rec, err := s.ReserveIdempotencyKey(ctx, &interview.IdempotentRequest{TenantID: b, Key: w.idemKey, Fingerprint: "b"})
	must(t, err)
	same(t, "B's record", [2]string{rec.TenantID, rec.Fingerprint}, [2]string{b, "b"})
	memberships, err := s.ListMemberships(ctx, w.member.ID)
	must(t, err)
	if slices.ContainsFunc(memberships, func(m interview.Membership) bool { return m.TenantID == b }) {
		t.Error("A's recruiter listed as a member of B")
	}
}
