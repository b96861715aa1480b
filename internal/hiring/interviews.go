package hiring

import (
	"context"
	"errors"
	"strings"

	"github.com/google/uuid"

	"github.com/interviewd/interviewd/internal/auth"
	"github.com/interviewd/interviewd/internal/interview"
)

// Interview is an interview with what a recruiter sees beside it.
type Interview struct {
	interview.Session
	Candidate interview.Candidate
	Position  interview.Position
	JoinURL   string
}

// CandidateInput names the person to interview.
type CandidateInput struct {
	Name  string
	Email string
}

// CreateInterview creates a candidate and a pending interview for them on
// an active position, with a fresh join link.
func (s *Service) CreateInterview(ctx context.Context, a Actor, positionID string, in CandidateInput) (Interview, error) {
	if err := canEdit(a); err != nil {
		return Interview{}, err
	}
	db := s.db(a)
	p, err := db.GetPosition(ctx, a.TenantID, positionID)
	switch {
	case errors.Is(err, interview.ErrNotFound):
		err = interview.FieldErrorf("positionId", "no such position")
	case err != nil:
		return Interview{}, wrap("create interview", err)
	case p.Archived():
		err = interview.FieldErrorf("positionId", "position %q is archived", p.Title)
	}
	c := interview.Candidate{TenantID: a.TenantID, Name: strings.TrimSpace(in.Name), Email: interview.NormalizeEmail(in.Email)}
	if err := interview.JoinFields(err, interview.PrefixFields("candidate.", c.Validate())); err != nil {
		return Interview{}, err
	}
	if err := db.CreateCandidate(ctx, &c); err != nil {
		return Interview{}, wrap("create candidate", err)
	}
	v := interview.Session{
		ID: uuid.NewString(), TenantID: a.TenantID, PositionID: p.ID, CandidateID: c.ID,
		Status: interview.StatusPending, JoinVersion: 1, JoinExpiresAt: s.now().Add(s.linkTTL),
	}
	v.JoinTokenHash = auth.HashToken(s.links.Token(v.ID, v.JoinVersion))
	if err := db.CreateSession(ctx, &v); err != nil {
		return Interview{}, wrap("create interview", err)
	}
	s.audit(ctx, a, "interview.created", "interview", v.ID, map[string]string{"position": p.ID, "candidate": c.Email})
	return Interview{Session: v, Candidate: c, Position: p, JoinURL: s.JoinURL(v)}, nil
}

// Interview returns one interview of the actor's tenant.
func (s *Service) Interview(ctx context.Context, a Actor, id string) (Interview, error) {
	db := s.db(a)
	v, err := db.GetSession(ctx, a.TenantID, id)
	if err != nil {
		return Interview{}, wrap("get interview", err)
	}
	c, err := db.GetCandidate(ctx, a.TenantID, v.CandidateID)
	if err != nil {
		return Interview{}, wrap("get interview", err)
	}
	p, err := db.GetPosition(ctx, a.TenantID, v.PositionID)
	if err != nil {
		return Interview{}, wrap("get interview", err)
	}
	return Interview{Session: v, Candidate: c, Position: p, JoinURL: s.JoinURL(v)}, nil
}

// Interviews lists the actor's interviews, newest first.
func (s *Service) Interviews(ctx context.Context, a Actor, f interview.SessionFilter) ([]interview.SessionSummary, error) {
	list, err := s.db(a).ListSessions(ctx, a.TenantID, f)
	return list, wrap("list interviews", err)
}

// Transcript returns an interview's transcript in order.
func (s *Service) Transcript(ctx context.Context, a Actor, id string) ([]interview.TranscriptEntry, error) {
	entries, err := s.db(a).ListTranscript(ctx, a.TenantID, id, 0)
	return entries, wrap("get transcript", err)
}

// RevokeLink stops an interview's join link from working.
func (s *Service) RevokeLink(ctx context.Context, a Actor, id string) error {
	if err := canEdit(a); err != nil {
		return err
	}
	if err := s.db(a).RevokeJoinToken(ctx, a.TenantID, id, s.now()); err != nil {
		return wrap("revoke link", err)
	}
	s.audit(ctx, a, "interview.link_revoked", "interview", id, nil)
	return nil
}

// ReissueLink gives an interview a new join link (the old one stops
// working) with a fresh expiry.
func (s *Service) ReissueLink(ctx context.Context, a Actor, id string) (Interview, error) {
	if err := canEdit(a); err != nil {
		return Interview{}, err
	}
	v, err := s.db(a).GetSession(ctx, a.TenantID, id)
	if err != nil {
		return Interview{}, wrap("reissue link", err)
	}
	if v.Status.Terminal() {
		return Interview{}, interview.Errorf(interview.CodeClosed, "the interview has ended; create a new one instead")
	}
	version := v.JoinVersion + 1
	hash := auth.HashToken(s.links.Token(v.ID, version))
	if err := s.db(a).SetJoinToken(ctx, a.TenantID, id, version, hash, s.now().Add(s.linkTTL)); err != nil {
		return Interview{}, wrap("reissue link", err)
	}
	s.audit(ctx, a, "interview.link_reissued", "interview", id, nil)
	return s.Interview(ctx, a, id)
}
