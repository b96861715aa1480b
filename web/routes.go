package web

import (
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
)

// routes lists every route and middleware of interviewd in one place.
func (s *server) routes() http.Handler {
	r := chi.NewRouter()

	// Outermost first: every response, including a recovered panic, a 404
	// and a 405, has a request ID, an access-log line and the security
	// headers.
	r.Use(s.requestID)
	r.Use(s.accessLog)
	r.Use(s.securityHeaders)
	r.Use(s.recoverPanic)
	r.Use(middleware.GetHead) // HEAD is served by the GET handler

	r.NotFound(s.notFound)
	r.MethodNotAllowed(s.methodNotAllowed(r))

	// Probes for the platform: JSON, no session, no HTML.
	r.Get("/healthz", s.healthz)
	r.Get("/readyz", s.readyz)

	// Pages.
	r.Get("/", s.home)

	// Embedded assets.
	r.Get("/static/*", s.static)

	return r
}
