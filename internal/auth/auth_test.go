package auth

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

func TestPasswordRoundTrip(t *testing.T) {
	h, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$") {
		t.Errorf("hash %q is not argon2id PHC", h)
	}
	if err := VerifyPassword(h, "correct horse battery"); err != nil {
		t.Errorf("right password refused: %v", err)
	}
	if err := VerifyPassword(h, "correct horse battery!"); !errors.Is(err, ErrBadPassword) {
		t.Errorf("wrong password: %v", err)
	}
	h2, _ := HashPassword("correct horse battery")
	if h == h2 {
		t.Error("two hashes of one password are equal: salt missing")
	}
}

func TestVerifyPasswordRejectsBadHashes(t *testing.T) {
	for _, h := range []string{
		"", "plain", "$2a$10$abcdefghijklmnopqrstuu", // bcrypt
		"$argon2id$v=19$m=999999999,t=1,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5a2V5", // memory bomb
		"$argon2id$v=19$m=1024,t=1,p=1$!!$a2V5",
	} {
		if err := VerifyPassword(h, "whatever-password"); err == nil || errors.Is(err, ErrBadPassword) {
			t.Errorf("hash %q: got %v, want a malformed-hash error", h, err)
		}
	}
}

func TestPasswordRules(t *testing.T) {
	if CheckPasswordRules("short") == nil || CheckPasswordRules(strings.Repeat("x", 300)) == nil {
		t.Error("bad passwords accepted")
	}
	if err := CheckPasswordRules("long enough pass"); err != nil {
		t.Error(err)
	}
}

func TestTokens(t *testing.T) {
	a, b := NewToken(JoinTokenPrefix), NewToken(JoinTokenPrefix)
	if a == b || !WellFormed(a, JoinTokenPrefix) || WellFormed(a, APIKeyPrefix) {
		t.Errorf("tokens %q %q", a, b)
	}
	if HashToken(a) == HashToken(b) || len(HashToken(a)) != 64 {
		t.Error("token hashes")
	}
	for _, bad := range []string{"", "ij_", "ij_short", a + "x", "ij_" + strings.Repeat("*", 43)} {
		if WellFormed(bad, JoinTokenPrefix) {
			t.Errorf("WellFormed(%q)", bad)
		}
	}
	key, shown, hash := NewAPIKey()
	if !strings.HasPrefix(key, shown) || hash != HashToken(key) || len(shown) >= len(key)/2 {
		t.Errorf("api key %q shown %q", key, shown)
	}
}

const secret = "0123456789abcdef0123456789abcdef"

