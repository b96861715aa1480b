package web

import (
	"bufio"
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
)

// requestIDKey is the context key of the request ID.
type requestIDKey struct{}

// maxRequestIDLen bounds an accepted incoming X-Request-ID.
const maxRequestIDLen = 64

// requestID gives every request an ID: the caller's X-Request-ID when it is
// a plain token (so a proxy's ID ties its logs to ours), else a fresh one.
// The ID goes back in the response header and into every log line.
func (s *server) requestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-ID")
		if !validRequestID(id) {
			id = rand.Text()
		}
		w.Header().Set("X-Request-ID", id)
		ctx := context.WithValue(r.Context(), requestIDKey{}, id)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// validRequestID reports whether id is 1 to 64 characters of A-Z a-z 0-9
// - _ and ., which is safe to echo in a header and to write in a log.
func validRequestID(id string) bool {
	if id == "" || len(id) > maxRequestIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		ok := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			c == '-' || c == '_' || c == '.'
		if !ok {
			return false
		}
	}
	return true
}

// requestIDFrom returns the request ID stored in ctx, or "".
func requestIDFrom(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// accessLog writes one line per request and counts it in the metrics. It
// logs the path with its secrets masked (logPath) and never the query
// string: tokens travel there. The metrics get the route pattern instead
// of the path. The probes log at debug level so that the platform's
// health checks do not drown the log.
func (s *server) accessLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rw := &responseWriter{ResponseWriter: w}
		next.ServeHTTP(rw, r)
		s.metrics.HTTPRequest(routePattern(r), rw.statusCode(), time.Since(start))
		level := slog.LevelInfo
		if r.URL.Path == "/healthz" || r.URL.Path == "/readyz" {
			level = slog.LevelDebug
		}
		s.log.LogAttrs(r.Context(), level, "request",
			slog.String("request_id", requestIDFrom(r.Context())),
			slog.String("method", r.Method),
			slog.String("path", logPath(r.URL.Path)),
			slog.Int("status", rw.statusCode()),
			slog.Int64("bytes", rw.bytes),
			slog.Float64("duration_ms", float64(time.Since(start).Microseconds())/1000),
			slog.String("remote", clientIP(r)))
	})
}

// routePattern is the pattern of the route that served r ("/join/{token}"),
// known once the router has routed it; empty when none matched.
func routePattern(r *http.Request) string {
	if rc := chi.RouteContext(r.Context()); rc != nil {
		return rc.RoutePattern()
	}
	return ""
}

// secretPaths are the path prefixes whose next segment is a credential:
// a candidate's join token, a teammate's invitation token, a recording's
// signed download link.
var secretPaths = []string{"/join/", "/invite/", "/recordings/"}

// logPath is p as a log may show it: the credential in a join or
// invitation link replaced by {token}, everything else as it was.
func logPath(p string) string {
	for _, prefix := range secretPaths {
		rest, ok := strings.CutPrefix(p, prefix)
		if !ok || rest == "" {
			continue
		}
		_, after, found := strings.Cut(rest, "/")
		if found {
			return prefix + "{token}/" + after
		}
		return prefix + "{token}"
	}
	return p
}

// securityHeaders sets the headers every response carries. The CSP allows
// no inline script or style, so the pages keep all of theirs in /static.
func (s *server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer") // join links carry tokens
		h.Set("Permissions-Policy", "microphone=(self), camera=(self), geolocation=()")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		if s.https {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}

// contentSecurityPolicy is the policy of every response.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; " +
	"img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'; " +
	"font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; " +
	"frame-ancestors 'none'"

// isHTTPS reports whether the public URL is served over HTTPS.
func isHTTPS(publicURL string) bool {
	u, err := url.Parse(publicURL)
	return err == nil && u.Scheme == "https"
}

// recoverPanic turns a panicking handler into a 500 through the one error
// exit, logged with its stack, so one bad request never stops the server.
func (s *server) recoverPanic(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v) // the handler asked net/http to drop the connection
			}
			s.log.LogAttrs(r.Context(), slog.LevelError, "panic",
				slog.String("request_id", requestIDFrom(r.Context())),
				slog.Any("panic", v),
				slog.String("stack", string(debug.Stack())))
			if rw, ok := w.(*responseWriter); ok && rw.status != 0 {
				return // the response has begun; it cannot become a 500
			}
			s.fail(w, r, fmt.Errorf("panic: %v", v))
		}()
		next.ServeHTTP(w, r)
	})
}

// responseWriter records the status and size of a response for the access
// log. Unwrap lets http.ResponseController reach the connection beneath.
type responseWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *responseWriter) WriteHeader(status int) {
	if w.status == 0 && status >= 200 { // 1xx are interim, not the status
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *responseWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

func (w *responseWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Flush sends buffered data, for streamed responses.
func (w *responseWriter) Flush() {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	http.NewResponseController(w.ResponseWriter).Flush() //nolint:errcheck // not every writer flushes
}

// Hijack hands the connection to a WebSocket library, which looks for
// http.Hijacker on the writer itself.
func (w *responseWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, rw, err := http.NewResponseController(w.ResponseWriter).Hijack()
	if err == nil {
		w.status = http.StatusSwitchingProtocols
	}
	return conn, rw, err
}

// statusCode is the status sent, 200 if the handler wrote nothing.
func (w *responseWriter) statusCode() int {
	if w.status == 0 {
		return http.StatusOK
	}
	return w.status
}
