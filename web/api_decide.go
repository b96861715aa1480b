package web

import "github.com/go-chi/chi/v5"

// apiDecisionRoutes is the integration API's side of deciding: rubrics,
// analytics, AI assessments, scorecards, hiring status and comparisons.
func (s *server) apiDecisionRoutes(r chi.Router) {}
