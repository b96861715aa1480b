package webhooks

import "net/netip"

// specialRange is one entry of the address filter's table: a prefix, what
// it is, the RFC that defines it, and whether deliveries may go there.
type specialRange struct {
	prefix  netip.Prefix
	name    string
	rfc     string
	allowed bool
}

func block(prefix, name, rfc string) specialRange {
	return specialRange{netip.MustParsePrefix(prefix), name, rfc, false}
}

func allow(prefix, name, rfc string) specialRange {
	return specialRange{netip.MustParsePrefix(prefix), name, rfc, true}
}

// specialRanges is the IANA IPv4 and IPv6 Special-Purpose Address
// Registries (RFC 6890), plus multicast and the IPv6 space outside global
// unicast. The most specific prefix that holds an address decides.
//
// Allowed, because the registries mark them globally reachable and real
// servers answer there: AS112 (192.31.196.0/24, 192.175.48.0/24,
// 2001:4:112::/48, 2620:4f:8000::/48) and AMT (192.52.193.0/24,
// 2001:3::/32). Refused although marked globally reachable: the anycast
// service addresses inside 192.0.0.0/24 and 2001::/23 (PCP, TURN, DNS-SD
// SRP), and ORCHIDv2 and DETs, which are identifiers rather than hosts
// that serve HTTP; and NAT64's 64:ff9b::/96, whose translator would reach
// an IPv4 address on our behalf.
var specialRanges = []specialRange{
	allow("0.0.0.0/0", "IPv4, allocated to the regional registries", "RFC 791"),
	block("0.0.0.0/8", "this network", "RFC 791"),
	block("10.0.0.0/8", "private use", "RFC 1918"),
	block("100.64.0.0/10", "shared address space (carrier-grade NAT)", "RFC 6598"),
	block("127.0.0.0/8", "loopback", "RFC 1122"),
	block("169.254.0.0/16", "link local (cloud metadata)", "RFC 3927"),
	block("172.16.0.0/12", "private use", "RFC 1918"),
	block("192.0.0.0/24", "IETF protocol assignments (DS-Lite, PCP and TURN anycast, NAT64 discovery)", "RFC 6890"),
	block("192.0.2.0/24", "documentation (TEST-NET-1)", "RFC 5737"),
	allow("192.31.196.0/24", "AS112-v4", "RFC 7535"),
	allow("192.52.193.0/24", "AMT", "RFC 7450"),
	block("192.88.99.0/24", "deprecated 6to4 relay anycast", "RFC 7526"),
	block("192.168.0.0/16", "private use", "RFC 1918"),
	allow("192.175.48.0/24", "direct delegation AS112 service", "RFC 7534"),
	block("198.18.0.0/15", "benchmarking", "RFC 2544"),
	block("198.51.100.0/24", "documentation (TEST-NET-2)", "RFC 5737"),
	block("203.0.113.0/24", "documentation (TEST-NET-3)", "RFC 5737"),
	block("224.0.0.0/4", "multicast", "RFC 5771"),
	block("240.0.0.0/4", "reserved", "RFC 1112"),
	block("255.255.255.255/32", "limited broadcast", "RFC 919"),

	block("::/0", "IPv6 outside global unicast: unassigned or special", "RFC 4291"),
	allow("2000::/3", "IPv6 global unicast", "RFC 4291"),
	block("::/128", "unspecified", "RFC 4291"),
	block("::1/128", "loopback", "RFC 4291"),
	block("::/96", "IPv4-compatible (deprecated)", "RFC 4291"),
	block("::ffff:0:0/96", "IPv4-mapped (judged by the IPv4 address in it)", "RFC 4291"),
	block("64:ff9b::/96", "IPv4/IPv6 translation (NAT64)", "RFC 6052"),
	block("64:ff9b:1::/48", "local-use IPv4/IPv6 translation", "RFC 8215"),
	block("100::/64", "discard only", "RFC 6666"),
	block("100:0:0:1::/64", "dummy IPv6 prefix", "RFC 9780"),
	block("2001::/23", "IETF protocol assignments", "RFC 2928"),
	block("2001::/32", "Teredo", "RFC 4380"),
	block("2001:2::/48", "benchmarking", "RFC 5180"),
	allow("2001:3::/32", "AMT", "RFC 7450"),
	allow("2001:4:112::/48", "AS112-v6", "RFC 7535"),
	block("2001:10::/28", "deprecated ORCHID", "RFC 4843"),
	block("2001:20::/28", "ORCHIDv2", "RFC 7343"),
	block("2001:30::/28", "drone remote ID (DETs)", "RFC 9374"),
	block("2001:db8::/32", "documentation", "RFC 3849"),
	block("2002::/16", "6to4", "RFC 3056"),
	allow("2620:4f:8000::/48", "direct delegation AS112 service", "RFC 7534"),
	block("3fff::/20", "documentation", "RFC 9637"),
	block("5f00::/16", "segment routing (SRv6) SIDs", "RFC 9602"),
	block("fc00::/7", "unique local", "RFC 4193"),
	block("fe80::/10", "link-local unicast", "RFC 4291"),
	block("fec0::/10", "site-local (deprecated)", "RFC 3879"),
	block("ff00::/8", "multicast", "RFC 4291"),
}

// rangeOf returns the most specific entry of specialRanges holding ip,
// which must be unzoned. Every valid address is in one of the two
// catch-all entries.
func rangeOf(ip netip.Addr) (specialRange, bool) {
	var best specialRange
	found := false
	for _, r := range specialRanges {
		if r.prefix.Contains(ip) && (!found || r.prefix.Bits() > best.prefix.Bits()) {
			best, found = r, true
		}
	}
	return best, found
}

// publicAddress reports whether ip may be dialled when private addresses
// are not allowed. An IPv4-mapped IPv6 address is judged by its IPv4
// address; a zone (fe80::1%eth0) changes nothing.
func publicAddress(ip netip.Addr) bool {
	ip = ip.WithZone("")
	if ip.Is4In6() {
		ip = ip.Unmap()
	}
	r, ok := rangeOf(ip)
	return ok && r.allowed
}
