package hiring

import (
	"context"
	"errors"
	"fmt"

	"github.com/interviewd/interviewd/internal/auth"
	"github.com/interviewd/interviewd/internal/interview"
)

// Refusal says why a join link that was once valid no longer opens its
// interview.
type Refusal string

// The reasons a known join link is refused.
const (
	RefusedRevoked Refusal = "revoked" // a recruiter withdrew or replaced the link
	RefusedExpired Refusal = "expired" // the link's time ran out
	RefusedEnded   Refusal = "ended"   // the interview has already ended
)

// Landing is what a candidate's join link opens: the interview, the
// organisation that runs it and the position it is for. Refusal is empty
// when the link may be used now.
type Landing struct {
	Interview
	Organisation interview.Tenant
	Refusal      Refusal
}

// errNoLink is the one answer for a token that is malformed or matches no
// interview, so that a guess learns nothing.
var errNoLink = interview.Errorf(interview.CodeNotFound, "this interview link does not exist")

// JoinLanding looks up the interview a candidate's join token opens, on the
// privileged path (the candidate has no account; the token is their key).
// A malformed or unknown token is CodeNotFound; a known one that can no
// longer be used comes back with its Refusal.
func (s *Service) JoinLanding(ctx context.Context, token string) (Landing, error) {
	if !auth.WellFormed(token, auth.JoinTokenPrefix) {
		return Landing{}, errNoLink
	}
	v, err := s.store.GetSessionByJoinHash(ctx, auth.HashToken(token))
	if errors.Is(err, interview.ErrNotFound) {
		return Landing{}, errNoLink
	} else if err != nil {
		return Landing{}, fmt.Errorf("join landing: %w", err)
	}
	l := Landing{Interview: Interview{Session: v}, Refusal: s.refusal(v)}
	if err := s.fillLanding(ctx, &l); err != nil {
		return Landing{}, fmt.Errorf("join landing %s: %w", v.ID, err)
	}
	return l, nil
}

// refusal applies the link's lifecycle: an ended interview outranks a
// revoked link, which outranks an expired one.
func (s *Service) refusal(v interview.Session) Refusal {
	switch {
	case v.Status.Terminal():
		return RefusedEnded
	case v.JoinRevokedAt != nil:
		return RefusedRevoked
	case !s.now().Before(v.JoinExpiresAt):
		return RefusedExpired
	}
	return ""
}

func (s *Service) fillLanding(ctx context.Context, l *Landing) error {
	var err error
	if l.Organisation, err = s.store.GetTenant(ctx, l.TenantID); err != nil {
		return err
	}
	if l.Position, err = s.store.GetPosition(ctx, l.TenantID, l.PositionID); err != nil {
		return err
	}
	l.Candidate, err = s.store.GetCandidate(ctx, l.TenantID, l.CandidateID)
	return err
}

// LinkUsable reports whether an interview's join link opens it now.
func (s *Service) LinkUsable(v interview.Session) bool { return s.refusal(v) == "" }
