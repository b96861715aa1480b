package web

import (
	"context"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/interviewd/interviewd/internal/hiring"
	"github.com/interviewd/interviewd/internal/store"
	"github.com/interviewd/interviewd/templates"
)

// Mailer queues e-mail in the outbox (mail.Worker); nil when SMTP_URL is
// unset, and then links are only shown to copy (docs/email.md).
type Mailer interface {
	Enqueue(ctx context.Context, m *store.Mail) error
}

// errNoMail refuses to send e-mail when SMTP_URL is unset.
var errNoMail = invalidf("e-mail is not configured on this server (SMTP_URL): copy the link instead")

// mailRoutes are the e-mail actions, under /app.
func (s *server) mailRoutes(r chi.Router) {
	r.Post("/interviews/{id}/invitation", s.sendInvitation)
}

// sendInvitation e-mails the candidate their join link.
func (s *server) sendInvitation(w http.ResponseWriter, r *http.Request) {
	a, canEdit := actor(r)
	if !canEdit {
		s.fail(w, r, errReadOnly)
		return
	}
	iv, err := s.hiring.Interview(r.Context(), a, chi.URLParam(r, "id"))
	if err == nil {
		err = s.queueInvitation(r.Context(), iv)
	}
	s.thenRedirect(w, r, err, "/app/interviews/"+iv.ID+"?done=invitation")
}

// queueInvitation puts iv's invitation in the outbox, or refuses when
// e-mail is off or the link cannot be used.
func (s *server) queueInvitation(ctx context.Context, iv hiring.Interview) error {
	switch {
	case s.mail == nil:
		return errNoMail
	case !s.hiring.LinkUsable(iv.Session):
		return invalidf("the join link cannot be used (revoked, expired or the interview has ended): re-issue it first")
	}
	return s.mail.Enqueue(ctx, &store.Mail{TenantID: iv.TenantID, Kind: store.MailInvitation,
		InterviewID: iv.ID, To: iv.Candidate.Email})
}

// mailView is what the interview page shows of e-mail: whether it can be
// sent, and the messages about the interview, for the timeline.
func (s *server) mailView(ctx context.Context, iv hiring.Interview) (templates.MailView, error) {
	v := templates.MailView{On: s.mail != nil}
	list, err := s.store.ListInterviewMail(ctx, iv.TenantID, iv.ID)
	if err != nil {
		return v, err
	}
	for _, m := range list {
		v.Lines = append(v.Lines, templates.MailLine{Kind: m.Kind, To: m.To, Status: m.Status,
			At: m.CreatedAt, SentAt: m.SentAt, Error: m.LastError})
	}
	return v, nil
}
