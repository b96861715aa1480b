package web

import (
	"net/http"
	"testing"

	"github.com/interviewd/interviewd/static"
)

func TestHome(t *testing.T) {
	h, _ := newTestServer(t, nil, "")
	res := do(t, h, http.MethodGet, "/", nil)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status = %d, want 200", res.StatusCode)
	}
	doc := parseHTML(t, res)

	if lang, _ := doc.Find("html").Attr("lang"); lang != "en" {
		t.Errorf(`html lang = %q, want "en"`, lang)
	}
	if doc.Find(`meta[name="viewport"]`).Length() != 1 {
		t.Errorf("no viewport meta")
	}
	if doc.Find("main#main").Length() != 1 || doc.Find(`a[href="#main"]`).Length() != 1 {
		t.Errorf("no <main id=main> with a skip link")
	}
	if href, _ := doc.Find(`[data-testid="stylesheet"]`).Attr("href"); href != static.Path("css/app.css") {
		t.Errorf("stylesheet href = %q, want %q", href, static.Path("css/app.css"))
	}
	links := map[string]string{"nav-signin": "/signin", "home-signin": "/signin", "home-signup": "/signup"}
	for id, want := range links {
		if href, _ := doc.Find(`[data-testid="` + id + `"]`).Attr("href"); href != want {
			t.Errorf("%s href = %q, want %q", id, href, want)
		}
	}
	mode := map[string]string{"mode-store": "sqlite", "mode-provider": "local engine", "mode-auth": "built-in"}
	for id, want := range mode {
		if got := doc.Find(`[data-testid="` + id + `"]`).Text(); got != want {
			t.Errorf("%s = %q, want %q", id, got, want)
		}
	}
	if doc.Find(`[data-testid="home-title"]`).Text() == "" {
		t.Errorf("no home-title")
	}
	// The CSP forbids inline script and style: the page must not need them.
	if n := doc.Find("script:not([src]), style, [style]").Length(); n != 0 {
		t.Errorf("%d inline script or style elements", n)
	}
}
