package testenv

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserRendersPage proves the browser harness itself: Debian's
// Chromium starts headless here and renders a page served on loopback.
func TestBrowserRendersPage(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`<!doctype html><title>t</title><h1 data-testid="h">hello browser</h1>`))
	}))
	defer srv.Close()
	ctx := Browser(t)
	ctx, cancel := Timeout(ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL)); err != nil {
		t.Fatal(err)
	}
	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`[data-testid="h"]`)))
	if err != nil || text != "hello browser" {
		t.Fatalf("text %q, %v", text, err)
	}
}
