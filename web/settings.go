package web

import "github.com/go-chi/chi/v5"

// settingsRoutes registers the organisation's settings and audit log (helper E).
func (s *server) settingsRoutes(r chi.Router) {}
