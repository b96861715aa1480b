package auth

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"math/big"
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
	fakeAnonKey   = "test-anon-key"
	fakeJWTSecret = "super-secret-jwt-token-with-at-least-32-characters-long"
	fakeKid       = "test-key-1"
)

// testClock is a settable clock shared by the fake and the service.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// tokenKey signs the access tokens the fake issues: HS256 with the
// project's secret, or RS256/ES256 with a key the fake serves as its JWKS.
type tokenKey struct {
	method jwt.SigningMethod
	kid    string
	key    any // []byte, *rsa.PrivateKey or *ecdsa.PrivateKey
}

func hsKey() tokenKey { return tokenKey{method: jwt.SigningMethodHS256, key: []byte(fakeJWTSecret)} }

func esKey(t testing.TB, kid string) tokenKey {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return tokenKey{method: jwt.SigningMethodES256, kid: kid, key: k}
}

func rsKey(t testing.TB, kid string) tokenKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return tokenKey{method: jwt.SigningMethodRS256, kid: kid, key: k}
}

func (k tokenKey) sign(t testing.TB, claims jwt.Claims) string {
	t.Helper()
	tok := jwt.NewWithClaims(k.method, claims)
	if k.kid != "" {
		tok.Header["kid"] = k.kid
	}
	s, err := tok.SignedString(k.key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// public returns the key's public half.
func (k tokenKey) public() crypto.PublicKey {
	return k.key.(crypto.Signer).Public()
}

// jwk returns the key's public half as a JSON Web Key.
func (k tokenKey) jwk() map[string]string {
	b64 := func(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }
	switch pub := k.public().(type) {
	case *rsa.PublicKey:
		return map[string]string{"kty": "RSA", "kid": k.kid, "alg": "RS256", "use": "sig",
			"n": b64(pub.N.Bytes()), "e": b64(big.NewInt(int64(pub.E)).Bytes())}
	case *ecdsa.PublicKey:
		raw, _ := pub.Bytes() // 0x04 || X || Y
		return map[string]string{"kty": "EC", "kid": k.kid, "alg": "ES256", "use": "sig", "crv": "P-256",
			"x": b64(raw[1:33]), "y": b64(raw[33:])}
	}
	panic("not an asymmetric key")
}

type fakeUser struct {
	id, email, password string
	meta                map[string]any
	confirmed           bool
}

// fakeAnswer is a response the test forces on an endpoint.
type fakeAnswer struct {
	status int
	body   string
	delay  time.Duration
}

// fakeGoTrue answers like Supabase Auth's documented endpoints (signup,
// token with the password and refresh_token grants, logout, and the JWKS)
// and issues real JWTs.
type fakeGoTrue struct {
	t       *testing.T
	srv     *httptest.Server
	clock   *testClock
	signer  tokenKey
	jwks    []tokenKey // served at the JWKS endpoint
	ttl     time.Duration
	confirm bool // sign-up asks for email confirmation

	mu      sync.Mutex
	users   map[string]*fakeUser // by email
	refresh map[string]string    // refresh token → user ID
	hits    map[string]int       // by route, e.g. "token?grant_type=refresh_token"
	force   map[string]fakeAnswer
}

func newFakeGoTrue(t *testing.T, clock *testClock, signer tokenKey, jwks ...tokenKey) *fakeGoTrue {
	f := &fakeGoTrue{t: t, clock: clock, signer: signer, jwks: jwks, ttl: time.Hour,
		users: map[string]*fakeUser{}, refresh: map[string]string{}, hits: map[string]int{}, force: map[string]fakeAnswer{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /auth/v1/signup", f.route("signup", f.signup))
	mux.HandleFunc("POST /auth/v1/token", f.route("token", f.token))
	mux.HandleFunc("POST /auth/v1/logout", f.route("logout", f.logout))
	mux.HandleFunc("GET /auth/v1/.well-known/jwks.json", f.route("jwks", f.serveJWKS))
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeGoTrue) issuer() string { return f.srv.URL + "/auth/v1" }

// count returns how often route was called.
func (f *fakeGoTrue) count(route string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.hits[route]
}

// answer makes route answer a from now on (a zero status: answer normally).
func (f *fakeGoTrue) answer(route string, a fakeAnswer) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.force[route] = a
}

// route counts calls, checks the API key as Supabase's gateway does, and
// plays a forced answer if there is one.
func (f *fakeGoTrue) route(name string, h func(http.ResponseWriter, *http.Request)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if g := r.URL.Query().Get("grant_type"); g != "" {
			name += "?grant_type=" + g
		}
		f.mu.Lock()
		f.hits[name]++
		forced := f.force[name]
		f.mu.Unlock()
		if r.Header.Get("apikey") != fakeAnonKey {
			writeJSON(w, http.StatusUnauthorized, `{"message":"No API key found in request"}`)
			return
		}
		if forced.delay > 0 {
			select {
			case <-time.After(forced.delay):
			case <-r.Context().Done():
				return
			}
		}
		if forced.status != 0 {
			writeJSON(w, forced.status, forced.body)
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

func (f *fakeGoTrue) reply(w http.ResponseWriter, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		f.t.Error(err)
	}
	writeJSON(w, http.StatusOK, string(b))
}

func (f *fakeGoTrue) signup(w http.ResponseWriter, r *http.Request) {
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
		writeJSON(w, 422, `{"code":422,"error_code":"user_already_exists","msg":"User already registered"}`)
		return
	}
	u := &fakeUser{id: uuid.NewString(), email: in.Email, password: in.Password, meta: in.Data, confirmed: !f.confirm}
	f.users[in.Email] = u
	if f.confirm {
		f.reply(w, f.userJSON(u))
		return
	}
	f.reply(w, f.session(u))
}

func (f *fakeGoTrue) token(w http.ResponseWriter, r *http.Request) {
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
func (f *fakeGoTrue) logout(w http.ResponseWriter, r *http.Request) {
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

func (f *fakeGoTrue) parse(token string) (jwt.RegisteredClaims, error) {
	var c jwt.RegisteredClaims
	_, err := jwt.ParseWithClaims(token, &c, func(*jwt.Token) (any, error) {
		if b, ok := f.signer.key.([]byte); ok {
			return b, nil
		}
		return f.signer.public(), nil
	}, jwt.WithValidMethods([]string{f.signer.method.Alg()}), jwt.WithTimeFunc(f.clock.now))
	return c, err
}

func (f *fakeGoTrue) serveJWKS(w http.ResponseWriter, _ *http.Request) {
	keys := []map[string]string{}
	f.mu.Lock()
	for _, k := range f.jwks {
		keys = append(keys, k.jwk())
	}
	f.mu.Unlock()
	f.reply(w, map[string]any{"keys": keys})
}

// rotate makes the fake sign with k and publish it beside its old keys.
func (f *fakeGoTrue) rotate(k tokenKey) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.signer, f.jwks = k, append(f.jwks, k)
}

func (f *fakeGoTrue) byID(id string) *fakeUser {
	for _, u := range f.users {
		if u.id == id {
			return u
		}
	}
	f.t.Fatalf("no user %s", id)
	return nil
}

// addUser creates a confirmed user directly in the fake, as the Supabase
// dashboard or another app of the same project would.
func (f *fakeGoTrue) addUser(email, password string, meta map[string]any) *fakeUser {
	f.mu.Lock()
	defer f.mu.Unlock()
	u := &fakeUser{id: uuid.NewString(), email: email, password: password, meta: meta, confirmed: true}
	f.users[email] = u
	return u
}

// user returns the user with email.
func (f *fakeGoTrue) user(email string) *fakeUser {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.users[email]
}

// requireConfirmation makes sign-up ask for email confirmation.
func (f *fakeGoTrue) requireConfirmation() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.confirm = true
}

func (f *fakeGoTrue) confirmAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, u := range f.users {
		u.confirmed = true
	}
}

// claims are the claims of an access token of u, as Supabase Auth writes them.
func (f *fakeGoTrue) claims(u *fakeUser) jwt.MapClaims {
	now := f.clock.now()
	return jwt.MapClaims{
		"iss": f.issuer(), "sub": u.id, "aud": "authenticated",
		"exp": now.Add(f.ttl).Unix(), "iat": now.Unix(),
		"email": u.email, "phone": "", "role": "authenticated", "aal": "aal1",
		"session_id": uuid.NewString(), "is_anonymous": false,
		"app_metadata":  map[string]any{"provider": "email", "providers": []string{"email"}},
		"user_metadata": u.meta,
		"amr":           []map[string]any{{"method": "password", "timestamp": now.Unix()}},
	}
}

// accessToken returns a fresh access token of u, signed with the current key.
func (f *fakeGoTrue) accessToken(u *fakeUser) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.signer.sign(f.t, f.claims(u))
}

// session issues a session for u. f.mu is held.
func (f *fakeGoTrue) session(u *fakeUser) map[string]any {
	refresh := strings.ReplaceAll(uuid.NewString(), "-", "")[:22]
	f.refresh[refresh] = u.id
	return map[string]any{
		"access_token": f.signer.sign(f.t, f.claims(u)), "token_type": "bearer",
		"expires_in": int(f.ttl.Seconds()), "expires_at": f.clock.now().Add(f.ttl).Unix(),
		"refresh_token": refresh, "user": f.userJSON(u),
	}
}

func (f *fakeGoTrue) userJSON(u *fakeUser) map[string]any {
	now := f.clock.now().UTC().Format(time.RFC3339)
	return map[string]any{
		"id": u.id, "aud": "authenticated", "role": "authenticated", "email": u.email,
		"user_metadata": u.meta, "app_metadata": map[string]any{"provider": "email"},
		"identities": []any{}, "created_at": now, "updated_at": now,
	}
}
