package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
)

// Prefixes tell credentials apart at a glance (and to secret scanners).
const (
	JoinTokenPrefix    = "ij_"  // candidate join links
	SessionTokenPrefix = "is_"  // recruiter sign-in cookies
	APIKeyPrefix       = "ivk_" // integration API keys
	tokenBytes         = 32
	// apiKeyShownPrefix is how much of an API key is kept in clear, so that
	// a recruiter can tell keys apart in a list.
	apiKeyShownPrefix = len(APIKeyPrefix) + 6
)

// NewToken returns prefix followed by 256 random bits, URL-safe.
func NewToken(prefix string) string {
	b := make([]byte, tokenBytes)
	if _, err := rand.Read(b); err != nil {
		panic("auth: crypto/rand failed: " + err.Error()) // never happens on Linux
	}
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

// HashToken returns the hex SHA-256 of a token: what the store keeps. A
// random 256-bit token needs no salt or slow hash.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// WellFormed reports whether token looks like one NewToken(prefix) made,
// so that garbage is refused before any lookup.
func WellFormed(token, prefix string) bool {
	rest, ok := strings.CutPrefix(token, prefix)
	if !ok || len(rest) != base64.RawURLEncoding.EncodedLen(tokenBytes) {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(rest)
	return err == nil
}

// NewAPIKey returns a new API key, the part of it that may be shown again,
// and the hash to store.
func NewAPIKey() (key, shown, hash string) {
	key = NewToken(APIKeyPrefix)
	return key, key[:apiKeyShownPrefix], HashToken(key)
}
