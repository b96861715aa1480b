package webhooks

import (
	"errors"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// Limits of one attempt.
const (
	// SendTimeout bounds an attempt from dial to the end of the response.
	SendTimeout = 10 * time.Second
	// MaxResponseBody is how much of a response is read (then dropped):
	// enough to reuse the connection, never enough to be a burden.
	MaxResponseBody = 4 << 10
)

// ErrPrivateAddress is why a delivery to an address of the special-purpose
// registries (loopback, private, link-local, documentation, multicast…) is
// refused when private addresses are not allowed. See specialRanges.
var ErrPrivateAddress = errors.New("refused by the address filter: the URL's host is a loopback, private or special-purpose address")

// refusePrivate is a net.Dialer Control func: it runs after the name is
// resolved, on the very address dialled, so DNS that changes between a
// check and the dial (rebinding) cannot reach a private address.
func refusePrivate(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return ErrPrivateAddress
	}
	if !publicAddress(ap.Addr()) {
		return ErrPrivateAddress
	}
	return nil
}

// NewClient returns the HTTP client deliveries are sent with: a
// SendTimeout, no redirects followed (a redirect is an answer, not a
// 2xx), no proxy from the environment (a proxy would dial for us, past the
// address check), and, unless allowPrivate, no private destinations.
func NewClient(allowPrivate bool) *http.Client {
	d := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}
	if !allowPrivate {
		d.Control = refusePrivate
	}
	tr := &http.Transport{
		DialContext:           d.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          20,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   5 * time.Second,
		ResponseHeaderTimeout: SendTimeout,
	}
	return &http.Client{
		Transport: tr,
		Timeout:   SendTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// CheckURL refuses an endpoint URL that is not an absolute http or https
// URL with a host, has credentials in it, or is too long.
func CheckURL(raw string) error {
	if len(raw) > 2000 {
		return errors.New("the URL must have at most 2000 characters")
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Hostname() == "" {
		return errors.New("the URL must be an absolute http:// or https:// URL")
	}
	if u.User != nil {
		return errors.New("the URL must not hold a user name or password: every delivery is signed instead")
	}
	if u.Fragment != "" {
		return errors.New("the URL must not have a #fragment")
	}
	if numericHost(u.Hostname()) {
		return errors.New("the URL's host must be a name, a dotted-quad IPv4 address or a bracketed IPv6 address")
	}
	return nil
}

// numericHost reports whether host ends in a number but is not an IP
// address Go parses: "2130706433", "0x7f.1", "127.1" or "017.0.0.1" mean
// 127.0.0.1 to a browser or getaddrinfo and nothing to us, so they are
// refused rather than left to whichever resolver reads them.
func numericHost(host string) bool {
	if _, err := netip.ParseAddr(host); err == nil {
		return false
	}
	labels := strings.Split(strings.TrimSuffix(host, "."), ".")
	last := strings.ToLower(labels[len(labels)-1])
	if strings.HasPrefix(last, "0x") {
		return strings.Trim(last[2:], "0123456789abcdef") == ""
	}
	return last != "" && strings.Trim(last, "0123456789") == ""
}

// CheckURLAddress is the address filter's check of a URL, before any
// dial: CheckURL, and then ErrPrivateAddress when the host is an address
// the filter refuses or a name for this machine (localhost). Names are
// checked again, on the very address dialled, by NewClient's dialer.
func CheckURLAddress(raw string) error {
	if err := CheckURL(raw); err != nil {
		return err
	}
	u, _ := url.Parse(raw) // CheckURL parsed it
	host := strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
	if ip, err := netip.ParseAddr(host); err == nil && !publicAddress(ip) {
		return ErrPrivateAddress
	}
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return ErrPrivateAddress // RFC 6761: always loopback
	}
	return nil
}
