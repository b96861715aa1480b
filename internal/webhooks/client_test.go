package webhooks

import (
	"errors"
	"net/http"
	"net/netip"
	"net/url"
	"testing"

	"github.com/interviewd/interviewd/internal/hiring"
	"github.com/interviewd/interviewd/internal/interview"
)

func TestPublicAddress(t *testing.T) {
	tests := []struct {
		ip     string
		public bool
	}{
		{"93.184.215.14", true},
		{"2606:2800:21f:cb07:6820:80da:af6b:8b2c", true},
		{"127.0.0.1", false},
		{"::1", false},
		{"10.1.2.3", false},
		{"172.16.0.1", false},
		{"192.168.1.1", false},
		{"169.254.169.254", false}, // cloud metadata
		{"fe80::1", false},
		{"fd00::1", false},
		{"100.64.0.1", false},
		{"0.0.0.0", false},
		{"::", false},
		{"224.0.0.1", false},
		{"::ffff:127.0.0.1", false},
		{"::ffff:10.0.0.1", false},
	}
	for _, tt := range tests {
		t.Run(tt.ip, func(t *testing.T) {
			if got := publicAddress(netip.MustParseAddr(tt.ip)); got != tt.public {
				t.Errorf("publicAddress(%s) = %v, want %v", tt.ip, got, tt.public)
			}
		})
	}
}

// TestClientRefusesLocalhost resolves a name to loopback: the check is on
// the address dialled, not on the URL's text.
func TestClientRefusesLocalhost(t *testing.T) {
	in := newIntegrator(t, http.StatusOK)
	_, port, _ := splitHostPort(in.URL)
	_, err := NewClient(false).Get("http://localhost:" + port + "/")
	if !errors.Is(err, ErrPrivateAddress) {
		t.Fatalf("GET localhost: %v, want ErrPrivateAddress", err)
	}
	res, err := NewClient(true).Get("http://localhost:" + port + "/")
	if err != nil {
		t.Fatalf("GET localhost allowing private addresses: %v", err)
	}
	res.Body.Close()
}

func TestClientDoesNotFollowRedirects(t *testing.T) {
	in := newIntegrator(t, http.StatusFound)
	res, err := NewClient(true).Get(in.URL)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusFound || len(in.requests()) != 1 {
		t.Errorf("status %d after %d requests", res.StatusCode, len(in.requests()))
	}
}

func TestCreateValidates(t *testing.T) {
	a := hiring.KeyActor(interview.APIKey{ID: "k", TenantID: "t"})
	tests := []struct {
		name string
		in   EndpointInput
		ok   bool
	}{
		{"https", EndpointInput{URL: "https://ats.example.com/hooks"}, true},
		{"http with events", EndpointInput{URL: "http://ats.example.com", Events: []string{"interview.failed", "", "interview.started", "interview.failed"}}, true},
		{"ftp", EndpointInput{URL: "ftp://ats.example.com"}, false},
		{"relative", EndpointInput{URL: "/hooks"}, false},
		{"empty", EndpointInput{}, false},
		{"credentials", EndpointInput{URL: "https://u:p@ats.example.com"}, false},
		{"javascript", EndpointInput{URL: "javascript:alert(1)"}, false},
		{"unknown event", EndpointInput{URL: "https://ats.example.com", Events: []string{"interview.created"}}, false},
		{"long description", EndpointInput{URL: "https://ats.example.com", Description: string(make([]byte, 201))}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ep, err := newEndpoint(a, tt.in)
			if (err == nil) != tt.ok {
				t.Fatalf("newEndpoint = %v, want ok %v", err, tt.ok)
			}
			if err != nil && interview.ErrorCode(err) != interview.CodeInvalid {
				t.Errorf("error code %s, want invalid_request", interview.ErrorCode(err))
			}
			if tt.name == "http with events" && (len(ep.Events) != 2 || ep.Events[0] != "interview.started") {
				t.Errorf("events %v, want started and failed once each", ep.Events)
			}
		})
	}
}

func TestOnlyOwnersAndKeysManage(t *testing.T) {
	for role, ok := range map[interview.Role]bool{interview.RoleOwner: true, interview.RoleRecruiter: false, interview.RoleViewer: false} {
		err := canManage(hiring.Actor{Kind: "user", Role: role})
		if (err == nil) != ok {
			t.Errorf("%s: %v", role, err)
		}
	}
	if err := canManage(hiring.KeyActor(interview.APIKey{})); err != nil {
		t.Errorf("API key: %v", err)
	}
}

// FuzzCheckURL: an owner's URL is outside input. Whatever it is, CheckURL
// does not panic, and what it accepts is an absolute http(s) URL with a
// host and no credentials, that the sender can request, whose host is not
// a number a resolver could read as an address. What CheckURLAddress
// accepts, CheckURL does too, and an IP host in it passes the filter.
func FuzzCheckURL(f *testing.F) {
	for _, s := range []string{"https://hooks.example.com/x", "http://user:pw@h/", "ftp://h/", "https://h/#f",
		"//h/x", "https://[::1]:8080/", "https://%zz/", "https://h:99999/", "http://2130706433/", "http://0x7f.1/",
		"http://[::ffff:127.0.0.1]/", "http://[64:ff9b::7f00:1]/", "http://[fe80::1%25eth0]/", "http://localhost./",
		"http://192.0.2.1/", "http://93.184.215.14/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		addrErr := CheckURLAddress(raw)
		if CheckURL(raw) != nil {
			if addrErr == nil {
				t.Fatalf("CheckURLAddress accepted %q, which CheckURL refuses", raw)
			}
			return
		}
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" || u.User != nil || len(raw) > 2000 {
			t.Fatalf("accepted %q", raw)
		}
		if _, err := http.NewRequest(http.MethodPost, raw, nil); err != nil {
			t.Fatalf("accepted %q, which cannot be requested: %v", raw, err)
		}
		if numericHost(u.Hostname()) {
			t.Fatalf("accepted the numeric host of %q", raw)
		}
		if ip, err := netip.ParseAddr(u.Hostname()); err == nil && addrErr == nil && !publicAddress(ip) {
			t.Fatalf("CheckURLAddress accepted %q, whose address the filter refuses", raw)
		}
	})
}
