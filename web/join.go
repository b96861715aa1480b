package web

import (
	"net/http"

	"github.com/a-h/templ"

	"github.com/go-chi/chi/v5"

	"github.com/interviewd/interviewd/internal/hiring"
	"github.com/interviewd/interviewd/internal/i18n"
	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/templates"
)

// candidateRoutes registers the pages a candidate's join link opens. They
// are outside /app: candidates have no account.
func (s *server) candidateRoutes(r chi.Router) {
	r.Get("/join/{token}", s.joinLanding)
	r.Post("/join/{token}", s.joinConsent)
	r.Get("/join/{token}/room", s.joinRoom)      // room.go
	r.Get("/join/{token}/feedback", s.joinEnded) // feedback.go
	r.Post("/join/{token}/feedback", s.sendFeedback)
}

// joinLanding shows a candidate who interviews them, what is recorded, the
// microphone check and the consent form.
func (s *server) joinLanding(w http.ResponseWriter, r *http.Request) {
	token := chi.URLParam(r, "token")
	l, ok := s.openLink(w, r, token, false)
	if !ok {
		return
	}
	c := consentView(l, token)
	if candidateToken(r) == token {
		given, err := s.hiring.HasConsent(r.Context(), l.Session)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		c.Given = given
	}
	s.render(w, r, http.StatusOK, templates.JoinLanding(landingView(l), c))
}

// joinConsent stores the candidate's consent, admits this browser to the
// interview with the candidate cookie, and sends it to the room. Without
// the box ticked the page comes back with the error.
func (s *server) joinConsent(w http.ResponseWriter, r *http.Request) {
	token := chi.URLParam(r, "token")
	l, err := s.hiring.RecordConsent(r.Context(), token, hiring.ConsentInput{
		Version: r.PostFormValue("consent"), IPAddress: clientIP(r), UserAgent: r.UserAgent(),
	})
	switch {
	case isInvalid(err):
		w.Header().Set("Cache-Control", "no-store")
		c := consentView(l, token)
		c.Err = &templates.FormError{Message: consentProblem(c.Lang, err), Field: "consent"}
		s.render(w, r, http.StatusBadRequest, templates.JoinLanding(landingView(l), c))
	case err != nil:
		if _, ok := s.openLink(w, r, token, false); ok { // the link opens nothing: say why
			s.fail(w, r, err)
		}
	default:
		s.setCandidateCookie(w, token)
		http.Redirect(w, r, roomPath(token), http.StatusSeeOther)
	}
}

// openLink finds the interview a join link opens, or answers with the
// page that says why it opens none: a link that is malformed or matches
// nothing is 404, with the same page either way; a known link that no
// longer works (revoked, expired, the interview over) is 410 Gone and says
// why. With running, a link that expired or was revoked after the
// interview started still opens it, so that the candidate can come back.
func (s *server) openLink(w http.ResponseWriter, r *http.Request, token string, running bool) (hiring.Landing, bool) {
	// The token is the candidate's key: keep these pages out of caches.
	w.Header().Set("Cache-Control", "no-store")
	l, err := s.hiring.JoinLanding(r.Context(), token)
	if interview.ErrorCode(err) == interview.CodeNotFound {
		s.render(w, r, http.StatusNotFound, unknownLink(r))
		return l, false
	} else if err != nil {
		s.fail(w, r, err)
		return l, false
	}
	resumable := running && l.Refusal != hiring.RefusedEnded && l.StartedAt != nil
	if l.Refusal != "" && !resumable {
		s.render(w, r, http.StatusGone, templates.JoinRefused(templates.JoinRefusedView{
			Lang: pageLang(l), Organisation: l.Organisation.Name, Reason: string(l.Refusal),
		}))
		return l, false
	}
	return l, true
}

// unknownLink is the page of a join link that opens nothing: with no
// position to say the language, in the browser's (Accept-Language).
func unknownLink(r *http.Request) templ.Component {
	return templates.JoinRefused(templates.JoinRefusedView{Lang: i18n.Match(r.Header.Get("Accept-Language"))})
}

// pageLang is the language of an interview's candidate pages: the
// position's, or English when there is no catalogue for it.
func pageLang(l hiring.Landing) i18n.Lang { return i18n.For(l.Position.Language) }

// consentProblem says in the page's language why a consent was refused.
// RecordConsent returns its refusals as they are; errors.Is would match
// any error of their code (interview.Error.Is).
func consentProblem(lang i18n.Lang, err error) string {
	switch err {
	case hiring.ErrNoConsent:
		return lang.T("consent.err_none")
	case hiring.ErrConsentChanged:
		return lang.T("consent.err_changed")
	}
	return sentence(interview.ErrorMessage(err))
}

// landingView is what the landing page shows of an interview.
func landingView(l hiring.Landing) templates.JoinView {
	return templates.JoinView{
		Lang: pageLang(l), Organisation: l.Organisation.Name, Position: l.Position.Title, Description: l.Position.Description,
		Candidate: l.Candidate.Name, MaxMinutes: l.Position.MaxMinutes, Language: l.Position.Language,
	}
}

// consentView is the consent form of a join link, with the text in force
// for what the interview records.
func consentView(l hiring.Landing, token string) templates.ConsentView {
	text := hiring.ConsentIn(pageLang(l), l.Organisation.Name, hiring.TermsOf(l.Position, l.Organisation))
	return templates.ConsentView{
		Lang: text.Language, Action: "/join/" + token, RoomURL: roomPath(token),
		Version: text.Version, Points: text.Points, Agreement: text.Agreement,
	}
}

func roomPath(token string) string { return "/join/" + token + "/room" }
