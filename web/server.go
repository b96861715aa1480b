// Package web is interviewd's HTTP face: the chi router, its middleware, the
// pages and the JSON API. Handlers parse a request, call the store or a
// service, and render; every failure leaves through s.fail.
package web

import (
	"bytes"
	"log/slog"
	"net/http"
	"time"

	"github.com/a-h/templ"

	"github.com/interviewd/interviewd/internal/auth"
	"github.com/interviewd/interviewd/internal/calls"
	"github.com/interviewd/interviewd/internal/hiring"
	"github.com/interviewd/interviewd/internal/recording"
	"github.com/interviewd/interviewd/internal/store"
)

// Deps is everything the HTTP layer needs, built by cmd/interviewd.
type Deps struct {
	Logger    *slog.Logger // nil discards logs
	Store     store.Store  // nil makes /readyz report unavailable
	Mode      Mode         // shown on the home page and by /readyz
	PublicURL string       // the address users reach, e.g. https://interviews.example.com

	Accounts Recruiters      // recruiters' sign-in: built-in or Supabase
	Team     *auth.Accounts  // the owner's side: invitations, roles and API keys
	Hiring   *hiring.Service // positions and interviews

	// Engine is the local realtime engine's OpenAI-compatible API, mounted
	// at /v1 when interviewd is its own provider; nil with OpenAI.
	Engine http.Handler

	// Calls runs live interviews behind the /rtc WebSocket; nil refuses it.
	Calls *calls.Manager
	// RTCTokens verifies the tokens that admit a browser to /rtc.
	RTCTokens *auth.RTCSigner
	// PinnedTenant (TENANT_ID) refuses /rtc tokens of every other tenant.
	PinnedTenant string
	// RTCLimits tunes /rtc's rate and size limits; zero values are defaults.
	RTCLimits RTCLimits
	// Metrics counts requests and /rtc connections; nil counts nothing.
	Metrics Metrics
	// ClientIPs finds each request's client address behind trusted
	// proxies; zero uses the connection's peer.
	ClientIPs ClientIPs
	// Mail queues e-mail; nil when SMTP_URL is unset (docs/email.md).
	Mail Mailer
	// Recordings takes the room's recording uploads and serves them; nil
	// refuses uploads (docs/recordings.md).
	Recordings *recording.Service
	// RecordingLinks signs the API's short-lived download links of
	// recordings (GET /recordings/{token}); nil refuses them.
	RecordingLinks *auth.RecordingLinks
}

// Metrics receives what the HTTP layer counts, for monitoring; its
// methods are called from many goroutines and must not block.
type Metrics interface {
	// HTTPRequest counts a served request by the router's route pattern
	// ("/join/{token}", empty when no route matched): never a raw path,
	// which may carry a token.
	HTTPRequest(route string, status int, d time.Duration)
	// RTCConnection counts a /rtc attempt: accepted, upgrade_failed, or
	// the refusal's protocol code in lower case (docs/signaling.md).
	RTCConnection(result string)
}

// noMetrics counts nothing: Deps.Metrics nil.
type noMetrics struct{}

func (noMetrics) HTTPRequest(string, int, time.Duration) {}
func (noMetrics) RTCConnection(string)                   {}

// Mode says how this instance runs, in words for people.
type Mode struct {
	Store    string // "sqlite" or "postgres"
	Provider string // "local engine" or "OpenAI"
	Auth     string // "built-in" or "Supabase"
	// Speech names the local engine's speech tools and their versions;
	// empty with OpenAI.
	Speech string
}

// server holds the dependencies that handlers share.
type server struct {
	log   *slog.Logger
	store store.Store
	mode  Mode
	https bool // PublicURL is https: browsers get HSTS

	accounts  Recruiters
	team      *auth.Accounts
	hiring    *hiring.Service
	publicURL string
	engine    http.Handler

	calls        *calls.Manager
	rtcTokens    *auth.RTCSigner
	pinnedTenant string
	rtc          *rtcGuard
	metrics      Metrics
	clientIPs    ClientIPs
	mail         Mailer // nil: e-mail is off
	recordings   *recording.Service
	// recordingLinks signs and verifies recordings' download links.
	recordingLinks *auth.RecordingLinks
}

// NewServer returns interviewd's HTTP handler.
func NewServer(d Deps) http.Handler {
	s := &server{
		log:   d.Logger,
		store: d.Store,
		mode:  d.Mode,
		https: isHTTPS(d.PublicURL),

		accounts:  d.Accounts,
		team:      d.Team,
		hiring:    d.Hiring,
		publicURL: d.PublicURL,
		engine:    d.Engine,

		calls:        d.Calls,
		rtcTokens:    d.RTCTokens,
		pinnedTenant: d.PinnedTenant,
		rtc:          newRTCGuard(d.RTCLimits, d.Store),
		metrics:      d.Metrics,
		clientIPs:    d.ClientIPs,
		mail:         d.Mail,
		recordings:   d.Recordings,

		recordingLinks: d.RecordingLinks,
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.metrics == nil {
		s.metrics = noMetrics{}
	}
	return s.routes()
}

// render writes c as an HTML page with the given status. It renders into a
// buffer first so that a failing template becomes a clean error response
// instead of half a page.
func (s *server) render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) {
	var buf bytes.Buffer
	if err := c.Render(r.Context(), &buf); err != nil {
		s.fail(w, r, err)
		return
	}
	writeHTML(w, status, buf.Bytes())
}

// writeHTML writes an HTML body with the given status.
func writeHTML(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(body) //nolint:errcheck // the client has gone; nothing to do
}
