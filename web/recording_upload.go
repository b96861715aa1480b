package web

import "github.com/go-chi/chi/v5"

// recordingUploadRoutes registers the room's recording uploads (helper C).
func (s *server) recordingUploadRoutes(r chi.Router) {}
