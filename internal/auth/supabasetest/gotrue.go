// Package supabasetest is a fake Supabase Auth (GoTrue) for tests: the edge
// of a cloud that the machines building interviewd cannot reach. It answers
// like GoTrue's documented endpoints and issues real JWTs.
package supabasetest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
)

// The fake's fixed credentials.
const (
	AnonKey   = "test-anon-key"
	JWTSecret = "super-secret-jwt-token-with-at-least-32-characters-long"
	Kid       = "test-key-1"
)

// User is a user of the fake project.
type User struct {
	ID, Email string
	Meta      map[string]any // user_metadata

	password  string
	confirmed bool
}

// Answer is a response a test forces on an endpoint.
type Answer struct {
	Status int
	Body   string
	Delay  time.Duration
}

// GoTrue answers like Supabase Auth's documented endpoints (signup, token
// with the password and refresh_token grants, logout, and the JWKS) and
// issues real JWTs.
type GoTrue struct {
	t       testing.TB
	srv     *httptest.Server
	clock   *Clock
	signer  Key
	jwks    []Key // served at the JWKS endpoint
	ttl     time.Duration
	confirm bool // sign-up asks for email confirmation
	noIss   bool // tokens carry no iss, as a self-hosted Supabase's
	noEmail bool // the email provider is off
	noSign  bool // sign-up is off

	mu      sync.Mutex
	users   map[string]*User  // by email
	refresh map[string]string // refresh token → user ID
	hits    map[string]int    // by route, e.g. "token?grant_type=refresh_token"
	force   map[string]Answer
}

// New starts a fake that signs access tokens with signer, valid an hour of
// clock (nil: the real time), and serves jwks as its key set. It stops
// when the test ends.
func New(t testing.TB, clock *Clock, signer Key, jwks ...Key) *GoTrue {
	f := &GoTrue{t: t, clock: clock, signer: signer, jwks: jwks, ttl: time.Hour,
		users: map[string]*User{}, refresh: map[string]string{}, hits: map[string]int{}, force: map[string]Answer{}}
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

// WithoutIssuer makes the access tokens carry no iss, as a self-hosted
// Supabase issues them (GOTRUE_JWT_ISSUER unset).
func (f *GoTrue) WithoutIssuer() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.noIss = true
}

// DisableEmailProvider turns the email provider off, as the project setting
// does: sign-up and sign-in with an email are refused.
func (f *GoTrue) DisableEmailProvider() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.noEmail = true
}

// DisableSignup refuses every sign-up, as the project setting "Allow new
// users to sign up" does when off.
func (f *GoTrue) DisableSignup() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.noSign = true
}

// Close stops the fake, as if Supabase could not be reached.
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
func (f *GoTrue) route(name string, h func(http.ResponseWriter, *http.Request)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if g := r.URL.Query().Get("grant_type"); g != "" {
			name += "?grant_type=" + g
		}
		f.mu.Lock()
		f.hits[name]++
		forced := f.force[name]
		f.mu.Unlock()
		if r.Header.Get("apikey") != AnonKey {
			writeJSON(w, http.StatusUnauthorized, `{"message":"No API key found in request"}`)
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

func (f *GoTrue) reply(w http.ResponseWriter, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		f.t.Error(err)
	}
	writeJSON(w, http.StatusOK, string(b))
}

// signup creates a user. With confirmation on, GoTrue answers a user and
// no session, even for an email that is already registered (then with a
// made-up ID, so that the answer does not tell whether the email exists).
func (f *GoTrue) signup(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Email, Password string
		Data            map[string]any
	}
	if json.NewDecoder(r.Body).Decode(&in) != nil {
		writeJSON(w, 400, `{"code":400,"error_code":"bad_json","msg":"Could not parse request body as JSON"}`)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.users[in.Email]; ok {
		if f.confirm {
			f.reply(w, f.userJSON(&User{ID: uuid.NewString(), Email: in.Email, Meta: in.Data}))
			return
		}
		writeJSON(w, 422, `{"code":422,"error_code":"user_already_exists","msg":"User already registered"}`)
		return
	}
	u := &User{ID: uuid.NewString(), Email: in.Email, password: in.Password, Meta: in.Data, confirmed: !f.confirm}
	f.users[in.Email] = u
	if f.confirm {
		f.reply(w, f.userJSON(u))
		return
	}
	f.reply(w, f.session(u))
}

func (f *GoTrue) token(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Email        string `json:"email"`
		Password     string `json:"password"`
		RefreshToken string `json:"refresh_token"`
	}
	_ = json.NewDecoder(r.Body).Decode(&in)
	f.mu.Lock()
	defer f.mu.Unlock()
	switch r.URL.Query().Get("grant_type") {
	case "password":
		u, ok := f.users[in.Email]
		switch {
		case !ok || u.password != in.Password:
			// The older OAuth-style answer, which some projects still send.
			writeJSON(w, 400, `{"error":"invalid_grant","error_description":"Invalid login credentials"}`)
		case !u.confirmed:
			writeJSON(w, 400, `{"code":400,"error_code":"email_not_confirmed","msg":"Email not confirmed"}`)
		default:
			f.reply(w, f.session(u))
		}
	case "refresh_token":
		id, ok := f.refresh[in.RefreshToken]
		if !ok {
			writeJSON(w, 400, `{"code":400,"error_code":"refresh_token_not_found","msg":"Invalid Refresh Token: Refresh Token Not Found"}`)
			return
		}
		delete(f.refresh, in.RefreshToken) // rotation: a refresh token is spent once
		f.reply(w, f.session(f.byID(id)))
	default:
		writeJSON(w, 400, `{"code":400,"error_code":"validation_failed","msg":"unsupported_grant_type"}`)
	}
}

