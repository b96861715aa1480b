package web

import "github.com/go-chi/chi/v5"

// decisionRoutes are the recruiter's pages that help decide: scorecards,
// hiring status, AI assessments and the comparison of a position's
// candidates.
func (s *server) decisionRoutes(r chi.Router) {}
