// Package webhooks sends signed events to the URLs a tenant registers when
// its interviews start, complete, are abandoned or fail. The store writes
// each delivery in the transaction that changes the interview's status (an
// outbox); a Sender claims due deliveries, signs them per the Standard
// Webhooks specification, posts them and records the outcome, retrying on
// a schedule. See docs/webhooks.md.
package webhooks

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The headers of every delivery (Standard Webhooks).
const (
	HeaderID        = "webhook-id"        // the delivery's ID, the same on every retry
	HeaderTimestamp = "webhook-timestamp" // unix seconds of this attempt
	HeaderSignature = "webhook-signature" // "v1," + base64 HMAC-SHA256; space-separated when several
)

// SecretPrefix starts every endpoint secret.
const SecretPrefix = "whsec_"

// DefaultTolerance is how far a delivery's timestamp may be from the
// verifier's clock, either way, before Verify refuses it as a replay.
const DefaultTolerance = 5 * time.Minute

// Errors Verify returns; both mean "do not trust this request".
var (
	ErrSignature = errors.New("webhook signature does not match")
	ErrTimestamp = errors.New("webhook timestamp is missing or too far from now")
)

// NewSecret returns a new endpoint secret: "whsec_" and the base64 of 32
// random bytes.
func NewSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails (crypto/rand crashes the program instead)
	return SecretPrefix + base64.StdEncoding.EncodeToString(b)
}

// key returns the HMAC key of a secret: the base64-decoded part after the
// prefix (which integrators' libraries also accept without the prefix).
func key(secret string) ([]byte, error) {
	k, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, SecretPrefix))
	if err != nil || len(k) == 0 {
		return nil, errors.New("webhook secret is not whsec_ followed by base64")
	}
	return k, nil
}

// Sign returns the webhook-signature value of body sent as delivery id at
// ts: "v1," + base64(HMAC-SHA256(key, id + "." + unix seconds + "." + body)).
func Sign(secret, id string, ts time.Time, body []byte) (string, error) {
	k, err := key(secret)
	if err != nil {
		return "", err
	}
	return "v1," + base64.StdEncoding.EncodeToString(mac(k, id, ts.Unix(), body)), nil
}

func mac(k []byte, id string, unix int64, body []byte) []byte {
	h := hmac.New(sha256.New, k)
	fmt.Fprintf(h, "%s.%d.", id, unix)
	h.Write(body)
	return h.Sum(nil)
}

// Headers returns the three headers of a delivery signed at ts.
func Headers(secret, id string, ts time.Time, body []byte) (http.Header, error) {
	sig, err := Sign(secret, id, ts, body)
	if err != nil {
		return nil, err
	}
	h := http.Header{}
	h.Set(HeaderID, id)
	h.Set(HeaderTimestamp, strconv.FormatInt(ts.Unix(), 10))
	h.Set(HeaderSignature, sig)
	return h, nil
}

// Verify checks a received delivery, as an integrator should: the
// timestamp is within tolerance of now (DefaultTolerance when zero), and
// one of the space-separated v1 signatures matches body, compared in
// constant time. It returns ErrTimestamp or ErrSignature (or a malformed
// secret's error).
func Verify(secret string, h http.Header, body []byte, now time.Time, tolerance time.Duration) error {
	if tolerance <= 0 {
		tolerance = DefaultTolerance
	}
	k, err := key(secret)
	if err != nil {
		return err
	}
	unix, err := strconv.ParseInt(h.Get(HeaderTimestamp), 10, 64)
	if err != nil {
		return ErrTimestamp
	}
	if d := now.Sub(time.Unix(unix, 0)); d > tolerance || d < -tolerance {
		return ErrTimestamp
	}
	id := h.Get(HeaderID)
	if id == "" {
		return ErrSignature
	}
	want := mac(k, id, unix, body)
	for _, sig := range strings.Fields(h.Get(HeaderSignature)) {
		version, b64, ok := strings.Cut(sig, ",")
		if !ok || version != "v1" {
			continue
		}
		if got, err := base64.StdEncoding.DecodeString(b64); err == nil && hmac.Equal(got, want) {
			return nil
		}
	}
	return ErrSignature
}
