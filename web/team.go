package web

import (
	"errors"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/interviewd/interviewd/internal/auth"
	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
	"github.com/interviewd/interviewd/templates"
)

// teamRoutes are the team and API key pages, under /app.
func (s *server) teamRoutes(r chi.Router) {
	r.Get("/team", s.teamPage)
	r.Post("/team/invitations", s.invite)
	r.Post("/team/invitations/{id}/revoke", s.revokeInvitation)
	r.Post("/team/{userID}/role", s.setRole)
	r.Post("/team/{userID}/remove", s.removeMember)
	r.Get("/api-keys", s.apiKeysPage)
	r.Post("/api-keys", s.createAPIKey)
	r.Post("/api-keys/{id}/revoke", s.revokeAPIKey)
}

// inviteRoutes is where an invitation link leads (no sign-in needed).
func (s *server) inviteRoutes(r chi.Router) {
	r.Get("/invite/{token}", s.invitePage)
	r.Post("/invite/{token}", s.acceptInvite)
}

// teamView gathers the team page's data; extra fills in what a handler adds.
func (s *server) teamView(r *http.Request, p auth.Principal) (templates.TeamView, error) {
	v := templates.TeamView{Self: p.User.ID, CanManage: p.Role().CanManage(), MailOn: s.mail != nil}
	var err error
	if v.Members, err = s.team.Members(r.Context(), p); err != nil {
		return v, err
	}
	if v.CanManage {
		v.Invitations, err = s.team.Invitations(r.Context(), p)
	}
	return v, err
}

func (s *server) teamPage(w http.ResponseWriter, r *http.Request) {
	p, _ := principalFrom(r.Context())
	v, err := s.teamView(r, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, templates.Team(v))
}

// invite creates an invitation and shows its link once; with e-mail on
// and asked for, the outbox mails it too (docs/email.md). The link is a
// credential, so it is not logged.
func (s *server) invite(w http.ResponseWriter, r *http.Request) {
	p, _ := principalFrom(r.Context())
	email := r.PostFormValue("email")
	token, inv, err := s.team.Invite(r.Context(), p, email, interview.Role(r.PostFormValue("role")))
	v, verr := s.teamView(r, p)
	if verr != nil {
		s.fail(w, r, verr)
		return
	}
	if err != nil {
		s.formFailure(w, r, err, func(fe *templates.FormError) templates.Component {
			v.Err, v.Email = fe, email
			return templates.Team(v)
		})
		return
	}
	s.log.Info("invitation created", "tenant_id", inv.TenantID, "invitation_id", inv.ID, "role", string(inv.Role))
	v.NewLink, v.NewEmail = s.publicURL+"/invite/"+token, inv.Email
	if r.PostFormValue("send_email") != "" && s.mail != nil {
		v.Mailed, v.Err = s.mailTeamInvitation(r, inv, v.NewLink)
	}
	s.render(w, r, http.StatusCreated, templates.Team(v))
}

// mailTeamInvitation queues the invitation's message. The invitation
// exists either way, so a failure is shown beside its link, which is then
// the only way to pass it on.
func (s *server) mailTeamInvitation(r *http.Request, inv interview.Invitation, link string) (bool, *templates.FormError) {
	err := s.mail.Enqueue(r.Context(), &store.Mail{TenantID: inv.TenantID, Kind: store.MailTeamInvitation,
		InvitationID: inv.ID, To: inv.Email, Link: link})
	if err != nil {
		s.log.Error("team invitation e-mail not queued", "tenant_id", inv.TenantID, "invitation_id", inv.ID, "error", err.Error())
		return false, &templates.FormError{Message: "The e-mail could not be queued: copy the link below and send it yourself."}
	}
	return true, nil
}

func (s *server) revokeInvitation(w http.ResponseWriter, r *http.Request) {
	p, _ := principalFrom(r.Context())
	s.thenRedirect(w, r, s.team.RevokeInvitation(r.Context(), p, chi.URLParam(r, "id")), "/app/team")
}

func (s *server) setRole(w http.ResponseWriter, r *http.Request) {
	p, _ := principalFrom(r.Context())
	err := s.team.SetRole(r.Context(), p, chi.URLParam(r, "userID"), interview.Role(r.PostFormValue("role")))
	s.thenRedirect(w, r, err, "/app/team")
}

func (s *server) removeMember(w http.ResponseWriter, r *http.Request) {
	p, _ := principalFrom(r.Context())
	s.thenRedirect(w, r, s.team.RemoveMember(r.Context(), p, chi.URLParam(r, "userID")), "/app/team")
}

// thenRedirect finishes a form post: on success, back to the page it came
// from (post/redirect/get); on failure, through the error exit.
func (s *server) thenRedirect(w http.ResponseWriter, r *http.Request, err error, to string) {
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

func (s *server) apiKeysPage(w http.ResponseWriter, r *http.Request) {
	p, _ := principalFrom(r.Context())
	keys, err := s.team.APIKeys(r.Context(), p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, templates.APIKeys(templates.APIKeysView{Keys: keys}))
}

func (s *server) createAPIKey(w http.ResponseWriter, r *http.Request) {
	p, _ := principalFrom(r.Context())
	key, _, err := s.team.NewAPIKey(r.Context(), p, r.PostFormValue("name"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	keys, err := s.team.APIKeys(r.Context(), p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusCreated, templates.APIKeys(templates.APIKeysView{Keys: keys, NewKey: key}))
}

func (s *server) revokeAPIKey(w http.ResponseWriter, r *http.Request) {
	p, _ := principalFrom(r.Context())
	s.thenRedirect(w, r, s.team.RevokeAPIKey(r.Context(), p, chi.URLParam(r, "id")), "/app/api-keys")
}

// inviteView describes the invitation behind a link, or fails. Invitations
// are accepted by the account system that signs recruiters in (built-in or
// Supabase Auth), so that the invitee ends up with an account of that one.
func (s *server) inviteView(r *http.Request) (templates.InviteView, error) {
	token := chi.URLParam(r, "token")
	inv, err := s.accounts.Invitation(r.Context(), token)
	if err != nil {
		return templates.InviteView{}, err
	}
	v := templates.InviteView{Token: token, Email: inv.Email, Role: string(inv.Role)}
	if t, err := s.store.GetTenant(r.Context(), inv.TenantID); err == nil {
		v.Org = t.Name
	}
	return v, nil
}

func (s *server) invitePage(w http.ResponseWriter, r *http.Request) {
	v, err := s.inviteView(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, templates.Invite(v))
}

// acceptInvite signs in to the account of the invitation's email, or
// creates it. When the account's email must be confirmed first, it says
// so; the invitation stays pending for the same link.
func (s *server) acceptInvite(w http.ResponseWriter, r *http.Request) {
	v, err := s.inviteView(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	in := auth.AcceptInput{Name: r.PostFormValue("name"), Password: r.PostFormValue("password"), ClientIP: clientIP(r)}
	token, p, err := s.accounts.AcceptInvitation(r.Context(), v.Token, in)
	switch {
	case errors.Is(err, auth.ErrConfirmEmail):
		s.render(w, r, http.StatusOK, templates.InviteConfirm(v))
	case err != nil:
		v.Name = in.Name
		s.formFailure(w, r, err, func(fe *templates.FormError) templates.Component {
			v.Err = fe
			return templates.Invite(v)
		})
	default:
		s.log.Info("invitation accepted", "tenant_id", p.Membership.TenantID, "user_id", p.User.ID, "role", string(p.Role()))
		s.setSessionCookie(w, token)
		http.Redirect(w, r, afterSignIn, http.StatusSeeOther)
	}
}
