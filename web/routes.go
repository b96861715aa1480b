package web

import (
	"io"
	"net/http"

	"github.com/andybalholm/brotli"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
)

// compress compresses the pages (HTML, and the CSV and JSON some of them
// return) with brotli or gzip, whichever the client accepts, brotli first.
// Level 5 of each: most of the gain at a small cost per request.
func compress() func(http.Handler) http.Handler {
	c := middleware.NewCompressor(5, "text/html", "text/csv", "application/json")
	c.SetEncoder("br", func(w io.Writer, level int) io.Writer { return brotli.NewWriterLevel(w, level) })
	return c.Handler
}

// routes lists every route and middleware of interviewd in one place.
func (s *server) routes() http.Handler {
	r := chi.NewRouter()

	// Outermost first: every response, including a recovered panic, a 404
	// and a 405, has a request ID, an access-log line and the security
	// headers.
	r.Use(s.requestID)
	r.Use(s.clientAddr) // before the log, which records the client's address
	r.Use(s.accessLog)
	r.Use(s.securityHeaders)
	r.Use(s.recoverPanic)
	r.Use(middleware.GetHead)    // HEAD is served by the GET handler
	r.Use(s.checkRequestText(r)) // text.go: no control characters in paths and queries

	r.NotFound(s.notFound)
	r.MethodNotAllowed(s.methodNotAllowed(r))

	// Probes for the platform: JSON, no session, no HTML.
	r.Get("/healthz", s.healthz)
	r.Get("/readyz", s.readyz)

	// Pages: forms are protected against cross-site requests, and every
	// page knows who is signed in.
	r.Group(func(r chi.Router) {
		r.Use(s.crossOrigin, s.csrf, s.withViewer, compress())
		r.Get("/", s.home)
		r.Get("/signin", s.signInPage)
		r.Post("/signin", s.signIn)
		r.Get("/signup", s.signUpPage)
		r.Post("/signup", s.signUp)
		r.Post("/signout", s.signOut)

		// The recruiter's app.
		r.Route("/app", func(r chi.Router) {
			r.Use(s.requireRecruiter)
			r.Get("/", s.appHome)
			s.positionRoutes(r)  // positions.go
			s.interviewRoutes(r) // interviews.go
			s.mailRoutes(r)      // mail.go: e-mail invitations
			s.teamRoutes(r)      // team.go: members, invitations, API keys
			s.webhookRoutes(r)   // webhooks.go: endpoints and their deliveries
			s.decisionRoutes(r)  // decide.go: scorecards, hiring status, assessments, comparison
			s.replayRoutes(r)    // replay.go: recordings' replay and download
			s.settingsRoutes(r)  // settings.go: the organisation's retention and audit log
			s.erasureRoutes(r)   // erasure.go: erasing a candidate's data
		})
		s.candidateRoutes(r) // join.go: /join/{token}
		s.inviteRoutes(r)    // team.go: /invite/{token}
	})

	// The signalling WebSocket of the candidate's browser (rtc.go).
	s.rtcRoutes(r)
	// The seed's lifecycle API (lifecycle.go): JSON with an API key, or a
	// same-origin browser's cookie; no CSRF form token.
	s.lifecycleRoutes(r)
	// What the candidate's page reports it met (problems.go): JSON, the
	// candidate cookie, no CSRF form token.
	s.problemRoutes(r)
	// The recording's chunks from the candidate's room (recording_upload.go):
	// the candidate cookie, no CSRF form token.
	s.recordingUploadRoutes(r)
	// Signed, short-lived download links of recordings (replay.go): the
	// token in the path is all they need.
	s.recordingLinkRoutes(r)

	// The integration API: JSON, API keys, no cookies.
	r.Route("/api/v1", s.apiRoutes) // api.go

	// The local realtime engine, when it is the provider: interviewd's own
	// realtime client calls it here exactly as it would call OpenAI.
	if s.engine != nil {
		r.Mount("/v1", s.engine)
	}

	// Embedded assets.
	r.Get("/static/*", s.static)

	return r
}
