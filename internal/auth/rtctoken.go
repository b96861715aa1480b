package auth

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Limits of the tokens that admit a browser to the signalling WebSocket.
const (
	RTCTokenDefaultTTL = 10 * time.Minute
	RTCTokenMaxTTL     = time.Hour
	rtcIssuer          = "interviewd"
	rtcAudience        = "rtc"
	clockSkew          = 30 * time.Second
)

// ErrBadToken means a token is missing, malformed, forged, expired or not
// meant for this use. Callers show one message for all of these.
var ErrBadToken = errors.New("invalid or expired token")

// RTCClaims are what a signalling token says: which interview, of which
// tenant, for whom (a candidate's interview ID, a user ID or an API key ID).
// Its ID (jti) is random and names the token when it is spent (RTCSpent).
type RTCClaims struct {
	InterviewID string `json:"interviewId"`
	TenantID    string `json:"tenantId"`
	jwt.RegisteredClaims
}

// RTCSigner issues and verifies signalling tokens with one HS256 secret.
type RTCSigner struct {
	secret []byte
	now    func() time.Time
}

// NewRTCSigner returns a signer for secret, which must have at least 32 bytes.
func NewRTCSigner(secret string, now func() time.Time) (*RTCSigner, error) {
	if len(secret) < 32 {
		return nil, errors.New("token secret must have at least 32 bytes")
	}
	if now == nil {
		now = time.Now
	}
	return &RTCSigner{secret: []byte(secret), now: now}, nil
}

// Issue returns a token for interviewID in tenantID, for subject, that
// expires after ttl (at most RTCTokenMaxTTL), and its expiry time.
func (s *RTCSigner) Issue(interviewID, tenantID, subject string, ttl time.Duration) (string, time.Time, error) {
	if ttl <= 0 || ttl > RTCTokenMaxTTL {
		return "", time.Time{}, fmt.Errorf("token lifetime %s outside (0, %s]", ttl, RTCTokenMaxTTL)
	}
	now := s.now().Truncate(time.Second)
	exp := now.Add(ttl)
	id := make([]byte, 16)
	if _, err := rand.Read(id); err != nil {
		return "", time.Time{}, fmt.Errorf("token id: %w", err)
	}
	claims := RTCClaims{
		InterviewID: interviewID,
		TenantID:    tenantID,
		RegisteredClaims: jwt.RegisteredClaims{
			ID:        base64.RawURLEncoding.EncodeToString(id),
			Issuer:    rtcIssuer,
			Audience:  jwt.ClaimStrings{rtcAudience},
			Subject:   subject,
			IssuedAt:  jwt.NewNumericDate(now),
			NotBefore: jwt.NewNumericDate(now.Add(-clockSkew)),
			ExpiresAt: jwt.NewNumericDate(exp),
		},
	}
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(s.secret)
	return tok, exp, err
}

// Verify checks a token's signature (HS256 only: "none" and every other
// algorithm are refused), issuer, audience and times, and that it lives no
// longer than RTCTokenMaxTTL, and that it has an ID (jti) to be spent by.
// Any failure is ErrBadToken.
func (s *RTCSigner) Verify(token string) (RTCClaims, error) {
	var c RTCClaims
	if len(token) > 4096 {
		return c, ErrBadToken
	}
	err := parseHS256(token, &c, s.secret, rtcAudience, s.now)
	if err != nil || c.InterviewID == "" || c.TenantID == "" || c.IssuedAt == nil || c.ID == "" || len(c.ID) > 64 ||
		c.ExpiresAt.Sub(c.IssuedAt.Time) > RTCTokenMaxTTL {
		return RTCClaims{}, ErrBadToken
	}
	return c, nil
}

// parseHS256 parses an interviewd token into claims: HS256 only (the
// algorithm is pinned, "none" and every other one refused), signed with
// key, issued by interviewd for audience, with an expiry and an issue time,
// checked against now with clockSkew of leeway.
func parseHS256(token string, claims jwt.Claims, key []byte, audience string, now func() time.Time) error {
	_, err := jwt.ParseWithClaims(token, claims, func(*jwt.Token) (any, error) { return key, nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithIssuer(rtcIssuer),
		jwt.WithAudience(audience),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(clockSkew),
		jwt.WithTimeFunc(now),
	)
	return err
}
