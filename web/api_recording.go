package web

import "github.com/go-chi/chi/v5"

// apiRecordingRoutes registers the API's recording routes (helper F).
func (s *server) apiRecordingRoutes(r chi.Router) {}
