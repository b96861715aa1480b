package web

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/interviewd/interviewd/internal/hiring"
	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/templates"
)

// candidateRoutes registers the pages a candidate's join link opens. They
// are outside /app: candidates have no account.
func (s *server) candidateRoutes(r chi.Router) {
	r.Get("/join/{token}", s.joinLanding)
}

// joinLanding shows a candidate who interviews them and what is recorded.
// A link that is malformed or matches nothing is 404, with the same page
// either way; a known link that no longer works (revoked, expired, the
// interview over) is 410 Gone and says why.
func (s *server) joinLanding(w http.ResponseWriter, r *http.Request) {
	// The token is the candidate's key: keep this page out of caches.
	w.Header().Set("Cache-Control", "no-store")
	l, err := s.hiring.JoinLanding(r.Context(), chi.URLParam(r, "token"))
	if interview.ErrorCode(err) == interview.CodeNotFound {
		s.render(w, r, http.StatusNotFound, templates.JoinRefused(templates.JoinRefusedView{}))
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	if l.Refusal != "" {
		s.render(w, r, http.StatusGone, templates.JoinRefused(templates.JoinRefusedView{
			Organisation: l.Organisation.Name, Reason: string(l.Refusal),
		}))
		return
	}
	s.render(w, r, http.StatusOK, templates.JoinLanding(landingView(l)))
}

// landingView is what the landing page shows of an interview.
func landingView(l hiring.Landing) templates.JoinView {
	return templates.JoinView{
		Organisation: l.Organisation.Name, Position: l.Position.Title, Description: l.Position.Description,
		Candidate: l.Candidate.Name, MaxMinutes: l.Position.MaxMinutes, Language: l.Position.Language,
	}
}
