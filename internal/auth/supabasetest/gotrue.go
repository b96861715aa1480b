// Package supabasetest stands in for Supabase Auth (GoTrue) in tests: the
// edge of a cloud that the machines building interviewd cannot reach. The
// stand-in, GoTrue, answers the requests interviewd makes as the real Auth
// v2.196.0 does, issuing real JWTs; testdata/recorded holds the real Auth's
// answers, and the contract test holds the stand-in to them. Where the real
// Auth is built on the machine, StartRealAuth runs it instead.
package supabasetest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// The stand-in's fixed credentials.
const (
	AnonKey   = "test-anon-key"
	JWTSecret = "super-secret-jwt-token-with-at-least-32-characters-long"
	Kid       = "test-key-1"
)

// Real Auth's defaults on a new hosted project.
const (
	reuseWindow     = 10 * time.Second // GOTRUE_SECURITY_REFRESH_TOKEN_REUSE_INTERVAL
	mailEvery       = time.Minute      // GOTRUE_SMTP_MAX_FREQUENCY
	minPasswordLen  = 6                // GOTRUE_PASSWORD_MIN_LENGTH
	maxPasswordLen  = 72               // bcrypt's limit, which Auth enforces
	maxEmailLen     = 255
	refreshTokenLen = 12
)

// Answer is a response a test forces on an endpoint.
type Answer struct {
	Status int
	Body   string
	Delay  time.Duration
}

// GoTrue answers like Supabase Auth v2.196.0 behind Supabase's gateway:
// sign-up, the token endpoint's password and refresh_token grants, logout
// and the JWKS, with their error answers, refresh-token rotation and its
// reuse window, and sessions that sign-out ends.
type GoTrue struct {
	t      testing.TB
	srv    *httptest.Server
	clock  *Clock
	signer Key
	jwks   []Key // served at the JWKS endpoint
	ttl    time.Duration

	mu       sync.Mutex
	confirm  bool             // sign-up asks for email confirmation
	noIss    bool             // tokens carry no iss, as a self-hosted Supabase's
	noEmail  bool             // the email provider is off
	noSignup bool             // sign-up is off
	users    map[string]*User // by lower-case email
	sessions map[string]*session
	tokens   map[string]*refreshToken
	issued   int            // refresh tokens issued, which orders them
	hits     map[string]int // by route, e.g. "token?grant_type=refresh_token"
	force    map[string]Answer
}

// New starts a stand-in that signs access tokens with signer, valid an hour
// of clock (nil: the real time), and serves jwks as its key set. It stops
// when the test ends.
func New(t testing.TB, clock *Clock, signer Key, jwks ...Key) *GoTrue {
	f := &GoTrue{t: t, clock: clock, signer: signer, jwks: jwks, ttl: time.Hour,
		users: map[string]*User{}, sessions: map[string]*session{}, tokens: map[string]*refreshToken{},
		hits: map[string]int{}, force: map[string]Answer{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /auth/v1/signup", f.route("signup", f.signup))
	mux.HandleFunc("POST /auth/v1/token", f.route("token", f.token))
	mux.HandleFunc("POST /auth/v1/logout", f.route("logout", f.logout))
	mux.HandleFunc("GET /auth/v1/.well-known/jwks.json", f.route("jwks", f.serveJWKS))
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

// URL is the project's URL, what SUPABASE_URL holds.
func (f *GoTrue) URL() string { return f.srv.URL }

// Issuer is the iss of the access tokens, "" when they carry none.
func (f *GoTrue) Issuer() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.issuer()
}

// issuer is Issuer with f.mu held.
func (f *GoTrue) issuer() string {
	if f.noIss {
		return ""
	}
	return f.srv.URL + "/auth/v1"
}

// Close stops the stand-in, as if Supabase could not be reached.
func (f *GoTrue) Close() { f.srv.Close() }

// Count returns how often route was called.
func (f *GoTrue) Count(route string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.hits[route]
}

// Force makes route answer a from now on (a zero Status: answer normally).
func (f *GoTrue) Force(route string, a Answer) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.force[route] = a
}

// route counts calls, checks the API key as Supabase's gateway does, and
// plays a forced answer if there is one.
func (f *GoTrue) route(path string, h func(http.ResponseWriter, *http.Request)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		name := path
		if g := r.URL.Query().Get("grant_type"); g != "" {
			name += "?grant_type=" + g
		}
		f.mu.Lock()
		f.hits[name]++
		forced := f.force[name]
		f.mu.Unlock()
		switch key := r.Header.Get("apikey"); {
		case key == "":
			writeJSON(w, http.StatusUnauthorized, `{"message":"No API key found in request"}`)
			return
		case key != AnonKey:
			writeJSON(w, http.StatusUnauthorized, `{"message":"Invalid API key"}`)
			return
		}
		if forced.Delay > 0 {
			select {
			case <-time.After(forced.Delay):
			case <-r.Context().Done():
				return
			}
		}
		if forced.Status != 0 {
			writeJSON(w, forced.Status, forced.Body)
			return
		}
		h(w, r)
	}
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

// reply answers v as JSON with status.
func (f *GoTrue) reply(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		f.t.Error(err)
	}
	writeJSON(w, status, string(b))
}

// refuse answers Auth's error body: {"code":status,"error_code":…,"msg":…}.
func (f *GoTrue) refuse(w http.ResponseWriter, status int, code, msg string) {
	f.reply(w, status, map[string]any{"code": status, "error_code": code, "msg": msg})
}

// RequireConfirmation makes sign-up ask for email confirmation
// (GOTRUE_MAILER_AUTOCONFIRM=false).
func (f *GoTrue) RequireConfirmation() { f.set(&f.confirm) }

// WithoutIssuer makes the access tokens carry no iss, as a self-hosted
// Supabase issues them (GOTRUE_JWT_ISSUER unset).
func (f *GoTrue) WithoutIssuer() { f.set(&f.noIss) }

// DisableEmailProvider turns the email provider off, as the project setting
// does: sign-up (400) and sign-in (422) answer email_provider_disabled.
func (f *GoTrue) DisableEmailProvider() { f.set(&f.noEmail) }

// DisableSignup refuses every sign-up (signup_disabled), as the project
// setting "Allow new users to sign up" does when off.
func (f *GoTrue) DisableSignup() { f.set(&f.noSignup) }

func (f *GoTrue) set(mode *bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	*mode = true
}

// now is the stand-in's time, in UTC as Auth writes it.
func (f *GoTrue) now() time.Time { return f.clock.Now().UTC() }

// normalEmail is an address as Auth keeps it.
func normalEmail(email string) string { return strings.ToLower(email) }
