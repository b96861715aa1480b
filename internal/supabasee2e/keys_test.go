package supabasee2e

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/interviewd/interviewd/internal/auth"
)

// The access tokens verify with what interviewd is configured with, and
// only with it: the JWKS (published without private parts) for ES256, the
// project's secret for HS256.
func testSigningKeys(t *testing.T, p *project) {
	ctx := t.Context()
	acc := p.accounts(t, nil)
	email := p.email("keys")
	p.newOwner(t, acc, "Keys Ltd", email)
	var h struct{ Alg, Kid string }
	if err := json.Unmarshal(jwtPart(t, p.directSignIn(t, email).AccessToken, 0), &h); err != nil {
		t.Fatal(err)
	}
	if !p.es256 {
		if h.Alg != "HS256" {
			t.Fatalf("access token alg %q, want HS256", h.Alg)
		}
		other := p.accounts(t, func(c *auth.SupabaseConfig) { c.JWTSecret = strings.Repeat("not the secret ", 3) })
		if _, _, err := other.SignIn(ctx, email, password, clientIP); err == nil {
			t.Fatal("a token verified with another secret")
		}
		return
	}
	if h.Alg != "ES256" || h.Kid == "" || p.jwtSecret != "" {
		t.Fatalf("access token alg %q kid %q (interviewd's secret %q); want ES256 with a kid, no secret", h.Alg, h.Kid, p.jwtSecret)
	}
	wantPublished(t, p, h.Kid)
	if p.fake != nil && p.fake.Count("jwks") == 0 {
		t.Fatal("interviewd verified ES256 tokens without fetching the JWKS")
	}
	empty := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"keys":[]}`))
	}))
	t.Cleanup(empty.Close)
	other := p.accounts(t, func(c *auth.SupabaseConfig) { c.JWKSURL = empty.URL })
	if _, _, err := other.SignIn(ctx, email, password, clientIP); err == nil {
		t.Fatal("a token verified with a key set that lacks its key")
	}
}

// wantPublished checks that Auth's JWKS has the P-256 key kid, public half
// only.
func wantPublished(t *testing.T, p *project, kid string) {
	t.Helper()
	status, body := p.call(t, http.MethodGet, ".well-known/jwks.json", nil, "")
	var set struct{ Keys []map[string]any }
	if err := json.Unmarshal(body, &set); status != http.StatusOK || err != nil {
		t.Fatalf("JWKS: %d %s (%v)", status, body, err)
	}
	for _, k := range set.Keys {
		if k["kid"] != kid {
			continue
		}
		if k["kty"] != "EC" || k["crv"] != "P-256" || k["d"] != nil {
			t.Fatalf("JWKS key %s: %v; want a public P-256 key", kid, k)
		}
		return
	}
	t.Fatalf("JWKS %s lacks the token's key %s", body, kid)
}
