package web

import "github.com/go-chi/chi/v5"

// erasureRoutes registers the erasure of a candidate's data (helper G).
func (s *server) erasureRoutes(r chi.Router) {}
