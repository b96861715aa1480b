package auth

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"

	"github.com/interviewd/interviewd/internal/auth/supabasetest"
	"github.com/interviewd/interviewd/internal/interview"
)

// signJWT signs claims with alg and key, naming kid when it is not empty.
func signJWT(t testing.TB, alg, kid string, key any, claims jwt.Claims) string {
	t.Helper()
	return supabasetest.Key{Method: jwt.GetSigningMethod(alg), Kid: kid, Private: key}.Sign(t, claims)
}

const testSub = "5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a"

func userClaims(iss string, now time.Time, mut func(jwt.MapClaims)) jwt.MapClaims {
	c := jwt.MapClaims{
		"iss": iss, "sub": testSub, "aud": "authenticated", "role": "authenticated",
		"exp": now.Add(time.Hour).Unix(), "iat": now.Unix(),
		"email": "ada@example.com", "session_id": uuid.NewString(), "is_anonymous": false,
	}
	if mut != nil {
		mut(c)
	}
	return c
}

// verifiers is one project's key material and a verifier per configuration.
type verifiers struct {
	clock          *supabasetest.Clock
	issuer         string
	es, rs         supabasetest.Key
	fake           *supabasetest.GoTrue
	jwks, hs, both *supabaseVerifier
}

func newVerifiers(t *testing.T) *verifiers {
	v := &verifiers{clock: supabasetest.NewClock(time.Now()), es: supabasetest.ES256(t, "es"), rs: supabasetest.RS256(t, "rs")}
	v.fake = supabasetest.New(t, v.clock, v.es, v.es, v.rs)
	v.issuer = v.fake.Issuer()
	cache := func() *jwksCache {
		c, err := newJWKSCache(v.fake.URL(), SupabaseConfig{AnonKey: supabasetest.AnonKey, Now: v.clock.Now})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	v.jwks = newSupabaseVerifier(v.issuer, nil, cache(), v.clock.Now)
	v.hs = newSupabaseVerifier(v.issuer, []byte(supabasetest.JWTSecret), nil, v.clock.Now)
	v.both = newSupabaseVerifier(v.issuer, []byte(supabasetest.JWTSecret), cache(), v.clock.Now)
	return v
}

func TestSupabaseVerifyAccepts(t *testing.T) {
	v := newVerifiers(t)
	now := v.clock.Now()
	hs := signJWT(t, "HS256", "", []byte(supabasetest.JWTSecret), userClaims(v.issuer, now, nil))
	es := v.es.Sign(t, userClaims(v.issuer, now, nil))
	rs := v.rs.Sign(t, userClaims(v.issuer, now, nil))
	for name, c := range map[string]struct {
		v   *supabaseVerifier
		tok string
	}{
		"HS256 with the secret": {v.hs, hs}, "ES256 from the JWKS": {v.jwks, es}, "RS256 from the JWKS": {v.jwks, rs},
		"HS256 during rotation": {v.both, hs}, "ES256 during rotation": {v.both, es},
		"audience as a list": {v.hs, signJWT(t, "HS256", "", []byte(supabasetest.JWTSecret), userClaims(v.issuer, now, func(c jwt.MapClaims) { c["aud"] = []string{"authenticated"} }))},
	} {
		got, err := c.v.verify(t.Context(), c.tok)
		if err != nil || got.Subject != testSub || got.Email != "ada@example.com" {
			t.Errorf("%s: %+v, %v", name, got, err)
		}
	}
}

// TestSupabaseVerifyRefusals is the attack list: every token here must be
// refused, and only a genuine, merely expired one may be refreshed.
func TestSupabaseVerifyRefusals(t *testing.T) {
	v := newVerifiers(t)
	now := v.clock.Now()
	secret := []byte(supabasetest.JWTSecret)
	claims := func(mut func(jwt.MapClaims)) jwt.MapClaims { return userClaims(v.issuer, now, mut) }
	hs := func(mut func(jwt.MapClaims)) string { return signJWT(t, "HS256", "", secret, claims(mut)) }
	good := v.es.Sign(t, claims(nil))
	parts := strings.Split(good, ".")
	b64 := base64.RawURLEncoding.EncodeToString
	header := func(h string) string { return b64([]byte(h)) + "." + parts[1] + "." }
	esDER, _ := x509.MarshalPKIXPublicKey(v.es.Public())
	esPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: esDER})
	rsDER, _ := x509.MarshalPKIXPublicKey(v.rs.Public())
	esJWK, _ := json.Marshal(v.es.JWK())
	otherES := supabasetest.ES256(t, "es")
	otherRS, _ := rsa.GenerateKey(rand.Reader, 2048)
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	expired := func(c jwt.MapClaims) { c["iat"], c["exp"] = now.Add(-2*time.Hour).Unix(), now.Add(-time.Hour).Unix() }

	type tc struct {
		v       *supabaseVerifier
		tok     string
		expired bool // genuine but expired: errTokenExpired, not ErrBadToken
	}
	cases := map[string]tc{
		"empty":                       {v.both, "", false},
		"garbage":                     {v.both, "not.a.token", false},
		"huge":                        {v.both, strings.Repeat("a", maxAccessToken+1), false},
		"alg none":                    {v.both, header(`{"alg":"none","typ":"JWT","kid":"es"}`), false},
		"alg none library":            {v.both, signJWT(t, "none", "es", jwt.UnsafeAllowNoneSignatureType, claims(nil)), false},
		"alg None":                    {v.both, header(`{"alg":"None","kid":"es"}`), false},
		"HS256 with only a JWKS":      {v.jwks, hs(nil), false},
		"HS256 keyed with public DER": {v.both, signJWT(t, "HS256", "es", esDER, claims(nil)), false},
		"HS256 keyed with public PEM": {v.both, signJWT(t, "HS256", "es", esPEM, claims(nil)), false},
		"HS256 keyed with the JWK":    {v.jwks, signJWT(t, "HS256", "es", esJWK, claims(nil)), false},
		"HS256 keyed with RSA DER":    {v.jwks, signJWT(t, "HS256", "rs", rsDER, claims(nil)), false},
		"HS512 with the secret":       {v.hs, signJWT(t, "HS512", "", secret, claims(nil)), false},
		"HS384 with the secret":       {v.both, signJWT(t, "HS384", "", secret, claims(nil)), false},
		"RS256 without a JWKS":        {v.hs, v.rs.Sign(t, claims(nil)), false},
		"RS384 with the RSA key":      {v.jwks, signJWT(t, "RS384", "rs", v.rs.Private, claims(nil)), false},
		"PS256 with the RSA key":      {v.jwks, signJWT(t, "PS256", "rs", v.rs.Private, claims(nil)), false},
		"ES384 with a P-384 key":      {v.jwks, signJWT(t, "ES384", "es", p384, claims(nil)), false},
		"ES256 under the RSA kid":     {v.jwks, signJWT(t, "ES256", "rs", v.es.Private, claims(nil)), false},
		"RS256 under the EC kid":      {v.jwks, signJWT(t, "RS256", "es", v.rs.Private, claims(nil)), false},
		"forged ES256 signature":      {v.jwks, otherES.Sign(t, claims(nil)), false},
		"forged RS256 signature":      {v.jwks, signJWT(t, "RS256", "rs", otherRS, claims(nil)), false},
		"HS256 wrong secret":          {v.hs, signJWT(t, "HS256", "", []byte("another-secret-another-secret-xx"), claims(nil)), false},
		"unknown kid":                 {v.jwks, signJWT(t, "ES256", "nope", v.es.Private, claims(nil)), false},
		"no kid":                      {v.jwks, signJWT(t, "ES256", "", v.es.Private, claims(nil)), false},
		"tampered payload":            {v.jwks, parts[0] + "." + b64([]byte(`{"sub":"`+uuid.NewString()+`"}`)) + "." + parts[2], false},
		"wrong audience":              {v.hs, hs(func(c jwt.MapClaims) { c["aud"] = "anon" }), false},
		"no audience":                 {v.hs, hs(func(c jwt.MapClaims) { delete(c, "aud") }), false},
		"wrong issuer":                {v.hs, hs(func(c jwt.MapClaims) { c["iss"] = "https://evil.example/auth/v1" }), false},
		"issuer of the anon key":      {v.hs, hs(func(c jwt.MapClaims) { c["iss"] = "supabase" }), false},
		"no issuer":                   {v.hs, hs(func(c jwt.MapClaims) { delete(c, "iss") }), false},
		"no expiry":                   {v.hs, hs(func(c jwt.MapClaims) { delete(c, "exp") }), false},
		"expiry not a number":         {v.hs, hs(func(c jwt.MapClaims) { c["exp"] = "tomorrow" }), false},
		"issued in the future":        {v.hs, hs(func(c jwt.MapClaims) { c["iat"] = now.Add(10 * time.Minute).Unix() }), false},
		"not valid yet":               {v.hs, hs(func(c jwt.MapClaims) { c["nbf"] = now.Add(10 * time.Minute).Unix() }), false},
		"sub not a UUID":              {v.hs, hs(func(c jwt.MapClaims) { c["sub"] = "admin" }), false},
		"sub a UUID URN":              {v.hs, hs(func(c jwt.MapClaims) { c["sub"] = "urn:uuid:" + testSub }), false},
		"sub in capitals":             {v.hs, hs(func(c jwt.MapClaims) { c["sub"] = strings.ToUpper(testSub) }), false},
		"sub the nil UUID":            {v.hs, hs(func(c jwt.MapClaims) { c["sub"] = uuid.Nil.String() }), false},
		"no sub":                      {v.hs, hs(func(c jwt.MapClaims) { delete(c, "sub") }), false},
		"role anon":                   {v.hs, hs(func(c jwt.MapClaims) { c["role"] = "anon" }), false},
		"role service_role":           {v.hs, hs(func(c jwt.MapClaims) { c["role"] = "service_role" }), false},
		"anonymous user":              {v.hs, hs(func(c jwt.MapClaims) { c["is_anonymous"] = true }), false},
		"the anon key itself": {v.hs, signJWT(t, "HS256", "", secret, jwt.MapClaims{
			"iss": "supabase", "ref": "project", "role": "anon", "iat": now.Unix(), "exp": now.Add(24 * time.Hour).Unix()}), false},
		"expired and wrong audience": {v.hs, hs(func(c jwt.MapClaims) { expired(c); c["aud"] = "anon" }), false},
		"expired and forged":         {v.jwks, otherES.Sign(t, claims(expired)), false},
		"expired and not a user":     {v.hs, hs(func(c jwt.MapClaims) { expired(c); c["role"] = "service_role" }), false},
		"expired":                    {v.hs, hs(expired), true},
		"expired, ES256":             {v.jwks, v.es.Sign(t, claims(expired)), true},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := c.v.verify(t.Context(), c.tok)
			want := ErrBadToken
			if c.expired {
				want = errTokenExpired
			}
			if !errors.Is(err, want) {
				t.Errorf("got %+v, %v; want %v", got, err, want)
			}
		})
	}
}

