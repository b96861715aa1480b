package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
)

func TestSecurityHeaders(t *testing.T) {
	want := map[string]string{
		"X-Content-Type-Options":     "nosniff",
		"Referrer-Policy":            "no-referrer",
		"Permissions-Policy":         "microphone=(self), camera=(self), geolocation=()",
		"Cross-Origin-Opener-Policy": "same-origin",
		"X-Frame-Options":            "DENY",
	}
	tests := []struct {
		name   string
		method string
		path   string
	}{
		{"home", http.MethodGet, "/"},
		{"healthz", http.MethodGet, "/healthz"},
		{"readyz failing", http.MethodGet, "/readyz"},
		{"static", http.MethodGet, "/static/css/app.css"},
		{"not found", http.MethodGet, "/no/such/page"},
		{"method not allowed", http.MethodDelete, "/"},
	}
	h, _ := newTestServer(t, nil, "http://localhost:8080")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := do(t, h, tt.method, tt.path, nil)
			for k, v := range want {
				if got := res.Header.Get(k); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
			csp := res.Header.Get("Content-Security-Policy")
			for _, d := range []string{"default-src 'self'", "script-src 'self'", "style-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"} {
				if !strings.Contains(csp, d) {
					t.Errorf("CSP %q lacks %q", csp, d)
				}
			}
			if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
				t.Errorf("CSP %q allows inline or eval", csp)
			}
			if hsts := res.Header.Get("Strict-Transport-Security"); hsts != "" {
				t.Errorf("HSTS %q on a plain-HTTP public URL", hsts)
			}
		})
	}
}

func TestHSTSOnHTTPS(t *testing.T) {
	h, _ := newTestServer(t, nil, "https://interviews.example.com")
	res := do(t, h, http.MethodGet, "/healthz", nil)
	if got := res.Header.Get("Strict-Transport-Security"); !strings.HasPrefix(got, "max-age=") {
		t.Errorf("Strict-Transport-Security = %q, want max-age=…", got)
	}
}

func TestRequestID(t *testing.T) {
	tests := []struct {
		name     string
		incoming string
		keep     bool
	}{
		{"none", "", false},
		{"plain token", "abc-DEF_123.x", true},
		{"uuid", "0b8f3a52-7c1e-4a0e-9d55-9f3c2b1d6e4a", true},
		{"64 chars", strings.Repeat("a", 64), true},
		{"65 chars", strings.Repeat("a", 65), false},
		{"space", "abc def", false},
		{"log injection", "abc\",\"level\":\"ERROR", false},
		{"unicode", "abcé", false},
		{"slash", "a/b", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, logs := newTestServer(t, nil, "")
			hdr := http.Header{}
			if tt.incoming != "" {
				hdr.Set("X-Request-ID", tt.incoming)
			}
			res := do(t, h, http.MethodGet, "/", hdr)
			got := res.Header.Get("X-Request-ID")
			if !validRequestID(got) {
				t.Fatalf("X-Request-ID = %q, not a valid ID", got)
			}
			if (got == tt.incoming) != tt.keep {
				t.Errorf("X-Request-ID = %q for incoming %q, keep = %v", got, tt.incoming, tt.keep)
			}
			lines := logs.lines(t)
			if len(lines) == 0 || lines[len(lines)-1]["request_id"] != got {
				t.Errorf("access log does not carry request_id %q:\n%s", got, logs)
			}
		})
	}
}

func TestRequestIDsDiffer(t *testing.T) {
	h, _ := newTestServer(t, nil, "")
	a := do(t, h, http.MethodGet, "/healthz", nil).Header.Get("X-Request-ID")
	b := do(t, h, http.MethodGet, "/healthz", nil).Header.Get("X-Request-ID")
	if a == b {
		t.Errorf("two requests got the same ID %q", a)
	}
}

func FuzzRequestID(f *testing.F) {
	for _, s := range []string{"", "abc", "a-b_c.d", strings.Repeat("x", 64), strings.Repeat("x", 65), "a b", "é", "\x00", "a\r\nb"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		ok := validRequestID(id)
		if ok && (len(id) == 0 || len(id) > maxRequestIDLen) {
			t.Fatalf("accepted %q of length %d", id, len(id))
		}
		if ok && strings.Trim(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") != "" {
			t.Fatalf("accepted %q with other characters", id)
		}
		// Through the middleware: the ID that goes back is always valid, and
		// it is the incoming one exactly when that one is valid.
		var seen string
		h := (&server{}).requestID(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			seen = requestIDFrom(r.Context())
		}))
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.Header["X-Request-Id"] = []string{id}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		got := rec.Header().Get("X-Request-ID")
		if !validRequestID(got) || got != seen {
			t.Fatalf("incoming %q: header %q, context %q", id, got, seen)
		}
		if (got == id) != ok {
			t.Fatalf("incoming %q (valid %v) came back as %q", id, ok, got)
		}
	})
}

