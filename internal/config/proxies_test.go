package config

import (
	"net/netip"
	"slices"
	"strings"
	"testing"
)

// TestConfigClientIP: TRUSTED_PROXIES and CLIENT_IP_HEADER are parsed, or
// refused in one line that names the variable at fault.
func TestConfigClientIP(t *testing.T) {
	cases := []struct {
		name, proxies, header string
		want                  []netip.Prefix
		wantHeader            string
		wantErr               string // the variable the error names; empty: accepted
	}{
		{name: "neither"},
		{name: "fly", proxies: "172.16.0.0/12", header: "Fly-Client-IP",
			want: pfx("172.16.0.0/12"), wantHeader: "Fly-Client-IP"},
		{name: "list with spaces and bare addresses", proxies: " 10.0.0.0/8, 192.0.2.7 ,2001:db8::1,fd00::/8", header: "x-forwarded-for",
			want: pfx("10.0.0.0/8", "192.0.2.7/32", "2001:db8::1/128", "fd00::/8"), wantHeader: "X-Forwarded-For"},
		{name: "host bits are masked", proxies: "10.1.2.3/8", header: "X-Forwarded-For",
			want: pfx("10.0.0.0/8"), wantHeader: "X-Forwarded-For"},
		{name: "mapped bare address is IPv4", proxies: "::ffff:10.0.0.1", header: "X-Forwarded-For",
			want: pfx("10.0.0.1/32"), wantHeader: "X-Forwarded-For"},
		{name: "not a CIDR", proxies: "proxy.internal", header: "X-Forwarded-For", wantErr: "TRUSTED_PROXIES"},
		{name: "bad prefix length", proxies: "10.0.0.0/33", header: "X-Forwarded-For", wantErr: "TRUSTED_PROXIES"},
		{name: "empty entry", proxies: "10.0.0.0/8,,", header: "X-Forwarded-For", wantErr: "TRUSTED_PROXIES"},
		{name: "zone", proxies: "fe80::1%eth0", header: "X-Forwarded-For", wantErr: "TRUSTED_PROXIES"},
		{name: "other header", proxies: "10.0.0.0/8", header: "X-Real-IP", wantErr: "CLIENT_IP_HEADER"},
		{name: "header without proxies", header: "Fly-Client-IP", wantErr: "CLIENT_IP_HEADER"},
		{name: "proxies without header", proxies: "10.0.0.0/8", wantErr: "TRUSTED_PROXIES"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Load(envOf(map[string]string{"TRUSTED_PROXIES": tc.proxies, "CLIENT_IP_HEADER": tc.header}))
			if tc.wantErr != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tc.wantErr+":") || strings.Contains(err.Error(), "\n") {
					t.Fatalf("error %v, want one line starting with %s:", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(c.TrustedProxies, tc.want) || c.ClientIPHeader != tc.wantHeader {
				t.Errorf("got %v %q, want %v %q", c.TrustedProxies, c.ClientIPHeader, tc.want, tc.wantHeader)
			}
		})
	}
}

func pfx(ss ...string) []netip.Prefix {
	out := make([]netip.Prefix, len(ss))
	for i, s := range ss {
		out[i] = netip.MustParsePrefix(s)
	}
	return out
}
