package web

import "github.com/go-chi/chi/v5"

// apiErasureRoutes registers the API's erasure route (helper G).
func (s *server) apiErasureRoutes(r chi.Router) {}