func TestAccessLog(t *testing.T) {
	h, logs := newTestServer(t, nil, "")
	do(t, h, http.MethodGet, "/?token=s3cret-join-token", nil)
	if strings.Contains(logs.String(), "s3cret") {
		t.Fatalf("query string leaked into the log:\n%s", logs)
	}
	lines := logs.lines(t)
	if len(lines) != 1 {
		t.Fatalf("got %d log lines, want 1:\n%s", len(lines), logs)
	}
	l := lines[0]
	for _, k := range []string{"request_id", "method", "path", "status", "bytes", "duration_ms", "remote"} {
		if _, ok := l[k]; !ok {
			t.Errorf("access log lacks %q: %v", k, l)
		}
	}
	if l["path"] != "/" || l["method"] != "GET" || l["status"] != float64(200) {
		t.Errorf("access log = %v, want GET / 200", l)
	}
	if b, _ := l["bytes"].(float64); b <= 0 {
		t.Errorf("bytes = %v, want the page size", l["bytes"])
	}
}

func TestPanicRecovery(t *testing.T) {
	h, logs := newTestServer(t, nil, "")
	// A route that panics, added to the real router behind its middleware.
	h.(chi.Router).Get("/test/panic", func(http.ResponseWriter, *http.Request) {
		panic("boom")
	})
	ts := httptest.NewServer(h)
	defer ts.Close()

	tests := []struct {
		name   string
		accept string
		ctype  string
	}{
		{"page", "text/html", "text/html; charset=utf-8"},
		{"json", "application/json", "application/json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, ts.URL+"/test/panic", nil)
			req.Header.Set("Accept", tt.accept)
			res, err := ts.Client().Do(req)
			if err != nil {
				t.Fatalf("request: %v", err)
			}
			body := readBody(t, res)
			if res.StatusCode != http.StatusInternalServerError {
				t.Fatalf("status = %d, want 500", res.StatusCode)
			}
			if ct := res.Header.Get("Content-Type"); ct != tt.ctype {
				t.Errorf("Content-Type = %q, want %q", ct, tt.ctype)
			}
			if strings.Contains(body, "boom") {
				t.Errorf("the panic value leaked to the client: %s", body)
			}
			if res.Header.Get("X-Frame-Options") != "DENY" {
				t.Errorf("security headers missing on the 500")
			}
		})
	}
	if !strings.Contains(logs.String(), `"stack":"goroutine`) || !hasLog(t, logs, "request failed", 500) {
		t.Errorf("panic not logged with stack and request_id:\n%s", logs)
	}

	res, err := ts.Client().Get(ts.URL + "/healthz")
	if err != nil {
		t.Fatalf("server stopped serving after a panic: %v", err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("healthz after panic = %d, want 200", res.StatusCode)
	}
}

// TestAccessLogMasksLinkTokens: join and invitation links are credentials;
// the log shows where a request went, never the token itself.
func TestAccessLogMasksLinkTokens(t *testing.T) {
	h, logs := newTestServer(t, nil, "")
	for path, want := range map[string]string{
		"/join/ij_s3cretjoin":      "/join/{token}",
		"/join/ij_s3cretjoin/room": "/join/{token}/room",
		"/invite/ivk_s3cretinvite": "/invite/{token}",
	} {
		do(t, h, http.MethodGet, path, nil)
		lines := logs.lines(t)
		if got := lines[len(lines)-1]["path"]; got != want {
			t.Errorf("%s logged as %v, want %s", path, got, want)
		}
	}
	if strings.Contains(logs.String(), "s3cret") {
		t.Fatalf("a link token leaked into the log:\n%s", logs)
	}
	for _, p := range []string{"/", "/join/", "/app/interviews/abc", "/joinx/abc"} {
		if got := logPath(p); got != p {
			t.Errorf("logPath(%q) = %q, want it unchanged", p, got)
		}
	}
}

// FuzzLogPath: whatever path a client sends, the log never shows the
// segment after /join/ or /invite/, and keeps every other path as it came.
func FuzzLogPath(f *testing.F) {
	for _, p := range []string{"/join/ij_tok", "/join/ij_tok/room", "/invite/ivk_x", "/app/x", "/join/", "/join//room", "/joinx/a"} {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, p string) {
		got := logPath(p)
		for _, prefix := range secretPaths {
			rest, ok := strings.CutPrefix(p, prefix)
			if !ok || rest == "" {
				continue
			}
			// The token is replaced; what follows it is kept.
			_, after, hasAfter := strings.Cut(rest, "/")
			want := prefix + "{token}"
			if hasAfter {
				want += "/" + after
			}
			if got != want {
				t.Fatalf("logPath(%q) = %q, want %q", p, got, want)
			}
			return
		}
		if got != p {
			t.Fatalf("logPath(%q) = %q, want it unchanged", p, got)
		}
	})
}
