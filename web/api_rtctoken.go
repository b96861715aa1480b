package web

import (
	"net/http"

	"github.com/go-chi/chi/v5"
)

// apiRTCRoutes registers the integration API's signalling token, inside
// apiRoutes' API-key group: an ATS embeds the room with it.
func (s *server) apiRTCRoutes(r chi.Router) {
	r.Post("/interviews/{id}/rtc-token", s.apiRTCToken)
}

// apiRTCToken is POST /api/v1/interviews/{id}/rtc-token: a token for the
// /rtc WebSocket of an interview of the key's organisation that has not
// ended, valid for 10 minutes, with the WebSocket's address.
func (s *server) apiRTCToken(w http.ResponseWriter, r *http.Request) {
	a, err := s.pinned(apiActor(r), nil)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.issueRTCToken(w, r, a, chi.URLParam(r, "id"))
}
