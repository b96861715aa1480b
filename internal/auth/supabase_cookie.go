package auth

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
)

// SupabaseTokenPrefix starts every Supabase-mode sign-in cookie value.
const SupabaseTokenPrefix = "isb_"

// MaxSupabaseToken is the longest cookie value SupabaseAccounts hands out:
// browsers keep at most 4096 bytes of name and value per cookie.
const MaxSupabaseToken = 3800

// cookieKeyLabel separates the cookie key from other uses of the same
// server secret (JWT_SECRET also signs the signalling tokens).
const cookieKeyLabel = "interviewd supabase sign-in cookie v1"

// cookieSession is what a Supabase-mode cookie holds: the session Supabase
// Auth issued and the organisation the user works in.
type cookieSession struct {
	AccessToken  string `json:"a"`
	RefreshToken string `json:"r"`
	TenantID     string `json:"t"`
}

// cookieSealer encrypts and authenticates cookie sessions with AES-256-GCM
// under a key derived from a server secret, so that the browser holds
// neither a readable Supabase token nor anything it could alter.
type cookieSealer struct{ aead cipher.AEAD }

func newCookieSealer(secret string) (cookieSealer, error) {
	if len(secret) < 32 {
		return cookieSealer{}, errors.New("cookie secret must have at least 32 bytes")
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(cookieKeyLabel))
	block, err := aes.NewCipher(mac.Sum(nil))
	if err != nil {
		return cookieSealer{}, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return cookieSealer{}, err
	}
	return cookieSealer{aead: aead}, nil
}

// seal returns the cookie value of s.
func (c cookieSealer) seal(s cookieSession) (string, error) {
	plain, err := json.Marshal(s)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, c.aead.NonceSize(), c.aead.NonceSize()+len(plain)+c.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	sealed := c.aead.Seal(nonce, nonce, plain, []byte(SupabaseTokenPrefix))
	token := SupabaseTokenPrefix + base64.RawURLEncoding.EncodeToString(sealed)
	if len(token) > MaxSupabaseToken {
		return "", errors.New("the Supabase session is too large for a cookie; keep user metadata small")
	}
	return token, nil
}

// open returns the session in a cookie value, or ErrBadToken for anything
// that this server did not seal.
func (c cookieSealer) open(token string) (cookieSession, error) {
	var s cookieSession
	rest, ok := strings.CutPrefix(token, SupabaseTokenPrefix)
	if !ok || len(token) > MaxSupabaseToken {
		return s, ErrBadToken
	}
	sealed, err := base64.RawURLEncoding.DecodeString(rest)
	if err != nil || len(sealed) < c.aead.NonceSize()+c.aead.Overhead() {
		return s, ErrBadToken
	}
	nonce, box := sealed[:c.aead.NonceSize()], sealed[c.aead.NonceSize():]
	plain, err := c.aead.Open(nil, nonce, box, []byte(SupabaseTokenPrefix))
	if err != nil || json.Unmarshal(plain, &s) != nil || s.AccessToken == "" {
		return cookieSession{}, ErrBadToken
	}
	return s, nil
}
