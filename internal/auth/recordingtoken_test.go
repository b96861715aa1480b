package auth

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

func recordingLinks(t testing.TB, now time.Time) *RecordingLinks {
	t.Helper()
	l, err := NewRecordingLinks(secret, func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestRecordingLinkRoundTrip(t *testing.T) {
	now := time.Now()
	l := recordingLinks(t, now)
	tok, exp, err := l.Issue("t1", "iv1", 2, "key1")
	if err != nil {
		t.Fatal(err)
	}
	if d := exp.Sub(now); d < 4*time.Minute || d > 5*time.Minute {
		t.Errorf("expiry in %s, want 5 minutes", d)
	}
	c, err := l.Verify(tok)
	if err != nil || c.TenantID != "t1" || c.InterviewID != "iv1" || c.Segment != 2 || c.Subject != "key1" {
		t.Fatalf("claims %+v, %v", c, err)
	}
	if _, err := recordingLinks(t, now.Add(RecordingLinkTTL+clockSkew+time.Second)).Verify(tok); !errors.Is(err, ErrBadToken) {
		t.Errorf("accepted after expiry: %v", err)
	}
	if _, err := NewRecordingLinks("short", nil); err == nil {
		t.Error("short secret accepted")
	}
	// The RTC signer of the same secret cannot read it, nor it the RTC's.
	rtc, _ := NewRTCSigner(secret, nil)
	if _, err := rtc.Verify(tok); !errors.Is(err, ErrBadToken) {
		t.Errorf("an RTC signer accepted a recording link: %v", err)
	}
	rtok, _, _ := rtc.Issue("iv1", "t1", "x", time.Minute)
	if _, err := l.Verify(rtok); !errors.Is(err, ErrBadToken) {
		t.Errorf("a recording link signer accepted an RTC token: %v", err)
	}
}

// TestRecordingLinkRefusals is the attack list: every token here must be
// refused.
func TestRecordingLinkRefusals(t *testing.T) {
	now := time.Now()
	l := recordingLinks(t, now)
	good, _, _ := l.Issue("t1", "iv1", 0, "key1")
	sign := func(method jwt.SigningMethod, key any, c jwt.Claims) string {
		tok, err := jwt.NewWithClaims(method, c).SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	claims := func(mut func(*RecordingClaims)) RecordingClaims {
		c := RecordingClaims{TenantID: "t1", InterviewID: "iv1", RegisteredClaims: jwt.RegisteredClaims{
			Issuer: rtcIssuer, Audience: jwt.ClaimStrings{recordingAudience}, Subject: "key1",
			IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(time.Minute)),
		}}
		if mut != nil {
			mut(&c)
		}
		return c
	}
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte("interviewd recording links v1"))
	key := m.Sum(nil)
	if _, err := l.Verify(sign(jwt.SigningMethodHS256, key, claims(nil))); err != nil {
		t.Fatalf("the baseline token is refused: %v", err)
	}
	parts := strings.Split(good, ".")
	noneHeader := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`))
	cases := map[string]string{
		"empty":            "",
		"garbage":          "not.a.token",
		"alg none":         noneHeader + "." + parts[1] + ".",
		"alg none library": sign(jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, claims(nil)),
		"HS512":            sign(jwt.SigningMethodHS512, key, claims(nil)),
		"raw secret":       sign(jwt.SigningMethodHS256, []byte(secret), claims(nil)),
		"wrong secret":     sign(jwt.SigningMethodHS256, []byte("another-secret-another-secret-xx"), claims(nil)),
		"tampered payload": parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(`{"tenantId":"t2","interviewId":"iv1"}`)) + "." + parts[2],
		"expired":          sign(jwt.SigningMethodHS256, key, claims(func(c *RecordingClaims) { c.ExpiresAt = jwt.NewNumericDate(now.Add(-time.Minute)) })),
		"no expiry":        sign(jwt.SigningMethodHS256, key, claims(func(c *RecordingClaims) { c.ExpiresAt = nil })),
		"no issued at":     sign(jwt.SigningMethodHS256, key, claims(func(c *RecordingClaims) { c.IssuedAt = nil })),
		"too long lived":   sign(jwt.SigningMethodHS256, key, claims(func(c *RecordingClaims) { c.ExpiresAt = jwt.NewNumericDate(now.Add(time.Hour)) })),
		"rtc audience":     sign(jwt.SigningMethodHS256, key, claims(func(c *RecordingClaims) { c.Audience = jwt.ClaimStrings{rtcAudience} })),
		"wrong issuer":     sign(jwt.SigningMethodHS256, key, claims(func(c *RecordingClaims) { c.Issuer = "evil" })),
		"no tenant":        sign(jwt.SigningMethodHS256, key, claims(func(c *RecordingClaims) { c.TenantID = "" })),
		"no interview":     sign(jwt.SigningMethodHS256, key, claims(func(c *RecordingClaims) { c.InterviewID = "" })),
		"negative segment": sign(jwt.SigningMethodHS256, key, claims(func(c *RecordingClaims) { c.Segment = -1 })),
		"huge":             strings.Repeat("a", 5000),
	}
	for name, tok := range cases {
		t.Run(name, func(t *testing.T) {
			if _, err := l.Verify(tok); !errors.Is(err, ErrBadToken) {
				t.Errorf("accepted (err=%v)", err)
			}
		})
	}
}

func FuzzRecordingLinkVerify(f *testing.F) {
	l := recordingLinks(f, time.Now())
	good, _, _ := l.Issue("t1", "iv1", 3, "key1")
	f.Add(good)
	f.Add("eyJhbGciOiJub25lIn0.e30.")
	f.Fuzz(func(t *testing.T, tok string) {
		c, err := l.Verify(tok)
		if err == nil && (c.TenantID == "" || c.InterviewID == "" || c.Segment < 0) {
			t.Errorf("accepted a token without tenant, interview or segment: %q", tok)
		}
	})
}
