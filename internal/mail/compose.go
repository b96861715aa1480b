package mail

import (
	"context"
	"errors"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

// gone is a message that can never be sent: a permanent SendError.
func gone(why string) error { return &SendError{Err: errors.New(why)} }

// lookupError is a failed read of what a message names: gone when the row
// is, else temporary (the database will answer again).
func lookupError(err error, what string) error {
	if errors.Is(err, store.ErrNotFound) {
		return gone(what + " no longer exists")
	}
	return &SendError{Temporary: true, Err: err}
}

// compose reads what m names and writes its content, or says why it can
// never be sent.
func (w *Worker) compose(ctx context.Context, m store.Mail) (Content, error) {
	t, err := w.cfg.Store.GetTenant(ctx, m.TenantID)
	if err != nil {
		return Content{}, lookupError(err, "the organisation")
	}
	if m.Kind == store.MailTeamInvitation {
		return w.composeTeam(ctx, t, m)
	}
	v, err := w.cfg.Store.GetSession(ctx, m.TenantID, m.InterviewID)
	if err != nil {
		return Content{}, lookupError(err, "the interview")
	}
	if err := w.usable(v); err != nil {
		return Content{}, err
	}
	c, err := w.cfg.Store.GetCandidate(ctx, m.TenantID, v.CandidateID)
	if err != nil {
		return Content{}, lookupError(err, "the candidate")
	}
	p, err := w.cfg.Store.GetPosition(ctx, m.TenantID, v.PositionID)
	if err != nil {
		return Content{}, lookupError(err, "the position")
	}
	return InvitationContent(t.Name, c.Name, p.Title, w.cfg.JoinURL(v), v.JoinExpiresAt, m.Kind == store.MailReminder), nil
}

// usable refuses an interview whose link the candidate can no longer use,
// or need not: it has started or ended, or its link was revoked or expired.
func (w *Worker) usable(v interview.Session) error {
	switch {
	case v.Status.Terminal():
		return gone("the interview has ended")
	case v.Status == interview.StatusInProgress:
		return gone("the interview has started")
	case v.JoinRevokedAt != nil:
		return gone("the link was revoked")
	case !w.cfg.Now().Before(v.JoinExpiresAt):
		return gone("the link has expired")
	}
	return nil
}

// composeTeam writes a team invitation that is still open.
func (w *Worker) composeTeam(ctx context.Context, t interview.Tenant, m store.Mail) (Content, error) {
	open, err := w.cfg.Store.ListInvitations(ctx, m.TenantID)
	if err != nil {
		return Content{}, lookupError(err, "the invitation")
	}
	for _, inv := range open {
		if inv.ID != m.InvitationID {
			continue
		}
		if !w.cfg.Now().Before(inv.ExpiresAt) {
			return Content{}, gone("the invitation has expired")
		}
		return TeamInvitationContent(t.Name, string(inv.Role), m.Link, inv.ExpiresAt), nil
	}
	return Content{}, gone("the invitation was accepted or revoked")
}
