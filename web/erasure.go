package web

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/interviewd/interviewd/internal/hiring"
	"github.com/interviewd/interviewd/templates"
)

// erasureRoutes registers the erasure of a candidate's data: a
// confirmation page and its form, for owners (docs/security.md).
func (s *server) erasureRoutes(r chi.Router) {
	r.Get("/candidates/{id}/erase", s.erasurePage)
	r.Post("/candidates/{id}/erase", s.eraseCandidate)
}

// erasurePage names the candidate and the interviews an erasure deletes.
func (s *server) erasurePage(w http.ResponseWriter, r *http.Request) {
	a, _ := actor(r)
	p, err := s.hiring.PreviewErasure(r.Context(), a, chi.URLParam(r, "id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, templates.Erasure(templates.ErasureView{ErasurePreview: p}))
}

// eraseCandidate erases the candidate and returns to the interviews, where
// theirs are no more.
func (s *server) eraseCandidate(w http.ResponseWriter, r *http.Request) {
	a, _ := actor(r)
	_, err := s.hiring.EraseCandidate(r.Context(), a, chi.URLParam(r, "id"), s.recordingDeleter())
	s.thenRedirect(w, r, err, "/app/interviews?done=erased")
}

// recordingDeleter is the recordings service as the erasure uses it; nil
// when recordings are off (never a nil pointer in an interface).
func (s *server) recordingDeleter() hiring.RecordingDeleter {
	if s.recordings == nil {
		return nil
	}
	return s.recordings
}
