package web

import "github.com/go-chi/chi/v5"

func (s *server) rtcRoutes(r chi.Router) {}
