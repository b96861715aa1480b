package webhooks

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/netip"
	"testing"
	"time"
)

// attacks are addresses an owner could point a webhook at to reach what
// the server can reach but the Internet cannot, one or more per
// special-purpose range, written out here rather than read from the table.
var attacks = []struct{ name, ip string }{
	{"this network 0/8", "0.1.2.3"},
	{"unspecified v4", "0.0.0.0"},
	{"private 10/8", "10.1.2.3"},
	{"shared address space", "100.64.0.1"},
	{"loopback", "127.0.0.1"},
	{"loopback 127/8", "127.255.255.254"},
	{"cloud metadata", "169.254.169.254"},
	{"private 172.16/12", "172.31.255.1"},
	{"IETF protocol assignments", "192.0.0.1"},
	{"PCP anycast", "192.0.0.9"},
	{"TEST-NET-1", "192.0.2.10"},
	{"6to4 relay anycast", "192.88.99.1"},
	{"private 192.168/16", "192.168.1.1"},
	{"benchmarking", "198.19.255.1"},
	{"TEST-NET-2", "198.51.100.7"},
	{"TEST-NET-3", "203.0.113.9"},
	{"multicast", "224.0.0.1"},
	{"multicast top", "239.255.255.250"},
	{"reserved 240/4", "240.0.0.1"},
	{"broadcast", "255.255.255.255"},
	{"unspecified v6", "::"},
	{"loopback v6", "::1"},
	{"IPv4-compatible loopback", "::127.0.0.1"},
	{"IPv4-compatible public", "::93.184.215.14"},
	{"IPv4-mapped loopback", "::ffff:127.0.0.1"},
	{"IPv4-mapped private", "::ffff:10.0.0.1"},
	{"IPv4-mapped metadata", "::ffff:169.254.169.254"},
	{"NAT64 loopback", "64:ff9b::127.0.0.1"},
	{"NAT64 public", "64:ff9b::93.184.215.14"},
	{"local NAT64", "64:ff9b:1::a00:1"},
	{"discard only", "100::1"},
	{"Teredo", "2001:0:4136:e378:8000:63bf:3fff:fdd2"},
	{"IETF protocol assignments v6", "2001:1::1"},
	{"benchmarking v6", "2001:2::1"},
	{"ORCHIDv2", "2001:20::1"},
	{"documentation v6", "2001:db8::1"},
	{"6to4 of loopback", "2002:7f00:1::1"},
	{"6to4 of private", "2002:a00:1::1"},
	{"documentation 3fff::/20", "3fff::1"},
	{"SRv6 SIDs", "5f00::1"},
	{"unallocated v6", "4000::1"},
	{"unique local", "fd00::1"},
	{"unique local fc", "fc00::1"},
	{"link-local v6", "fe80::1"},
	{"link-local v6 with zone", "fe80::1%lo"},
	{"site-local", "fec0::1"},
	{"multicast v6", "ff02::1"},
}

// allowedAddresses are globally reachable, including the registries'
// entries kept open on purpose (AS112, AMT).
var allowedAddresses = []string{
	"93.184.215.14", "1.1.1.1", "8.8.8.8", "100.63.255.255", "100.128.0.1", "172.32.0.1", "192.0.1.1",
	"198.17.255.255", "198.20.0.1", "223.255.255.254", "192.31.196.1", "192.175.48.6", "192.52.193.1",
	"::ffff:93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c", "2001:4860:4860::8888",
	"2001:4:112::1", "2620:4f:8000::6", "2001:3::1", "2003::1", "3ffe::1", "3fff:1000::1",
}

// TestAddressFilterRefusesSpecialRanges attacks every range through both
// checks: the URL check, and the dial-time check of a real http.Client
// (NewClient) dialling the address. A refusal there comes before any
// packet; an address the filter missed would be dialled and fail
// otherwise (timeout, no route), which the test reports.
func TestAddressFilterRefusesSpecialRanges(t *testing.T) {
	client := NewClient(false)
	for _, tt := range attacks {
		t.Run(tt.name, func(t *testing.T) {
			ip := netip.MustParseAddr(tt.ip)
			if publicAddress(ip) {
				t.Errorf("publicAddress(%s) = true", tt.ip)
			}
			raw := "http://" + net.JoinHostPort(tt.ip, "8080") + "/hooks"
			if tt.ip == "fe80::1%lo" {
				raw = "http://[fe80::1%25lo]:8080/hooks"
			}
			if err := CheckURLAddress(raw); !errors.Is(err, ErrPrivateAddress) {
				t.Errorf("CheckURLAddress(%s) = %v, want ErrPrivateAddress", raw, err)
			}
			ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
			defer cancel()
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, raw, nil)
			if err != nil {
				t.Fatal(err)
			}
			res, err := client.Do(req)
			if err == nil {
				res.Body.Close()
			}
			if !errors.Is(err, ErrPrivateAddress) {
				t.Errorf("POST %s: %v, want ErrPrivateAddress at dial time", raw, err)
			}
		})
	}
}

