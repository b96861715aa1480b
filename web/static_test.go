package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"

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

// TestStaticEncodings: brotli when accepted, else gzip, else the body as
// it is; each decodes to the asset, with its own ETag and Vary.
func TestStaticEncodings(t *testing.T) {
	h, _ := newTestServer(t, nil, "")
	a, _ := static.Lookup("js/rtc.js")
	tests := []struct {
		accept string
		want   string
	}{
		{"", ""},
		{"gzip", "gzip"},
		{"gzip, deflate, br, zstd", "br"},
		{"br;q=0, gzip", "gzip"},
		{"BR;q=0.5", "br"},
		{"*", "br"},
		{"*;q=0", ""},
		{"identity", ""},
		{"gzip;q=0,br;q=0", ""},
	}
	tags := map[string]string{}
	for _, tt := range tests {
		res := do(t, h, http.MethodGet, static.Path("js/rtc.js"), http.Header{"Accept-Encoding": {tt.accept}})
		raw := []byte(readBody(t, res))
		if got := res.Header.Get("Content-Encoding"); got != tt.want {
			t.Errorf("Accept-Encoding %q: Content-Encoding %q, want %q", tt.accept, got, tt.want)
			continue
		}
		if !strings.Contains(res.Header.Get("Vary"), "Accept-Encoding") {
			t.Errorf("Accept-Encoding %q: Vary %q", tt.accept, res.Header.Get("Vary"))
		}
		var body []byte
		switch tt.want {
		case "gzip":
			zr, err := gzip.NewReader(bytes.NewReader(raw))
			if err != nil {
				t.Fatal(err)
			}
			body, _ = io.ReadAll(zr)
		case "br":
			body, _ = io.ReadAll(brotli.NewReader(bytes.NewReader(raw)))
		default:
			body = raw
		}
		if !bytes.Equal(body, a.Body) {
			t.Errorf("Accept-Encoding %q: the body does not decode to rtc.js (%d bytes sent)", tt.accept, len(raw))
		}
		tag := res.Header.Get("ETag")
		if prev, ok := tags[tt.want]; ok && prev != tag {
			t.Errorf("encoding %q: ETags %s and %s", tt.want, prev, tag)
		}
		tags[tt.want] = tag
	}
	if len(tags) != 3 || tags[""] == tags["br"] || tags["br"] == tags["gzip"] {
		t.Errorf("ETags per encoding: %v, want three different", tags)
	}
	// The SVG logo is text, and compressed too.
	res := do(t, h, http.MethodGet, static.Path("img/logo.svg"), http.Header{"Accept-Encoding": {"br"}})
	if res.Header.Get("Content-Encoding") != "br" {
		t.Errorf("the SVG logo (text) is not compressed: %q", res.Header.Get("Content-Encoding"))
	}
}

// TestPagesCompressed: a page goes out brotli- or gzip-compressed as the
// client accepts, and decodes to the same HTML as the plain one.
func TestPagesCompressed(t *testing.T) {
	h, _ := newTestServer(t, nil, "")
	plain := do(t, h, http.MethodGet, "/signin", nil)
	html := readBody(t, plain)
	if plain.Header.Get("Content-Encoding") != "" || !strings.Contains(html, "<form") {
		t.Fatalf("plain /signin: Content-Encoding %q, body %.80q", plain.Header.Get("Content-Encoding"), html)
	}
	for _, enc := range []string{"br", "gzip"} {
		res := do(t, h, http.MethodGet, "/signin", http.Header{"Accept-Encoding": {enc}})
		raw := []byte(readBody(t, res))
		if got := res.Header.Get("Content-Encoding"); got != enc {
			t.Errorf("Accept-Encoding %s: Content-Encoding %q", enc, got)
			continue
		}
		var r io.Reader = brotli.NewReader(bytes.NewReader(raw))
		if enc == "gzip" {
			zr, err := gzip.NewReader(bytes.NewReader(raw))
			if err != nil {
				t.Fatal(err)
			}
			r = zr
		}
		body, err := io.ReadAll(r)
		if err != nil {
			t.Fatalf("%s: %v", enc, err)
		}
		// The CSRF token differs per response; the length and the frame do not.
		if len(body) != len(html) || !strings.Contains(string(body), "<form") {
			t.Errorf("%s: decodes to %d bytes, the plain page has %d", enc, len(body), len(html))
		}
		t.Logf("/signin: %d bytes, %s %d", len(html), enc, len(raw))
		if len(raw) >= len(html)/2 {
			t.Errorf("%s: %d bytes of %d", enc, len(raw), len(html))
		}
	}
}
