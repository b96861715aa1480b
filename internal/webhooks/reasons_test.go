package webhooks

import (
	"bytes"
	"io"
	stdlog "log"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
)

// TestLastErrorIsCoarse: deliveries that fail in real ways (a closed
// port, a silent server, a TLS server we do not trust, plain HTTP spoken
// to https, a 500, the address filter) leave only a coarse reason in
// lastError, so an owner cannot use webhooks to scan ports; the debug log
// keeps the full error, without the URL's query.
func TestLastErrorIsCoarse(t *testing.T) {
	tests := []struct {
		name         string
		url          func(t *testing.T) string
		allowPrivate bool
		timeout      time.Duration
		want, debug  string
	}{
		{"closed port", closedPort, true, 0, "could not connect", "connection refused"},
		{"silent server", silentServer, true, 200 * time.Millisecond, "timed out", "Client.Timeout"},
		{"untrusted certificate", tlsServer, true, 0, "TLS error", "certificate"},
		{"https to plain http", plainAsHTTPS, true, 0, "TLS error", "HTTP response to HTTPS client"},
		{"HTTP 500", func(t *testing.T) string { return newIntegrator(t, 500).URL }, true, 0, "HTTP 500", ""},
		{"address filter", func(t *testing.T) string { return newIntegrator(t, 200).URL }, false, 0,
			"refused by the address filter", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := openSQLite(t)
			o := newOutbox(t, st, tt.url(t)+"/hooks?token=secret-token")
			c := &clock{t: time.Now()}
			o.move(t, c.now(), interview.StatusReady, interview.StatusInProgress)
			var log bytes.Buffer
			cfg := Config{Store: st, PublicURL: "https://x.example", AllowPrivate: tt.allowPrivate,
				Schedule: []time.Duration{time.Minute}, Now: c.now,
				Logger: slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug}))}
			if tt.timeout > 0 {
				cfg.Client = NewClient(true)
				cfg.Client.Timeout = tt.timeout
			}
			sendDue(t, NewSender(cfg), 1)
			d := o.deliveries(t)
			if len(d) != 1 || d[0].LastError != tt.want {
				t.Fatalf("lastError %q, want %q", d[0].LastError, tt.want)
			}
			if !strings.Contains(log.String(), tt.debug) || strings.Contains(log.String(), "secret-token") {
				t.Errorf("debug log lacks %q or holds the query:\n%s", tt.debug, log.String())
			}
		})
	}
}

// closedPort is the URL of a port nothing listens on any more.
func closedPort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr
}

// silentServer accepts requests and never answers until the test ends.
func silentServer(t *testing.T) string {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { <-release }))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	return srv.URL
}

// tlsServer serves https with a certificate no one trusts.
func tlsServer(t *testing.T) string {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
	srv.Config.ErrorLog = stdlog.New(io.Discard, "", 0) // the refused handshake is expected
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv.URL
}

// plainAsHTTPS is an https URL of a server that speaks plain HTTP.
func plainAsHTTPS(t *testing.T) string {
	return strings.Replace(newIntegrator(t, 200).URL, "http://", "https://", 1)
}
