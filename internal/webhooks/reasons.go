package webhooks

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net/url"
	"strings"
)

// The reasons an attempt got no answer, as the owner sees them in a
// delivery's lastError. They are coarse on purpose: a raw network error
// ("connection refused", "no route to host", the resolver's address) would
// turn webhooks into a blind port scanner of whatever the server can reach.
const (
	reasonFiltered = "refused by the address filter"
	reasonTimeout  = "timed out"
	reasonTLS      = "TLS error"
	reasonConnect  = "could not connect"
	reasonURL      = "invalid URL"
)

// attemptError maps an error of post to one of the coarse reasons. The
// full error goes to the debug log only.
func attemptError(err error) string {
	switch {
	case errors.Is(err, ErrPrivateAddress):
		return reasonFiltered
	case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		return reasonTimeout
	case isTLS(err):
		return reasonTLS
	}
	var ue *url.Error
	if !errors.As(err, &ue) {
		return reasonURL // refused before a request was made: CheckURL or Headers
	}
	return reasonConnect
}

func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}

// isTLS reports whether err comes from the TLS handshake: an untrusted or
// mismatched certificate, an alert, or a server that does not speak TLS.
func isTLS(err error) bool {
	var (
		rec      tls.RecordHeaderError
		alert    tls.AlertError
		verify   *tls.CertificateVerificationError
		unknown  x509.UnknownAuthorityError
		hostname x509.HostnameError
		invalid  x509.CertificateInvalidError
	)
	if strings.Contains(err.Error(), "server gave HTTP response to HTTPS client") {
		return true // net/http turns the RecordHeaderError into this text
	}
	return errors.As(err, &rec) || errors.As(err, &alert) || errors.As(err, &verify) ||
		errors.As(err, &unknown) || errors.As(err, &hostname) || errors.As(err, &invalid)
}

// withoutURL drops the *url.Error around err, whose text holds the URL (it
// may carry a token in its query), for the debug log.
func withoutURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