func TestSupabaseJWKSCache(t *testing.T) {
	v := newVerifiers(t)
	ctx := t.Context()
	u := v.fake.AddUser("ada@example.com", testPassword, nil)
	check := func(tok string, wantFetches int, ok bool) {
		t.Helper()
		_, err := v.jwks.verify(ctx, tok)
		if (err == nil) != ok || v.fake.Count("jwks") != wantFetches {
			t.Fatalf("verify: %v (want ok=%v); %d fetches, want %d", err, ok, v.fake.Count("jwks"), wantFetches)
		}
	}
	tok := v.fake.AccessToken(u)
	for range 5 {
		check(tok, 1, true) // fetched once, then cached
	}
	v.clock.Advance(jwksTTL)
	check(tok, 2, true) // stale: refetched

	// A new key is found by a refetch, but not sooner than jwksRetryEvery
	// after the last one.
	v.fake.Rotate(supabasetest.ES256(t, "new"))
	tok2 := v.fake.AccessToken(u)
	check(tok2, 2, false)
	v.clock.Advance(jwksRetryEvery)
	check(tok2, 3, true)
	check(tok, 3, true) // the old key is still published

	// Made-up key IDs cannot make interviewd hammer the endpoint.
	for i := range 20 {
		check(signJWT(t, "ES256", fmt.Sprint("made-up-", i), v.es.Private, userClaims(v.issuer, v.clock.Now(), nil)), 3, false)
	}

	// While the endpoint fails, the keys already known still work.
	v.fake.Force("jwks", supabasetest.Answer{Status: 500})
	v.clock.Advance(jwksTTL)
	check(tok2, 4, true)
	check(tok2, 4, true)

	// Too long without a successful fetch, and the keys are given up.
	v.clock.Advance(jwksMaxStale)
	if _, err := v.jwks.verify(ctx, tok2); !errors.Is(err, errJWKSUnavailable) {
		t.Fatalf("after %s without keys: %v", jwksMaxStale, err)
	}
}

