package supabasetest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"math/big"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Clock is a settable clock shared by the fake and the code under test. A
// nil *Clock is the real time.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock stopped at t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	if c == nil {
		return time.Now()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock on by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// Key signs the access tokens the fake issues: HS256 with the project's
// secret, or RS256/ES256 with a key the fake serves as its JWKS.
type Key struct {
	Method  jwt.SigningMethod
	Kid     string
	Private any // []byte, *rsa.PrivateKey or *ecdsa.PrivateKey
}

// HS256 is the project's legacy secret, JWTSecret.
func HS256() Key { return Key{Method: jwt.SigningMethodHS256, Private: []byte(JWTSecret)} }

// ES256 returns a new P-256 key named kid.
func ES256(t testing.TB, kid string) Key {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return Key{Method: jwt.SigningMethodES256, Kid: kid, Private: k}
}

// RS256 returns a new 2048-bit RSA key named kid.
func RS256(t testing.TB, kid string) Key {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return Key{Method: jwt.SigningMethodRS256, Kid: kid, Private: k}
}

// Sign returns claims as a JWT signed with k, naming its Kid if it has one.
func (k Key) Sign(t testing.TB, claims jwt.Claims) string {
	t.Helper()
	tok := jwt.NewWithClaims(k.Method, claims)
	if k.Kid != "" {
		tok.Header["kid"] = k.Kid
	}
	s, err := tok.SignedString(k.Private)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Public returns the key's public half.
func (k Key) Public() crypto.PublicKey {
	return k.Private.(crypto.Signer).Public()
}

// JWK returns the key's public half as a JSON Web Key.
func (k Key) JWK() map[string]string {
	b64 := func(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }
	switch pub := k.Public().(type) {
	case *rsa.PublicKey:
		return map[string]string{"kty": "RSA", "kid": k.Kid, "alg": "RS256", "use": "sig",
			"n": b64(pub.N.Bytes()), "e": b64(big.NewInt(int64(pub.E)).Bytes())}
	case *ecdsa.PublicKey:
		raw, _ := pub.Bytes() // 0x04 || X || Y
		return map[string]string{"kty": "EC", "kid": k.Kid, "alg": "ES256", "use": "sig", "crv": "P-256",
			"x": b64(raw[1:33]), "y": b64(raw[33:])}
	}
	panic("not an asymmetric key")
}
