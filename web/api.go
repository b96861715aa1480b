package web

import (
	"context"
	_ "embed"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/interviewd/interviewd/internal/hiring"
	"github.com/interviewd/interviewd/internal/interview"
)

// openAPIDocument describes every route of apiRoutes; TestOpenAPIMatchesRouter
// keeps the two in step.
//
//go:embed openapi.json
var openAPIDocument []byte

// apiRoutes is the integration API under /api/v1: JSON in and out, an API
// key in the Authorization header, no cookies and so no CSRF.
func (s *server) apiRoutes(r chi.Router) {
	r.Get("/openapi.json", s.openAPI)
	r.Group(func(r chi.Router) {
		r.Use(s.requireAPIKey)
		r.With(s.idempotent).Post("/positions", s.apiCreatePosition)
		r.Get("/positions", s.apiListPositions)
		r.Get("/positions/{id}", s.apiGetPosition)
		r.With(s.idempotent).Post("/interviews", s.apiCreateInterview)
		r.Get("/interviews", s.apiListInterviews)
		r.Get("/interviews/{id}", s.apiGetInterview)
		r.Get("/interviews/{id}/transcript", s.apiTranscript)
		s.apiRTCRoutes(r)       // api_rtctoken.go
		s.apiWebhookRoutes(r)   // api_webhooks.go
		s.apiDecisionRoutes(r)  // api_decide.go: rubrics, analytics, assessments, scorecards, comparison
		s.apiRecordingRoutes(r) // api_recording.go: recordings and their signed download links
		s.apiErasureRoutes(r)   // api_erasure.go: erasing a candidate's data
	})
}

// openAPI serves the OpenAPI 3.1 description of the API, to anyone.
func (s *server) openAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-cache")
	w.Write(openAPIDocument) //nolint:errcheck // the client has gone; nothing to do
}

// apiKeyKey is the context key of the request's API key.
type apiKeyKey struct{}

// bearerChallenge is the WWW-Authenticate of a request with no usable key
// (RFC 6750).
const bearerChallenge = `Bearer realm="interviewd"`

var (
	errNoAPIKey = &interview.Error{Code: interview.CodeUnauthorized,
		Message: "send an API key as Authorization: Bearer KEY"}
	errNoKeyService = &interview.Error{Code: interview.CodeUnavailable,
		Message: "API keys are not available on this instance"}
)

// requireAPIKey authenticates the bearer API key and puts it in the
// request's context: the key's tenant scopes everything the request does.
func (s *server) requireAPIKey(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.team == nil {
			s.fail(w, r, errNoKeyService)
			return
		}
		token, ok := bearerToken(r.Header.Values("Authorization"))
		if !ok {
			w.Header().Set("WWW-Authenticate", bearerChallenge)
			s.fail(w, r, errNoAPIKey)
			return
		}
		key, err := s.team.AuthenticateAPIKey(r.Context(), token)
		if err != nil {
			if interview.ErrorCode(err) == interview.CodeUnauthorized {
				w.Header().Set("WWW-Authenticate", bearerChallenge+`, error="invalid_token"`)
			}
			s.fail(w, r, err)
			return
		}
		ctx := context.WithValue(r.Context(), apiKeyKey{}, key)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// bearerToken returns the token of the one Authorization header, whose
// scheme must be Bearer (in any case, RFC 9110).
func bearerToken(values []string) (string, bool) {
	if len(values) != 1 {
		return "", false
	}
	scheme, token, ok := strings.Cut(strings.TrimSpace(values[0]), " ")
	token = strings.TrimSpace(token)
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return "", false
	}
	return token, true
}

// apiActor is who acts for a request that passed requireAPIKey.
func apiActor(r *http.Request) hiring.Actor {
	key, _ := r.Context().Value(apiKeyKey{}).(interview.APIKey)
	return hiring.KeyActor(key)
}