func TestSupabaseJWKSUnavailable(t *testing.T) {
	e := newSupabaseEnv(t, supabasetest.ES256(t, supabasetest.Kid), nil)
	e.fake.Force("jwks", supabasetest.Answer{Status: 503})
	_, _, err := e.acc.SignUp(t.Context(), SignUpInput{Organisation: "Acme", Name: "Ada", Email: "ada@example.com", Password: testPassword})
	wantCode(t, err, interview.CodeUnavailable)
	sealed, _ := e.acc.sealer.seal(cookieSession{AccessToken: e.fake.AccessToken(e.fake.User("ada@example.com")), TenantID: "t"})
	_, err = e.acc.Authenticate(t.Context(), sealed)
	wantCode(t, err, interview.CodeUnavailable)

	// Once the keys can be had, the first sign-in finishes the sign-up.
	e.fake.Force("jwks", supabasetest.Answer{})
	e.clock.Advance(jwksRetryEvery)
	_, p, err := e.acc.SignIn(t.Context(), "ada@example.com", testPassword, "ip")
	if err != nil || p.Role() != interview.RoleOwner {
		t.Fatalf("sign in: %+v, %v", p, err)
	}
}

func TestParseJWKS(t *testing.T) {
	es, rs := supabasetest.ES256(t, "es"), supabasetest.RS256(t, "rs")
	small, _ := rsa.GenerateKey(rand.Reader, 1024)
	with := func(k supabasetest.Key, mut func(map[string]string)) map[string]string {
		j := k.JWK()
		mut(j)
		return j
	}
	keys := []map[string]string{
		es.JWK(), rs.JWK(),
		with(es, func(j map[string]string) { j["kid"] = "es-no-alg"; delete(j, "alg") }),
		with(es, func(j map[string]string) { j["kid"] = "es-as-rs"; j["alg"] = "RS256" }),
		with(rs, func(j map[string]string) { j["kid"] = "rs384"; j["alg"] = "RS384" }),
		with(rs, func(j map[string]string) { j["kid"] = "rs-enc"; j["use"] = "enc" }),
		with(rs, func(j map[string]string) { j["kid"] = "rs-even-e"; j["e"] = "Ag" }),
		with(rs, func(j map[string]string) { j["kid"] = "" }),
		with(es, func(j map[string]string) { j["kid"] = "es-off-curve"; j["y"] = j["x"] }),
		with(supabasetest.Key{Kid: "small", Private: small}, func(map[string]string) {}),
		{"kty": "EC", "kid": "p384", "crv": "P-384", "x": "AA", "y": "AA"},
		{"kty": "oct", "kid": "oct", "k": base64.RawURLEncoding.EncodeToString([]byte(supabasetest.JWTSecret))},
		{"kty": "OKP", "kid": "ed", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"},
		with(es, func(j map[string]string) { j["kid"] = "rs" }), // a duplicate: the first one stays
	}
	body, _ := json.Marshal(map[string]any{"keys": keys})
	got, err := parseJWKS(body)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"es": "ES256", "rs": "RS256", "es-no-alg": "ES256"}
	if len(got) != len(want) {
		t.Errorf("keys %v, want %v", got, want)
	}
	for kid, alg := range want {
		if got[kid].alg != alg {
			t.Errorf("key %s: %q, want %s", kid, got[kid].alg, alg)
		}
	}
	for _, bad := range []string{``, `{`, `[]`, `{"keys":"x"}`, `{"keys":[` + strings.Repeat(`{},`, jwksMaxKeys) + `{}]}`} {
		if _, err := parseJWKS([]byte(bad)); err == nil {
			t.Errorf("parsed %q", bad)
		}
	}
}

