package web

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"testing"

	"github.com/interviewd/interviewd/internal/hiring"
)

// TestClientIP: the header is believed only from a trusted peer; from
// X-Forwarded-For the right-most address that is not a trusted proxy is
// the client; anything invalid gives the peer.
func TestClientIP(t *testing.T) {
	xff := ClientIPs{TrustedProxies: prefixes("10.0.0.0/8", "fd00::/8"), Header: "X-Forwarded-For"}
	fly := ClientIPs{TrustedProxies: prefixes("172.16.0.0/12"), Header: "Fly-Client-IP"}
	cases := []struct {
		name   string
		ips    ClientIPs
		peer   string
		header []string // values of ips.Header, one per line
		want   string
	}{
		{"no header configured", ClientIPs{}, "203.0.113.1:5000", nil, "203.0.113.1"},
		{"configured but absent", xff, "10.0.0.1:5000", nil, "10.0.0.1"},
		{"untrusted peer spoofs xff", xff, "203.0.113.1:5000", []string{"198.51.100.9"}, "203.0.113.1"},
		{"untrusted peer spoofs fly", fly, "203.0.113.1:5000", []string{"198.51.100.9"}, "203.0.113.1"},
		{"one hop", xff, "10.0.0.1:5000", []string{"198.51.100.9"}, "198.51.100.9"},
		{"spoofed left-most", xff, "10.0.0.1:5000", []string{"6.6.6.6, 198.51.100.9, 10.0.0.2"}, "198.51.100.9"},
		{"spoofed left-most, two lines", xff, "10.0.0.1:5000", []string{"6.6.6.6", "198.51.100.9,10.0.0.2"}, "198.51.100.9"},
		{"garbage left of the client", xff, "10.0.0.1:5000", []string{"not an ip, 198.51.100.9"}, "198.51.100.9"},
		{"invalid right-most", xff, "10.0.0.1:5000", []string{"198.51.100.9, bogus"}, "10.0.0.1"},
		{"empty entry", xff, "10.0.0.1:5000", []string{"198.51.100.9, "}, "10.0.0.1"},
		{"address with port", xff, "10.0.0.1:5000", []string{"198.51.100.9:443"}, "10.0.0.1"},
		{"zone", xff, "10.0.0.1:5000", []string{"fe80::1%eth0"}, "10.0.0.1"},
		{"all trusted", xff, "10.0.0.1:5000", []string{"10.9.9.9, 10.0.0.2"}, "10.9.9.9"},
		{"ipv6 client and proxy", xff, "[fd00::1]:5000", []string{"2001:db8::7"}, "2001:db8::7"},
		{"mapped client", xff, "10.0.0.1:5000", []string{"::ffff:198.51.100.9"}, "198.51.100.9"},
		{"mapped peer", xff, "[::ffff:10.0.0.1]:5000", []string{"198.51.100.9"}, "198.51.100.9"},
		{"fly", fly, "172.19.4.2:5000", []string{"198.51.100.9"}, "198.51.100.9"},
		{"fly with spaces", fly, "172.19.4.2:5000", []string{" 2001:db8::7 "}, "2001:db8::7"},
		{"fly list", fly, "172.19.4.2:5000", []string{"6.6.6.6, 198.51.100.9"}, "172.19.4.2"},
		{"fly twice", fly, "172.19.4.2:5000", []string{"6.6.6.6", "198.51.100.9"}, "172.19.4.2"},
		{"fly garbage", fly, "172.19.4.2:5000", []string{"<script>"}, "172.19.4.2"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.RemoteAddr = tc.peer
			for _, v := range tc.header {
				r.Header.Add(tc.ips.Header, v)
			}
			if got := tc.ips.ClientIP(r); got != tc.want {
				t.Errorf("client %q, want %q", got, tc.want)
			}
		})
	}
}

// TestClientIPSignInThrottle: behind a trusted proxy one client's failed
// sign-ins fill its own throttle bucket, not everyone's; without trust,
// rotating a forged header does not give fresh buckets.
func TestClientIPSignInThrottle(t *testing.T) {
	for _, header := range []string{"X-Forwarded-For", "Fly-Client-IP"} {
		t.Run(header, func(t *testing.T) {
			app := proxiedApp(t, ClientIPs{TrustedProxies: prefixes("127.0.0.1"), Header: header})
			app.clientFrom(header, "198.51.100.7").signUp("Acme", "ann@example.com")
			attacker := app.clientFrom(header, "203.0.113.66")
			if !throttleOut(t, attacker, func(int) {}) {
				t.Fatal("the attacker's address was never throttled")
			}
			owner := app.clientFrom(header, "198.51.100.7")
			res := owner.post("/signin", url.Values{"email": {"ann@example.com"}, "password": {testPassword}})
			readBody(t, res)
			if res.StatusCode != http.StatusSeeOther {
				t.Errorf("the owner, from another address behind the same proxy, got %d, want 303", res.StatusCode)
			}
		})
	}
	t.Run("untrusted peer", func(t *testing.T) {
		app := proxiedApp(t, ClientIPs{TrustedProxies: prefixes("10.0.0.0/8"), Header: "X-Forwarded-For"})
		h := http.Header{}
		attacker := app.client()
		attacker.c.Transport = headerTransport{h}
		rotate := func(i int) { h.Set("X-Forwarded-For", netip.AddrFrom4([4]byte{203, 0, 113, byte(i)}).String()) }
		if !throttleOut(t, attacker, rotate) {
			t.Fatal("a forged X-Forwarded-For from an untrusted peer escaped the throttle")
		}
	})
}

