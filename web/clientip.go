package web

import (
	"context"
	"net/http"
	"net/netip"
	"strings"
)

// ClientIPs finds the address a request comes from: the connection's peer,
// or, when the peer is one of TrustedProxies, what it says in Header
// (docs/security.md, "Client addresses behind a proxy").
type ClientIPs struct {
	// TrustedProxies are the peers whose Header is believed.
	TrustedProxies []netip.Prefix
	// Header is "X-Forwarded-For", "Fly-Client-IP", or empty: the peer only.
	Header string
}

// ClientIP returns r's client address. A header that is missing or
// invalid gives the peer's address, so a proxy's mistake costs its users
// a shared throttle bucket, never a forged one.
func (c ClientIPs) ClientIP(r *http.Request) string {
	peer, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr // not an IP connection: the peer is all we know
	}
	addr := peer.Addr().Unmap()
	if c.Header == "" || !c.trusted(addr) {
		return addr.String()
	}
	var from netip.Addr
	var ok bool
	if strings.EqualFold(c.Header, "X-Forwarded-For") {
		from, ok = rightmostUntrusted(r.Header.Values("X-Forwarded-For"), c.trusted)
	} else {
		from, ok = singleAddr(r.Header.Values(c.Header))
	}
	if !ok {
		return addr.String()
	}
	return from.String()
}

// trusted reports whether a is one of the trusted proxies.
func (c ClientIPs) trusted(a netip.Addr) bool {
	for _, p := range c.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// rightmostUntrusted reads X-Forwarded-For, whose lines (in order) append
// one address per hop, from the right: each trusted proxy vouches for the
// entry to its left, so the first address that is not a trusted proxy is
// the client, and everything left of it may be forged. All entries
// trusted gives the left-most; any invalid entry on the way gives false.
func rightmostUntrusted(lines []string, trusted func(netip.Addr) bool) (netip.Addr, bool) {
	var last netip.Addr
	for i := len(lines) - 1; i >= 0; i-- {
		rest := lines[i]
		for {
			cut := strings.LastIndexByte(rest, ',')
			a, ok := parseHeaderAddr(rest[cut+1:])
			if !ok {
				return netip.Addr{}, false
			}
			if !trusted(a) {
				return a, true
			}
			last = a
			if cut < 0 {
				break
			}
			rest = rest[:cut]
		}
	}
	return last, last.IsValid()
}

// singleAddr reads a header that holds one address, such as Fly-Client-IP.
func singleAddr(values []string) (netip.Addr, bool) {
	if len(values) != 1 {
		return netip.Addr{}, false
	}
	return parseHeaderAddr(values[0])
}

// parseHeaderAddr parses one address of a header: a plain IPv4 or IPv6
// address without zone or port, IPv4-mapped ones as IPv4.
func parseHeaderAddr(s string) (netip.Addr, bool) {
	a, err := netip.ParseAddr(strings.TrimSpace(s))
	if err != nil || a.Zone() != "" {
		return netip.Addr{}, false
	}
	return a.Unmap(), true
}

// clientIPKey is the context key of the request's client address.
type clientIPKey struct{}

// clientAddr finds the client's address once per request, for every
// handler and the access log to read with clientIP.
func (s *server) clientAddr(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := context.WithValue(r.Context(), clientIPKey{}, s.clientIPs.ClientIP(r))
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// clientIP is the address throttles, /rtc limits, consent records and the
// access log count a request against: the one clientAddr found, or the
// peer's when r did not pass through the router.
func clientIP(r *http.Request) string {
	if ip, ok := r.Context().Value(clientIPKey{}).(string); ok {
		return ip
	}
	return ClientIPs{}.ClientIP(r)
}
