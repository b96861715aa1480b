package config

import (
	"fmt"
	"net/netip"
	"strings"
)

// The headers CLIENT_IP_HEADER may name, spelled as the proxies send them.
const (
	HeaderXForwardedFor = "X-Forwarded-For"
	HeaderFlyClientIP   = "Fly-Client-IP"
)

// parseTrustedProxies reads TRUSTED_PROXIES: comma-separated CIDRs, where a
// bare address means that one address (/32 or /128). Empty means none.
func parseTrustedProxies(v string) ([]netip.Prefix, error) {
	if v == "" {
		return nil, nil
	}
	var out []netip.Prefix
	for _, part := range strings.Split(v, ",") {
		p, err := parsePrefix(strings.TrimSpace(part))
		if err != nil {
			return nil, fmt.Errorf("TRUSTED_PROXIES: %q is not a CIDR such as 172.16.0.0/12 or an IP address", part)
		}
		out = append(out, p)
	}
	return out, nil
}

// parsePrefix reads one CIDR or bare address, masked to its network.
func parsePrefix(s string) (netip.Prefix, error) {
	if !strings.Contains(s, "/") {
		a, err := netip.ParseAddr(s)
		if err != nil || a.Zone() != "" {
			return netip.Prefix{}, fmt.Errorf("bad address %q", s)
		}
		return netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()), nil
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	return p.Masked(), nil
}

// parseClientIPHeader reads CLIENT_IP_HEADER: one of the two headers, in
// any letter case; empty means none.
func parseClientIPHeader(v string) (string, error) {
	for _, h := range []string{HeaderXForwardedFor, HeaderFlyClientIP} {
		if strings.EqualFold(v, h) {
			return h, nil
		}
	}
	if v == "" {
		return "", nil
	}
	return "", fmt.Errorf("CLIENT_IP_HEADER: %q is not %s or %s", v, HeaderXForwardedFor, HeaderFlyClientIP)
}

// checkProxies refuses one of the pair without the other: a header with
// no trusted proxy would never be believed, and trusted proxies without a
// header would change nothing, either of which hides a mistake.
func (c Config) checkProxies() error {
	if c.ClientIPHeader != "" && len(c.TrustedProxies) == 0 {
		return fmt.Errorf("CLIENT_IP_HEADER: needs TRUSTED_PROXIES, the proxies whose %s is believed", c.ClientIPHeader)
	}
	if c.ClientIPHeader == "" && len(c.TrustedProxies) > 0 {
		return fmt.Errorf("TRUSTED_PROXIES: needs CLIENT_IP_HEADER, the header those proxies set")
	}
	return nil
}
