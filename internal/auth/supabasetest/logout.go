package supabasetest

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/golang-jwt/jwt/v5"
)

// logout verifies the bearer access token as Auth does (signature and
// expiry, then that its user and session still exist) and ends every
// session of its user (Auth's default, global scope), or only the token's
// own with scope=local. It answers 204 and no body.
func (f *GoTrue) logout(w http.ResponseWriter, r *http.Request) {
	bearer, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || bearer == "" {
		f.refuse(w, 401, "no_authorization", "This endpoint requires a valid Bearer token")
		return
	}
	var c struct {
		jwt.RegisteredClaims
		SessionID string `json:"session_id"`
	}
	if _, err := jwt.ParseWithClaims(bearer, &c, f.verificationKey, jwt.WithValidMethods(f.validMethods()),
		jwt.WithTimeFunc(f.clock.Now)); err != nil {
		f.refuse(w, 403, "bad_jwt", "invalid JWT: unable to parse or verify signature, "+err.Error())
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	u := f.byID(c.Subject)
	switch {
	case c.Subject == "":
		f.refuse(w, 403, "bad_jwt", "invalid claim: missing sub claim")
	case u == nil:
		f.refuse(w, 403, "user_not_found", "User from sub claim in JWT does not exist")
	case c.SessionID != "" && f.sessions[c.SessionID] == nil:
		f.refuse(w, 403, "session_not_found", "Session from session_id claim in JWT does not exist")
	case r.URL.Query().Get("scope") == "local":
		f.endSession(c.SessionID)
		w.WriteHeader(http.StatusNoContent)
	default:
		f.endSessions(u)
		w.WriteHeader(http.StatusNoContent)
	}
}

// verificationKey finds the key of a token as Auth does: by its kid among
// the project's keys, else the project's secret for HS256.
func (f *GoTrue) verificationKey(tok *jwt.Token) (any, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	kid, _ := tok.Header["kid"].(string)
	for _, k := range append([]Key{f.signer}, f.jwks...) {
		if kid != "" && k.Kid == kid {
			if b, ok := k.Private.([]byte); ok {
				return b, nil
			}
			return k.Public(), nil
		}
	}
	if tok.Header["alg"] == jwt.SigningMethodHS256.Alg() {
		if b, ok := f.signer.Private.([]byte); ok {
			return b, nil
		}
		return []byte(JWTSecret), nil // the project's legacy secret still verifies
	}
	return nil, errors.New(fmt.Sprint("unrecognized JWT kid ", tok.Header["kid"], " for algorithm ", tok.Header["alg"]))
}

// validMethods are the algorithms of the project's keys, HS256 (its legacy
// secret) among them.
func (f *GoTrue) validMethods() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	methods := []string{jwt.SigningMethodHS256.Alg()}
	for _, k := range append([]Key{f.signer}, f.jwks...) {
		methods = append(methods, k.Method.Alg())
	}
	return methods
}

// byID returns the user with id, or nil. f.mu is held.
func (f *GoTrue) byID(id string) *User {
	for _, u := range f.users {
		if u.ID == id {
			return u
		}
	}
	return nil
}

// serveJWKS publishes the public halves of the project's asymmetric keys;
// a project that signs with its secret publishes none.
func (f *GoTrue) serveJWKS(w http.ResponseWriter, _ *http.Request) {
	keys := []map[string]any{}
	f.mu.Lock()
	for _, k := range f.jwks {
		j := map[string]any{"key_ops": []string{"verify"}}
		for name, v := range k.JWK() {
			j[name] = v
		}
		keys = append(keys, j)
	}
	f.mu.Unlock()
	f.reply(w, 200, map[string]any{"keys": keys})
}

// Rotate makes the stand-in sign with k and publish it beside its old keys.
func (f *GoTrue) Rotate(k Key) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.signer, f.jwks = k, append(f.jwks, k)
}
