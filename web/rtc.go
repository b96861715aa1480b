package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"time"

	"github.com/coder/websocket"
	"github.com/go-chi/chi/v5"

	"github.com/interviewd/interviewd/internal/auth"
	"github.com/interviewd/interviewd/internal/calls"
	"github.com/interviewd/interviewd/internal/store"
)

// rtcGuard holds the /rtc limits, the per-IP and per-interview
// connection counters, and the tokens already spent.
type rtcGuard struct {
	limits      RTCLimits
	byIP        *windowLimiter
	byInterview *windowLimiter
	spent       *auth.RTCSpent
}

// newRTCGuard keeps the spent tokens in st, shared by every instance on
// its database; without a store (nil) /rtc is unavailable.
func newRTCGuard(l RTCLimits, st store.RTCTokens) *rtcGuard {
	l = l.withDefaults()
	g := &rtcGuard{limits: l,
		byIP:        newWindowLimiter(l.ConnsPerIPPerMinute, time.Minute),
		byInterview: newWindowLimiter(l.ConnsPerInterviewPerMinute, time.Minute)}
	if st != nil {
		g.spent = auth.NewRTCSpent(st)
	}
	return g
}

// rtcRoutes registers the signalling WebSocket of the candidate's browser
// (docs/signaling.md).
func (s *server) rtcRoutes(r chi.Router) {
	r.Get("/rtc", s.serveRTC)
}

// serveRTC admits a browser to an interview's signalling: everything that can
// be refused is refused before the upgrade, with a JSON error. Then the
// connection runs until the browser leaves or the interview ends.
func (s *server) serveRTC(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	if s.calls == nil || s.rtcTokens == nil || s.rtc.spent == nil {
		s.refuseRTC(w, http.StatusServiceUnavailable, rtcInternal, "live interviews are not available on this server")
		return
	}
	if !s.rtc.byIP.allow(clientIP(r)) {
		s.refuseRTC(w, http.StatusTooManyRequests, rtcRateLimited, "too many connections from this address; wait a minute")
		return
	}
	if !s.originAllowed(r.Header.Get("Origin")) {
		s.refuseRTC(w, http.StatusForbidden, rtcForbidden, "this page may not open the interview's connection")
		return
	}
	q := r.URL.Query()
	claims, err := s.rtcTokens.Verify(q.Get("token"))
	if err != nil || claims.InterviewID != q.Get("session") ||
		(s.pinnedTenant != "" && claims.TenantID != s.pinnedTenant) {
		s.refuseRTC(w, http.StatusUnauthorized, rtcUnauthorized, "the interview token is missing, invalid or expired")
		return
	}
	if err := s.rtc.spent.Spend(r.Context(), claims); err != nil {
		s.refuseSpent(w, r, err)
		return
	}
	if !s.rtc.byInterview.allow(claims.TenantID + "/" + claims.InterviewID) {
		s.refuseRTC(w, http.StatusTooManyRequests, rtcRateLimited, "too many connections to this interview; wait a minute")
		return
	}
	conn, err := s.calls.Connect(r.Context(), claims.TenantID, claims.InterviewID)
	if err != nil {
		status, o := connectRefusal(err)
		s.refuseRTC(w, status, o.code, o.message)
		return
	}
	// smallBuffers: an idle connection holds 2 KiB of buffers, not 8.
	ws, err := websocket.Accept(smallBuffers{w}, r, &websocket.AcceptOptions{OriginPatterns: s.originPatterns()})
	if err != nil {
		s.metrics.RTCConnection("upgrade_failed")
		conn.Close()
		return // Accept has answered
	}
	s.metrics.RTCConnection("accepted")
	sess := newRTCSession(s, ws, conn, s.log.With(slog.String("request_id", requestIDFrom(r.Context())),
		slog.String("interview_id", claims.InterviewID)))
	conn.SetProbe(ws.Ping) // answered by the browser itself, read by the session's read loop
	// The handler returns once upgraded and the connection runs on a
	// goroutine of its own: its stack holds its own frames, not the
	// middleware's and the store's, and the request is freed. An idle
	// connection costs a third of its former memory (docs/performance.md,
	// "Idle signalling"). The hijacked connection outlives the request's
	// context; Close of the calls manager ends it.
	go s.runRTC(sess)
}

// runRTC runs a signalling connection to its end; a panic closes the
// connection, as the middleware's recovery would for a request.
func (s *server) runRTC(sess *rtcSession) {
	defer func() {
		if v := recover(); v != nil {
			sess.log.Error("signalling connection panicked", "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			_ = sess.ws.CloseNow()
		}
	}()
	sess.run(context.Background())
}

// connectRefusal maps a refused Connect to the status and body of the
// pre-upgrade answer.
func connectRefusal(err error) (int, outcome) {
	o := outcomeOf(err)
	switch {
	case errors.Is(err, calls.ErrNotFound):
		return http.StatusNotFound, o
	case errors.Is(err, calls.ErrClosed):
		return http.StatusConflict, o
	}
	return http.StatusServiceUnavailable, o
}

// refuseSpent refuses a token that Spend did not admit: one used before,
// or one the store could not record (a 503, logged, worth a retry with a
// new token).
func (s *server) refuseSpent(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, auth.ErrTokenSpent) {
		s.refuseRTC(w, http.StatusUnauthorized, rtcUnauthorized,
			"this interview token has been used already; each connection needs a new token")
		return
	}
	s.log.LogAttrs(r.Context(), slog.LevelError, "rtc token not recorded",
		slog.String("request_id", requestIDFrom(r.Context())), slog.String("error", err.Error()))
	s.refuseRTC(w, http.StatusServiceUnavailable, rtcInternal, "the interview token could not be checked; try again")
}

// refuseRTC counts a refused /rtc attempt by its code and answers it.
func (s *server) refuseRTC(w http.ResponseWriter, status int, code rtcCode, msg string) {
	s.metrics.RTCConnection(strings.ToLower(string(code)))
	rtcRefuse(w, status, code, msg)
}

// rtcRefuse answers a request that is not upgraded with the protocol's
// error code in the JSON error shape.
func rtcRefuse(w http.ResponseWriter, status int, code rtcCode, msg string) {
	writeJSON(w, status, map[string]any{"error": map[string]string{"code": string(code), "message": msg}})
}

// originAllowed reports whether a browser page at origin may connect: it
// must be PUBLIC_URL's scheme and host. A request without Origin comes
// from no browser (an integration's client), which cross-site requests
// cannot forge; the token alone admits it.
func (s *server) originAllowed(origin string) bool {
	if origin == "" {
		return true
	}
	pub, err := url.Parse(s.publicURL)
	if err != nil || pub.Host == "" {
		return false
	}
	o, err := url.Parse(origin)
	return err == nil && strings.EqualFold(o.Scheme, pub.Scheme) && strings.EqualFold(o.Host, pub.Host)
}

// originPatterns is PUBLIC_URL's host, for the library's own Origin check.
func (s *server) originPatterns() []string {
	if pub, err := url.Parse(s.publicURL); err == nil && pub.Host != "" {
		return []string{pub.Host}
	}
	return nil
}
