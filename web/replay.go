package web

import "github.com/go-chi/chi/v5"

// replayRoutes registers the recording's replay page and media (helper F).
func (s *server) replayRoutes(r chi.Router) {}

// recordingLinkRoutes registers GET /recordings/{token} (helper F).
func (s *server) recordingLinkRoutes(r chi.Router) {}