// throttleOut fails sign-ins, each for a new email so that only the
// address's bucket fills, until one is refused with 429 (before each,
// calling before); false if none is within 30 attempts.
func throttleOut(t *testing.T, c *testClient, before func(i int)) bool {
	t.Helper()
	for i := range 30 {
		before(i)
		res := c.post("/signin", url.Values{"email": {"victim" + string(rune('a'+i)) + "@example.com"}, "password": {"wrong password!"}})
		readBody(t, res)
		if res.StatusCode == http.StatusTooManyRequests {
			return true
		}
	}
	return false
}

// TestClientIPRTCLimit: /rtc's per-address limit counts each client behind
// the proxy apart, and a forged left-most X-Forwarded-For entry does not
// give a fresh bucket.
func TestClientIPRTCLimit(t *testing.T) {
	a := newRTCApp(t, rtcOptions{limits: RTCLimits{ConnsPerIPPerMinute: 2},
		clientIPs: ClientIPs{TrustedProxies: prefixes("127.0.0.0/8"), Header: "X-Forwarded-For"}})
	get := func(xff string) int {
		req, err := http.NewRequest(http.MethodGet, a.URL+"/rtc?token=x&session=y", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Origin", a.URL)
		req.Header.Set("X-Forwarded-For", xff)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	for i, want := range []int{401, 401, 429} {
		if got := get("203.0.113.1"); got != want {
			t.Fatalf("attempt %d from one candidate: %d, want %d", i+1, got, want)
		}
	}
	if got := get("6.6.6.6, 203.0.113.1"); got != http.StatusTooManyRequests {
		t.Errorf("a forged left-most entry escaped the limit: %d", got)
	}
	if got := get("203.0.113.2"); got != http.StatusUnauthorized {
		t.Errorf("another candidate behind the same proxy: %d, want 401 (not rate limited)", got)
	}
}

// TestClientIPConsentAndLog: the consent record and the access log keep
// the candidate's address, not the proxy's.
func TestClientIPConsentAndLog(t *testing.T) {
	app := proxiedApp(t, ClientIPs{TrustedProxies: prefixes("127.0.0.1"), Header: "Fly-Client-IP"})
	owner := app.clientFrom("Fly-Client-IP", "198.51.100.7")
	tenant := owner.signUp("Acme", "owner@acme.test")
	id := newInterviewVia(owner, newPositionVia(owner, "Engineer", "Why Go?"), "Ada Lovelace", "ada@example.com")
	link := joinLinkOf(owner, id)
	cand := app.clientFrom("Fly-Client-IP", "2001:db8::42")
	readBody(t, cand.post(link, url.Values{"consent": {hiring.ConsentVersion}}))
	list, err := app.Store.ListConsents(t.Context(), tenant, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].IPAddress != "2001:db8::42" {
		t.Errorf("consents %+v, want one from 2001:db8::42", list)
	}
	logged := false
	for _, l := range app.Logs.lines(t) {
		if l["msg"] == "request" && l["method"] == "POST" && strings.HasPrefix(l["path"].(string), "/join/") {
			logged = l["remote"] == "2001:db8::42"
		}
	}
	if !logged {
		t.Error("the access log does not give the candidate's address as remote")
	}
}

// FuzzForwardedFor: whatever X-Forwarded-For holds, the client found is
// the peer or a valid entry of the header with only trusted proxies to
// its right.
func FuzzForwardedFor(f *testing.F) {
	f.Add("198.51.100.9", "")
	f.Add("6.6.6.6, 198.51.100.9, 10.0.0.2", "10.0.0.3")
	f.Add(",,, ,", "::ffff:10.1.1.1")
	f.Add("fe80::1%eth0, 10.0.0.1", "2001:db8::1")
	ips := ClientIPs{TrustedProxies: prefixes("10.0.0.0/8", "fd00::/8"), Header: "X-Forwarded-For"}
	f.Fuzz(func(t *testing.T, line1, line2 string) {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.RemoteAddr = "10.0.0.1:80"
		r.Header["X-Forwarded-For"] = []string{line1, line2}
		got := ips.ClientIP(r)
		if got == "10.0.0.1" {
			return
		}
		entries := strings.Split(line1+","+line2, ",")
		for i := len(entries) - 1; i >= 0; i-- {
			a, err := netip.ParseAddr(strings.TrimSpace(entries[i]))
			if err != nil {
				t.Fatalf("client %q found past the invalid entry %q", got, entries[i])
			}
			if a.Unmap().String() == got {
				return
			}
			if !ips.trusted(a.Unmap()) {
				t.Fatalf("client %q is left of the untrusted %q", got, entries[i])
			}
		}
		t.Fatalf("client %q is neither the peer nor in the header", got)
	})
}

// proxiedApp is the test app on SQLite, served behind the proxies ips trusts.
func proxiedApp(t *testing.T, ips ClientIPs) *testApp {
	t.Helper()
	return newTestAppWith(t, openSQLiteStore(t), func(_ *testApp, d *Deps) { d.ClientIPs = ips })
}

// clientFrom is a browser whose every request carries header: value, as a
// proxy in front would add it.
func (a *testApp) clientFrom(header, value string) *testClient {
	c := a.client()
	h := http.Header{}
	h.Set(header, value)
	c.c.Transport = headerTransport{h}
	return c
}

// headerTransport adds its headers to every request it sends.
type headerTransport struct{ h http.Header }

func (t headerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	for k, v := range t.h {
		r.Header[k] = v
	}
	return http.DefaultTransport.RoundTrip(r)
}

func prefixes(ss ...string) []netip.Prefix {
	out := make([]netip.Prefix, len(ss))
	for i, s := range ss {
		if !strings.Contains(s, "/") {
			s += "/32"
		}
		out[i] = netip.MustParsePrefix(s)
	}
	return out
}
