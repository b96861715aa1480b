package auth

import (
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// TestRTCSpent: a token is spent once; a token issued before the record
// was made counts as spent; expired entries are dropped.
func TestRTCSpent(t *testing.T) {
	now := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	signer, err := NewRTCSigner("a secret of at least thirty-two bytes long", clock)
	if err != nil {
		t.Fatal(err)
	}
	early, _, _ := signer.Issue("i1", "t1", "candidate", time.Minute)
	now = now.Add(time.Second)
	spent := NewRTCSpent(clock)
	tok, _, _ := signer.Issue("i1", "t1", "candidate", time.Minute)
	other, _, _ := signer.Issue("i1", "t1", "candidate", time.Minute)
	if tok == other {
		t.Fatal("two tokens issued in the same second are the same")
	}
	claims := func(s string) RTCClaims {
		c, err := signer.Verify(s)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	cases := []struct {
		name  string
		token string
		want  error
	}{
		{"first use", tok, nil},
		{"second use", tok, ErrTokenSpent},
		{"third use", tok, ErrTokenSpent},
		{"another token", other, nil},
		{"issued before the record", early, ErrTokenSpent},
	}
	for _, tc := range cases {
		if got := spent.Spend(claims(tc.token)); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
	now = now.Add(time.Minute + clockSkew + time.Minute)
	late, _, _ := signer.Issue("i1", "t1", "candidate", time.Minute)
	if err := spent.Spend(claims(late)); err != nil || spent.Len() != 1 {
		t.Errorf("after expiry: %v, %d remembered, want only the new token", err, spent.Len())
	}
}

// TestRTCTokenNeedsID: a token without an ID (jti) cannot be spent and is refused.
func TestRTCTokenNeedsID(t *testing.T) {
	signer, _ := NewRTCSigner("a secret of at least thirty-two bytes long", nil)
	tok, _, _ := signer.Issue("i1", "t1", "candidate", time.Minute)
	c, err := signer.Verify(tok)
	if err != nil || len(c.ID) < 16 {
		t.Fatalf("claims %+v, %v", c, err)
	}
	c.ID = ""
	noID, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(signer.secret)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := signer.Verify(noID); err != ErrBadToken {
		t.Errorf("a token without an ID: %v, want ErrBadToken", err)
	}
}