func FuzzSupabaseVerify(f *testing.F) {
	now := time.Now()
	const iss = "https://project.example/auth/v1"
	v := newSupabaseVerifier(iss, []byte(supabasetest.JWTSecret), nil, func() time.Time { return now })
	f.Add(signJWT(f, "HS256", "", []byte(supabasetest.JWTSecret), userClaims(iss, now, nil)))
	f.Add(signJWT(f, "HS256", "", []byte(supabasetest.JWTSecret), userClaims(iss, now.Add(-2*time.Hour), nil)))
	f.Add("eyJhbGciOiJub25lIn0.e30.")
	f.Fuzz(func(t *testing.T, tok string) {
		c, err := v.verify(t.Context(), tok)
		if err != nil {
			if !errors.Is(err, ErrBadToken) && !errors.Is(err, errTokenExpired) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		if id, perr := uuid.Parse(c.Subject); perr != nil || id.String() != c.Subject || c.Issuer != iss ||
			c.Role != "authenticated" || c.ExpiresAt == nil || !c.ExpiresAt.After(now.Add(-clockSkew)) {
			t.Errorf("accepted %q: %+v", tok, c)
		}
	})
}

func FuzzSupabaseCookie(f *testing.F) {
	s, _ := newCookieSealer(secret)
	good, _ := s.seal(cookieSession{"a.b.c", "refresh", "tenant"})
	f.Add(good)
	f.Add(SupabaseTokenPrefix)
	f.Fuzz(func(t *testing.T, tok string) {
		sess, err := s.open(tok)
		if err == nil && tok != good && sess != (cookieSession{"a.b.c", "refresh", "tenant"}) {
			t.Errorf("opened a cookie this server did not seal: %q", tok)
		}
	})
}

// TestSupabaseVerifyWithoutIssuer: with SUPABASE_JWT_ISSUER= (empty) a
// token needs no iss, as a self-hosted Supabase issues none; everything
// else is checked as before.
func TestSupabaseVerifyWithoutIssuer(t *testing.T) {
	now := time.Now()
	secret := []byte(supabasetest.JWTSecret)
	v := newSupabaseVerifier("", secret, nil, func() time.Time { return now })
	hs := func(mut func(jwt.MapClaims)) string {
		return signJWT(t, "HS256", "", secret, userClaims("https://project.example/auth/v1", now, mut))
	}
	for name, tok := range map[string]string{
		"no iss":    hs(func(c jwt.MapClaims) { delete(c, "iss") }),
		"empty iss": hs(func(c jwt.MapClaims) { c["iss"] = "" }),
		"an iss":    hs(nil),
	} {
		if c, err := v.verify(t.Context(), tok); err != nil || c.Subject != testSub {
			t.Errorf("%s: %+v, %v", name, c, err)
		}
	}
	noIss := func(c jwt.MapClaims) { delete(c, "iss") }
	for name, tok := range map[string]string{
		"wrong audience":    hs(func(c jwt.MapClaims) { noIss(c); c["aud"] = "anon" }),
		"role anon":         hs(func(c jwt.MapClaims) { noIss(c); c["role"] = "anon" }),
		"role service_role": hs(func(c jwt.MapClaims) { noIss(c); c["role"] = "service_role" }),
		"anonymous user":    hs(func(c jwt.MapClaims) { noIss(c); c["is_anonymous"] = true }),
		"wrong secret":      signJWT(t, "HS256", "", []byte("another-secret-another-secret-xx"), userClaims("", now, noIss)),
		"the anon key itself": signJWT(t, "HS256", "", secret, jwt.MapClaims{
			"iss": "supabase", "ref": "project", "role": "anon", "iat": now.Unix(), "exp": now.Add(24 * time.Hour).Unix()}),
	} {
		if _, err := v.verify(t.Context(), tok); !errors.Is(err, ErrBadToken) {
			t.Errorf("%s: %v", name, err)
		}
	}
}
