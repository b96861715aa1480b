package web

import (
	"net/http"
	"strings"
	"testing"

	"github.com/interviewd/interviewd/static"
)

func TestStatic(t *testing.T) {
	css := static.Path("css/app.css")
	cssVersion, _ := static.Version("css/app.css")
	tests := []struct {
		name   string
		target string
		status int
		ctype  string
		cache  string
	}{
		{"versioned", css, 200, "text/css; charset=utf-8", "public, max-age=31536000, immutable"},
		{"unversioned", "/static/css/app.css", 200, "text/css; charset=utf-8", "no-cache"},
		{"stale version", "/static/css/app.css?v=0000000000", 200, "text/css; charset=utf-8", "no-cache"},
		{"svg", static.Path("img/logo.svg"), 200, "image/svg+xml", "public, max-age=31536000, immutable"},
		{"directory", "/static/css", 404, "", ""},
		{"directory slash", "/static/css/", 404, "", ""},
		{"root", "/static/", 404, "", ""},
		{"missing", "/static/css/nope.css", 404, "", ""},
		{"traversal", "/static/%2e%2e/static.go", 404, "", ""},
	}
	h, _ := newTestServer(t, nil, "")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := do(t, h, http.MethodGet, tt.target, nil)
			body := readBody(t, res)
			if res.StatusCode != tt.status {
				t.Fatalf("status = %d, want %d", res.StatusCode, tt.status)
			}
			if tt.status != 200 {
				if strings.Contains(body, "app.css</a>") {
					t.Errorf("got a directory listing: %s", body)
				}
				return
			}
			if got := res.Header.Get("Content-Type"); got != tt.ctype {
				t.Errorf("Content-Type = %q, want %q", got, tt.ctype)
			}
			if got := res.Header.Get("Cache-Control"); got != tt.cache {
				t.Errorf("Cache-Control = %q, want %q", got, tt.cache)
			}
			if res.Header.Get("ETag") == "" {
				t.Errorf("no ETag")
			}
			if body == "" {
				t.Errorf("empty body")
			}
		})
	}
	if !strings.HasPrefix(css, "/static/css/app.css?v=") || len(cssVersion) != 10 {
		t.Errorf("static.Path = %q, version %q; want ?v= and 10 hex digits", css, cssVersion)
	}
}

func TestStaticRevalidate(t *testing.T) {
	h, _ := newTestServer(t, nil, "")
	first := do(t, h, http.MethodGet, "/static/css/app.css", nil)
	etag := first.Header.Get("ETag")
	res := do(t, h, http.MethodGet, "/static/css/app.css", http.Header{"If-None-Match": {etag}})
	if res.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match %s: status = %d, want 304", etag, res.StatusCode)
	}
}
