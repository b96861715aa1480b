package auth

import (
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// RecordingLinkTTL is how long a recording's signed download link works.
const RecordingLinkTTL = 5 * time.Minute

const recordingAudience = "recording"

// RecordingClaims are what a recording's download link says: which
// segment of which interview of which tenant, and who asked for the link
// (the API key's ID, the Subject), so that the download is audited as
// theirs.
type RecordingClaims struct {
	TenantID    string `json:"tenantId"`
	InterviewID string `json:"interviewId"`
	Segment     int    `json:"segment"`
	jwt.RegisteredClaims
}

// RecordingLinks issues and verifies the tokens of recordings' signed
// download links (GET /recordings/{token}): HS256 with a key of their
// own, audience "recording", RecordingLinkTTL.
type RecordingLinks struct {
	key []byte
	now func() time.Time
}

// NewRecordingLinks returns a signer keyed by secret (at least 32 bytes);
// now nil is time.Now.
func NewRecordingLinks(secret string, now func() time.Time) (*RecordingLinks, error) {
	if len(secret) < 32 {
		return nil, errors.New("recording link secret must have at least 32 bytes")
	}
	if now == nil {
		now = time.Now
	}
	// A key of its own, so that no other token of the same secret (join
	// links, /rtc tokens) can ever pass for a download link.
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte("interviewd recording links v1"))
	return &RecordingLinks{key: m.Sum(nil), now: now}, nil
}

// Issue returns a link token for segment index of interviewID in
// tenantID, asked for by subject (an API key ID), and when it expires.
func (l *RecordingLinks) Issue(tenantID, interviewID string, index int, subject string) (string, time.Time, error) {
	now := l.now().Truncate(time.Second)
	exp := now.Add(RecordingLinkTTL)
	c := RecordingClaims{
		TenantID: tenantID, InterviewID: interviewID, Segment: index,
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    rtcIssuer,
			Audience:  jwt.ClaimStrings{recordingAudience},
			Subject:   subject,
			IssuedAt:  jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(exp),
		},
	}
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(l.key)
	return tok, exp, err
}

// Verify checks a link token: HS256 only (the algorithm is pinned, "none"
// and every other one refused), issuer, audience, expiry (with at most
// RecordingLinkTTL between issue and expiry) and that it names a tenant,
// an interview and a segment. Any failure is ErrBadToken.
func (l *RecordingLinks) Verify(token string) (RecordingClaims, error) {
	var c RecordingClaims
	if len(token) > 2048 {
		return c, ErrBadToken
	}
	err := parseHS256(token, &c, l.key, recordingAudience, l.now)
	if err != nil || c.TenantID == "" || c.InterviewID == "" || c.Segment < 0 || c.IssuedAt == nil ||
		c.ExpiresAt.Sub(c.IssuedAt.Time) > RecordingLinkTTL {
		return RecordingClaims{}, ErrBadToken
	}
	return c, nil
}