func TestAddressFilterAllowsGlobalAddresses(t *testing.T) {
	for _, s := range allowedAddresses {
		if !publicAddress(netip.MustParseAddr(s)) {
			t.Errorf("publicAddress(%s) = false, want true", s)
		}
		raw := "https://" + net.JoinHostPort(s, "443") + "/hooks"
		if err := CheckURLAddress(raw); err != nil {
			t.Errorf("CheckURLAddress(%s) = %v", raw, err)
		}
	}
	if err := CheckURLAddress("https://hooks.example.com/x"); err != nil {
		t.Errorf("a name: %v", err)
	}
}

// TestURLCheckRefusesLocalNames: names that are loopback by definition,
// and numbers a resolver may read as an address, are refused before any
// lookup.
func TestURLCheckRefusesLocalNames(t *testing.T) {
	for _, raw := range []string{"http://localhost/", "http://LOCALHOST./", "http://app.localhost:8080/"} {
		if err := CheckURLAddress(raw); !errors.Is(err, ErrPrivateAddress) {
			t.Errorf("CheckURLAddress(%s) = %v, want ErrPrivateAddress", raw, err)
		}
	}
	for _, raw := range []string{"http://2130706433/", "http://0x7f.1/", "http://127.1/", "http://0x7f000001/", "http://1.2.3.04/", "http://h.0x1/"} {
		if err := CheckURL(raw); err == nil {
			t.Errorf("CheckURL(%s) accepted a numeric host", raw)
		}
	}
}

// TestTableEdges: the first and last address of every entry get that
// entry's answer unless a more specific entry holds them, and every
// entry names its RFC.
func TestTableEdges(t *testing.T) {
	for _, r := range specialRanges {
		if r.name == "" || len(r.rfc) < 5 || r.prefix != r.prefix.Masked() {
			t.Errorf("entry %v: name %q, RFC %q", r.prefix, r.name, r.rfc)
		}
		for _, ip := range []netip.Addr{r.prefix.Addr(), lastAddr(r.prefix)} {
			if got, _ := rangeOf(ip); got.prefix == r.prefix && publicAddress(ip) != r.allowed && !ip.Is4In6() {
				t.Errorf("%s in %v (%s): allowed %v", ip, r.prefix, r.name, !r.allowed)
			}
		}
	}
}

// lastAddr is the highest address of p.
func lastAddr(p netip.Prefix) netip.Addr {
	b := p.Addr().AsSlice()
	for i := p.Bits(); i < len(b)*8; i++ {
		b[i/8] |= 0x80 >> (i % 8)
	}
	a, _ := netip.AddrFromSlice(b)
	return a
}

// FuzzPublicAddress: whatever 16 bytes and zone, the filter never lets
// through what Go itself knows is not global unicast, nor a private or
// embedded-IPv4 range, and answers the same for an IPv4 address, its
// IPv4-mapped form and a zoned form.
func FuzzPublicAddress(f *testing.F) {
	for _, s := range append([]string{"::1", "64:ff9b::7f00:1", "2002::1", "::ffff:7f00:1", "fe80::1"}, allowedAddresses...) {
		b := netip.MustParseAddr(s).As16()
		f.Add(b[:], "")
	}
	f.Fuzz(func(t *testing.T, raw []byte, zone string) {
		if len(raw) != 16 {
			return
		}
		ip := netip.AddrFrom16([16]byte(raw))
		ok := publicAddress(ip)
		if ok && (!ip.Unmap().IsGlobalUnicast() || ip.Unmap().IsPrivate()) {
			t.Fatalf("%s allowed", ip)
		}
		if ok && ip.Is6() && !ip.Is4In6() && !netip.MustParsePrefix("2000::/3").Contains(ip) {
			t.Fatalf("%s outside global unicast allowed", ip)
		}
		for _, p := range []string{"64:ff9b::/96", "2002::/16", "2001::/32", "::/96"} {
			if ok && netip.MustParsePrefix(p).Contains(ip) {
				t.Fatalf("%s in %s allowed", ip, p)
			}
		}
		if ip.Is4In6() && publicAddress(ip.Unmap()) != ok {
			t.Fatalf("%s and %s differ", ip, ip.Unmap())
		}
		if zone != "" && publicAddress(ip.WithZone(zone)) != ok {
			t.Fatalf("zone %q changes the answer for %s", zone, ip)
		}
	})
}
