package webhooks

import (
	"errors"
	"net"
	"net/http"
	"net/netip"
	"net/url"
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

// ErrPrivateAddress is why a delivery to a loopback, private or link-local
// address is refused when private addresses are not allowed.
var ErrPrivateAddress = errors.New("refused: the URL resolves to a private, loopback or link-local address")

// sharedAddressSpace is carrier-grade NAT (RFC 6598), private in practice.
var sharedAddressSpace = netip.MustParsePrefix("100.64.0.0/10")

// publicAddress reports whether ip may be dialled when private addresses
// are not allowed. IPv4-mapped IPv6 addresses count as their IPv4 address.
func publicAddress(ip netip.Addr) bool {
	ip = ip.Unmap()
	return ip.IsGlobalUnicast() && !ip.IsPrivate() && !sharedAddressSpace.Contains(ip)
}

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
	return nil
}
