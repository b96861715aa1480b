package web

import (
	"net/http"

	"github.com/interviewd/interviewd/templates"
)

// home renders the landing page.
func (s *server) home(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, templates.Home(templates.Mode(s.mode)))
}
