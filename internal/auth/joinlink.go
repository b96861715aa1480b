package auth

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strconv"
)

// JoinLinks derives candidates' join-link tokens from the interview ID and
// a version, with a server secret. The store keeps only the token's hash
// (for lookup) and the version, so a recruiter can be shown the link again,
// a leaked database reveals no link, and re-issuing (a new version)
// invalidates the old link.
type JoinLinks struct {
	key []byte
}

// NewJoinLinks returns a deriver keyed by secret (at least 32 bytes).
func NewJoinLinks(secret string) (*JoinLinks, error) {
	if len(secret) < 32 {
		return nil, errors.New("join link secret must have at least 32 bytes")
	}
	// A key of its own, so that join tokens and RTC tokens never share one.
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte("interviewd join links v1"))
	return &JoinLinks{key: m.Sum(nil)}, nil
}

// Token returns the join token of an interview at a link version.
func (j *JoinLinks) Token(interviewID string, version int) string {
	m := hmac.New(sha256.New, j.key)
	m.Write([]byte(interviewID))
	m.Write([]byte{0})
	m.Write([]byte(strconv.Itoa(version)))
	return JoinTokenPrefix + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}