// logout verifies the bearer access token as GoTrue does and revokes every
// refresh token of its user (GoTrue's default, global scope).
func (f *GoTrue) logout(w http.ResponseWriter, r *http.Request) {
	bearer, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	c, err := f.parse(bearer)
	if err != nil {
		writeJSON(w, 401, `{"code":401,"error_code":"bad_jwt","msg":"invalid JWT: unable to parse or verify signature"}`)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for tok, id := range f.refresh {
		if id == c.Subject {
			delete(f.refresh, tok)
		}
	}
	w.WriteHeader(http.StatusNoContent)
}

func (f *GoTrue) parse(token string) (jwt.RegisteredClaims, error) {
	var c jwt.RegisteredClaims
	f.mu.Lock()
	signer := f.signer
	f.mu.Unlock()
	_, err := jwt.ParseWithClaims(token, &c, func(*jwt.Token) (any, error) {
		if b, ok := signer.Private.([]byte); ok {
			return b, nil
		}
		return signer.Public(), nil
	}, jwt.WithValidMethods([]string{signer.Method.Alg()}), jwt.WithTimeFunc(f.clock.Now))
	return c, err
}

func (f *GoTrue) serveJWKS(w http.ResponseWriter, _ *http.Request) {
	keys := []map[string]string{}
	f.mu.Lock()
	for _, k := range f.jwks {
		keys = append(keys, k.JWK())
	}
	f.mu.Unlock()
	f.reply(w, map[string]any{"keys": keys})
}

// Rotate makes the fake sign with k and publish it beside its old keys.
func (f *GoTrue) Rotate(k Key) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.signer, f.jwks = k, append(f.jwks, k)
}

// byID returns the user with id. f.mu is held.
func (f *GoTrue) byID(id string) *User {
	for _, u := range f.users {
		if u.ID == id {
			return u
		}
	}
	f.t.Fatalf("no user %s", id)
	return nil
}

// AddUser creates a confirmed user directly in the fake, as the Supabase
// dashboard or another app of the same project would.
func (f *GoTrue) AddUser(email, password string, meta map[string]any) *User {
	f.mu.Lock()
	defer f.mu.Unlock()
	u := &User{ID: uuid.NewString(), Email: email, password: password, Meta: meta, confirmed: true}
	f.users[email] = u
	return u
}

// User returns the user with email, or nil.
func (f *GoTrue) User(email string) *User {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.users[email]
}

// RequireConfirmation makes sign-up ask for email confirmation.
func (f *GoTrue) RequireConfirmation() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.confirm = true
}

// ConfirmAll confirms every user's email, as following the emailed links
// would.
func (f *GoTrue) ConfirmAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, u := range f.users {
		u.confirmed = true
	}
}

// Claims are the claims of an access token of u, as Supabase Auth writes
// them.
func (f *GoTrue) Claims(u *User) jwt.MapClaims {
	now := f.clock.Now()
	c := jwt.MapClaims{
		"iss": f.issuer(), "sub": u.ID, "aud": "authenticated",
		"exp": now.Add(f.ttl).Unix(), "iat": now.Unix(),
		"email": u.Email, "phone": "", "role": "authenticated", "aal": "aal1",
		"session_id": uuid.NewString(), "is_anonymous": false,
		"app_metadata":  map[string]any{"provider": "email", "providers": []string{"email"}},
		"user_metadata": u.Meta,
		"amr":           []map[string]any{{"method": "password", "timestamp": now.Unix()}},
	}
	if c["iss"] == "" {
		delete(c, "iss")
	}
	return c
}

// AccessToken returns a fresh access token of u, signed with the current
// key.
func (f *GoTrue) AccessToken(u *User) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.signer.Sign(f.t, f.Claims(u))
}

// session issues a session for u. f.mu is held.
func (f *GoTrue) session(u *User) map[string]any {
	refresh := strings.ReplaceAll(uuid.NewString(), "-", "")[:22]
	f.refresh[refresh] = u.ID
	return map[string]any{
		"access_token": f.signer.Sign(f.t, f.Claims(u)), "token_type": "bearer",
		"expires_in": int(f.ttl.Seconds()), "expires_at": f.clock.Now().Add(f.ttl).Unix(),
		"refresh_token": refresh, "user": f.userJSON(u),
	}
}

func (f *GoTrue) userJSON(u *User) map[string]any {
	now := f.clock.Now().UTC().Format(time.RFC3339)
	return map[string]any{
		"id": u.ID, "aud": "authenticated", "role": "authenticated", "email": u.Email,
		"user_metadata": u.Meta, "app_metadata": map[string]any{"provider": "email"},
		"identities": []any{}, "created_at": now, "updated_at": now,
	}
}