func signer(t *testing.T, now time.Time) *RTCSigner {
	t.Helper()
	s, err := NewRTCSigner(secret, func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestRTCTokenRoundTrip(t *testing.T) {
	now := time.Now()
	s := signer(t, now)
	tok, exp, err := s.Issue("iv1", "t1", "cand", RTCTokenDefaultTTL)
	if err != nil {
		t.Fatal(err)
	}
	if d := exp.Sub(now); d < 9*time.Minute || d > 10*time.Minute {
		t.Errorf("expiry in %s", d)
	}
	c, err := s.Verify(tok)
	if err != nil || c.InterviewID != "iv1" || c.TenantID != "t1" || c.Subject != "cand" {
		t.Fatalf("claims %+v, %v", c, err)
	}
	if _, _, err := s.Issue("iv1", "t1", "x", 2*time.Hour); err == nil {
		t.Error("token longer than an hour issued")
	}
	if _, err := NewRTCSigner("short", nil); err == nil {
		t.Error("short secret accepted")
	}
}

// TestRTCTokenRefusals is the attack list: every token here must be refused.
func TestRTCTokenRefusals(t *testing.T) {
	now := time.Now()
	s := signer(t, now)
	good, _, _ := s.Issue("iv1", "t1", "cand", time.Minute)
	sign := func(method jwt.SigningMethod, key any, c jwt.Claims) string {
		tok, err := jwt.NewWithClaims(method, c).SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	claims := func(mut func(*RTCClaims)) RTCClaims {
		c := RTCClaims{InterviewID: "iv1", TenantID: "t1", RegisteredClaims: jwt.RegisteredClaims{
			Issuer: rtcIssuer, Audience: jwt.ClaimStrings{rtcAudience},
			IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(time.Minute)),
		}}
		if mut != nil {
			mut(&c)
		}
		return c
	}
	parts := strings.Split(good, ".")
	noneHeader := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`))
	cases := map[string]string{
		"empty":            "",
		"garbage":          "not.a.token",
		"alg none":         noneHeader + "." + parts[1] + ".",
		"alg none library": sign(jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, claims(nil)),
		"HS512":            sign(jwt.SigningMethodHS512, []byte(secret), claims(nil)),
		"wrong secret":     sign(jwt.SigningMethodHS256, []byte("another-secret-another-secret-xx"), claims(nil)),
		"tampered payload": parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(`{"interviewId":"iv2","tenantId":"t1"}`)) + "." + parts[2],
		"expired":          sign(jwt.SigningMethodHS256, []byte(secret), claims(func(c *RTCClaims) { c.ExpiresAt = jwt.NewNumericDate(now.Add(-time.Minute)) })),
		"no expiry":        sign(jwt.SigningMethodHS256, []byte(secret), claims(func(c *RTCClaims) { c.ExpiresAt = nil })),
		"too long lived":   sign(jwt.SigningMethodHS256, []byte(secret), claims(func(c *RTCClaims) { c.ExpiresAt = jwt.NewNumericDate(now.Add(2 * time.Hour)) })),
		"wrong audience":   sign(jwt.SigningMethodHS256, []byte(secret), claims(func(c *RTCClaims) { c.Audience = jwt.ClaimStrings{"api"} })),
		"wrong issuer":     sign(jwt.SigningMethodHS256, []byte(secret), claims(func(c *RTCClaims) { c.Issuer = "evil" })),
		"no interview":     sign(jwt.SigningMethodHS256, []byte(secret), claims(func(c *RTCClaims) { c.InterviewID = "" })),
		"no tenant":        sign(jwt.SigningMethodHS256, []byte(secret), claims(func(c *RTCClaims) { c.TenantID = "" })),
		"huge":             strings.Repeat("a", 5000),
	}
	for name, tok := range cases {
		t.Run(name, func(t *testing.T) {
			if _, err := s.Verify(tok); !errors.Is(err, ErrBadToken) {
				t.Errorf("accepted (err=%v)", err)
			}
		})
	}
	later := signer(t, now.Add(2*time.Minute))
	if _, err := later.Verify(good); !errors.Is(err, ErrBadToken) {
		t.Error("token accepted after expiry")
	}
}

func FuzzRTCVerify(f *testing.F) {
	s, _ := NewRTCSigner(secret, nil)
	good, _, _ := s.Issue("iv1", "t1", "c", time.Minute)
	f.Add(good)
	f.Add("eyJhbGciOiJub25lIn0.e30.")
	f.Fuzz(func(t *testing.T, tok string) {
		c, err := s.Verify(tok)
		if err == nil && (c.InterviewID == "" || c.TenantID == "") {
			t.Errorf("accepted a token without interview or tenant: %q", tok)
		}
	})
}

func FuzzWellFormed(f *testing.F) {
	f.Add(NewToken(JoinTokenPrefix))
	f.Add("ij_")
	f.Fuzz(func(t *testing.T, tok string) {
		if WellFormed(tok, JoinTokenPrefix) && len(tok) != len(JoinTokenPrefix)+43 {
			t.Errorf("accepted %q", tok)
		}
	})
}

func TestJoinLinks(t *testing.T) {
	j, err := NewJoinLinks(secret)
	if err != nil {
		t.Fatal(err)
	}
	a, b := j.Token("iv1", 1), j.Token("iv1", 2)
	if a == b || a != j.Token("iv1", 1) || !WellFormed(a, JoinTokenPrefix) {
		t.Errorf("tokens %q %q", a, b)
	}
	if j.Token("iv1", 1) == j.Token("iv2", 1) {
		t.Error("two interviews share a token")
	}
	other, _ := NewJoinLinks("another secret that is long enough!!")
	if other.Token("iv1", 1) == a {
		t.Error("the secret does not change the token")
	}
	if _, err := NewJoinLinks("short"); err == nil {
		t.Error("short secret accepted")
	}
}
