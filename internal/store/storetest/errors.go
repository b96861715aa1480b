package storetest

import (
	"context"
	"strings"
	"testing"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

func testNotFound(t *testing.T, s store.Store) {
	f := newTenant(t, s)
	tn, nobody := f.Tenant.ID, unique()
	for name, call := range map[string]func(ctx context.Context) error{
		"GetTenant":       func(ctx context.Context) error { _, err := s.GetTenant(ctx, nobody); return err },
		"GetUser":         func(ctx context.Context) error { _, err := s.GetUser(ctx, nobody); return err },
		"GetUserByEmail":  func(ctx context.Context) error { _, err := s.GetUserByEmail(ctx, nobody+"@example.com"); return err },
		"SetPasswordHash": func(ctx context.Context) error { return s.SetPasswordHash(ctx, nobody, "h") },
		"GetMembership":   func(ctx context.Context) error { _, err := s.GetMembership(ctx, tn, nobody); return err },
		"AddMember user": func(ctx context.Context) error {
			return s.AddMember(ctx, &interview.Membership{TenantID: tn, UserID: nobody, Role: interview.RoleViewer})
		},
		"AddMember tenant": func(ctx context.Context) error {
			return s.AddMember(ctx, &interview.Membership{TenantID: nobody, UserID: f.Owner.ID, Role: interview.RoleViewer})
		},
		"UpdateMemberRole":     func(ctx context.Context) error { return s.UpdateMemberRole(ctx, tn, nobody, interview.RoleViewer) },
		"GetPosition":          func(ctx context.Context) error { _, err := s.GetPosition(ctx, tn, nobody); return err },
		"ArchivePosition":      func(ctx context.Context) error { return s.ArchivePosition(ctx, tn, nobody, at(1)) },
		"GetCandidate":         func(ctx context.Context) error { _, err := s.GetCandidate(ctx, tn, nobody); return err },
		"GetSession":           func(ctx context.Context) error { _, err := s.GetSession(ctx, tn, nobody); return err },
		"GetSessionByJoinHash": func(ctx context.Context) error { _, err := s.GetSessionByJoinHash(ctx, nobody); return err },
		"CreateSession": func(ctx context.Context) error {
			return s.CreateSession(ctx, &interview.Session{TenantID: tn, PositionID: nobody, CandidateID: f.Candidate.ID})
		},
		"TransitionSession": func(ctx context.Context) error {
			_, err := s.TransitionSession(ctx, tn, nobody, interview.StatusReady, "", at(1))
			return err
		},
		"UpdateSessionCall": func(ctx context.Context) error { return s.UpdateSessionCall(ctx, tn, nobody, interview.CallInfo{}) },
		"SetJoinToken":      func(ctx context.Context) error { return s.SetJoinToken(ctx, tn, nobody, 1, unique(), at(1)) },
		"RevokeJoinToken":   func(ctx context.Context) error { return s.RevokeJoinToken(ctx, tn, nobody, at(1)) },
		"GetAPIKeyByHash":   func(ctx context.Context) error { _, err := s.GetAPIKeyByHash(ctx, nobody); return err },
		"RevokeAPIKey":      func(ctx context.Context) error { return s.RevokeAPIKey(ctx, tn, nobody, at(1)) },
		"TouchAPIKey":       func(ctx context.Context) error { return s.TouchAPIKey(ctx, tn, nobody, at(1)) },
		"AppendAudit tenant": func(ctx context.Context) error {
			return s.AppendAudit(ctx, &interview.AuditEvent{TenantID: nobody, ActorType: "system", Action: "x"})
		},
		"CreateLogin user": func(ctx context.Context) error {
			return s.CreateLogin(ctx, &interview.Login{UserID: nobody, TenantID: tn, TokenHash: unique(), ExpiresAt: at(1)})
		},
		"CreateLogin tenant": func(ctx context.Context) error {
			return s.CreateLogin(ctx, &interview.Login{UserID: f.Owner.ID, TenantID: nobody, TokenHash: unique(), ExpiresAt: at(1)})
		},
		"GetLoginByHash":    func(ctx context.Context) error { _, err := s.GetLoginByHash(ctx, nobody); return err },
		"TouchLogin":        func(ctx context.Context) error { return s.TouchLogin(ctx, nobody, at(1), at(2)) },
		"SwitchLoginTenant": func(ctx context.Context) error { return s.SwitchLoginTenant(ctx, nobody, tn) },
		"DeleteLogin":       func(ctx context.Context) error { return s.DeleteLogin(ctx, nobody) },
		"CreateInvitation tenant": func(ctx context.Context) error {
			return s.CreateInvitation(ctx, &interview.Invitation{TenantID: nobody, Email: "a@example.com",
				Role: interview.RoleViewer, TokenHash: unique(), ExpiresAt: at(1)})
		},
		"GetInvitationByHash": func(ctx context.Context) error { _, err := s.GetInvitationByHash(ctx, nobody); return err },
		"AcceptInvitation": func(ctx context.Context) error {
			_, err := s.AcceptInvitation(ctx, nobody, f.Owner.ID, at(1))
			return err
		},
		"RevokeInvitation": func(ctx context.Context) error { return s.RevokeInvitation(ctx, tn, nobody, at(1)) },
		"ReserveIdempotencyKey tenant": func(ctx context.Context) error {
			_, err := s.ReserveIdempotencyKey(ctx, &interview.IdempotentRequest{TenantID: nobody, Key: "k"})
			return err
		},
		"CompleteIdempotencyKey": func(ctx context.Context) error { return s.CompleteIdempotencyKey(ctx, tn, nobody, 200, nil) },
		"ReleaseIdempotencyKey":  func(ctx context.Context) error { return s.ReleaseIdempotencyKey(ctx, tn, nobody) },
		"BeginSegment": func(ctx context.Context) error {
			return s.BeginSegment(ctx, &interview.VideoSegment{TenantID: tn, InterviewID: nobody})
		},
		"GetSegment": func(ctx context.Context) error { _, err := s.GetSegment(ctx, tn, nobody, 0); return err },
		"AddChunk": func(ctx context.Context) error {
			_, err := s.AddChunk(ctx, chunk(interview.VideoSegment{TenantID: tn, InterviewID: nobody, ID: nobody}, 0, "x"), 0)
			return err
		},
		"ListChunks": func(ctx context.Context) error { _, err := s.ListChunks(ctx, tn, nobody); return err },
		"FinishSegment": func(ctx context.Context) error {
			return s.FinishSegment(ctx, &interview.VideoSegment{TenantID: tn, ID: nobody, Status: interview.SegmentReady})
		},
		"DeleteRecording":  func(ctx context.Context) error { _, err := s.DeleteRecording(ctx, tn, nobody); return err },
		"SetRetention":     func(ctx context.Context) error { return s.SetRetention(ctx, nobody, interview.Retention{}) },
		"DeleteTranscript": func(ctx context.Context) error { _, err := s.DeleteTranscript(ctx, tn, nobody); return err },
		"EraseCandidate": func(ctx context.Context) error {
			return s.EraseCandidate(ctx, &interview.Erasure{TenantID: tn, CandidateID: nobody, ActorType: "user"})
		},
		"ListCandidateInterviews": func(ctx context.Context) error { _, err := s.ListCandidateInterviews(ctx, tn, nobody); return err },
	} {
		t.Run(name, func(t *testing.T) { wantErr(t, name, call(t.Context()), store.ErrNotFound) })
	}
}

func testConflict(t *testing.T, s store.Store) {
	f := newTenant(t, s)
	member := newUser(t, s)
	must(t, s.AddMember(t.Context(), &interview.Membership{TenantID: f.Tenant.ID, UserID: member.ID, Role: interview.RoleViewer}))
	key := interview.APIKey{TenantID: f.Tenant.ID, Name: "k", Prefix: "ik", Hash: unique()}
	must(t, s.CreateAPIKey(t.Context(), &key))
	taken := f.session(t, s).JoinTokenHash
	login := f.newLogin(t, s, 60)
	inv := f.newInvitation(t, s, interview.RoleViewer, 1)
	for name, call := range map[string]func(ctx context.Context) error{
		"user email in another case": func(ctx context.Context) error {
			return s.CreateUser(ctx, &interview.User{Email: "  " + strings.ToUpper(f.Owner.Email)})
		},
		"user ID": func(ctx context.Context) error {
			return s.CreateUser(ctx, &interview.User{ID: f.Owner.ID, Email: unique() + "@example.com"})
		},
		"membership": func(ctx context.Context) error {
			return s.AddMember(ctx, &interview.Membership{TenantID: f.Tenant.ID, UserID: member.ID, Role: interview.RoleOwner})
		},
		"position ID": func(ctx context.Context) error {
			return s.CreatePosition(ctx, &interview.Position{ID: f.Position.ID, TenantID: f.Tenant.ID, Title: "Again"})
		},
		"API key hash": func(ctx context.Context) error {
			return s.CreateAPIKey(ctx, &interview.APIKey{TenantID: f.Tenant.ID, Name: "k2", Prefix: "ik", Hash: key.Hash})
		},
		"join token hash": func(ctx context.Context) error {
			w := interview.Session{TenantID: f.Tenant.ID, PositionID: f.Position.ID, CandidateID: f.Candidate.ID, JoinTokenHash: taken}
			return s.CreateSession(ctx, &w)
		},
		"login token hash": func(ctx context.Context) error {
			return s.CreateLogin(ctx, &interview.Login{UserID: f.Owner.ID, TenantID: f.Tenant.ID,
				TokenHash: login.TokenHash, ExpiresAt: at(1)})
		},
		"invitation token hash": func(ctx context.Context) error {
			return s.CreateInvitation(ctx, &interview.Invitation{TenantID: f.Tenant.ID, Email: "a@example.com",
				Role: interview.RoleViewer, TokenHash: inv.TokenHash, ExpiresAt: at(1)})
		},
	} {
		t.Run(name, func(t *testing.T) { wantErr(t, name, call(t.Context()), store.ErrConflict) })
	}
	m, err := s.GetMembership(t.Context(), f.Tenant.ID, member.ID)
	must(t, err)
	same(t, "role kept", m.Role, interview.RoleViewer)
}
