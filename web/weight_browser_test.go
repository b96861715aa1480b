package web

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/interviewd/interviewd/internal/testenv"
)

// Page-weight budgets (issue 14): what a candidate's browser transfers,
// headers included, on a cold cache.
const (
	landingBudget = 20_000
	roomBudget    = 30_000
)

// pageTransfer is what one page load transferred, as the browser's
// resource timing reports it: the document and each resource.
type pageTransfer struct {
	Doc       int64
	Resources []struct {
		Name     string
		Transfer int64
		Body     int64 // as sent (compressed)
		Decoded  int64 // as used
	}
}

func (p pageTransfer) total() int64 {
	n := p.Doc
	for _, r := range p.Resources {
		n += r.Transfer
	}
	return n
}

func (p pageTransfer) String() string {
	var b strings.Builder
	for _, r := range p.Resources {
		name := r.Name[strings.LastIndex(r.Name, "/static/")+1:]
		if i := strings.Index(name, "?"); i >= 0 {
			name = name[:i]
		}
		b.WriteString(" " + name + "=" + itoa(r.Transfer))
	}
	return "document=" + itoa(p.Doc) + b.String() + " total=" + itoa(p.total())
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }

// transferred waits for the page to finish loading and reads its transfer
// sizes.
func transferred(t *testing.T, ctx context.Context) pageTransfer {
	t.Helper()
	poll[bool](t, ctx, "the page has loaded", `document.readyState === "complete"`, 20*time.Second)
	raw := read(t, ctx, "resource timing", chromedp.Evaluate[string](`JSON.stringify({
		doc: performance.getEntriesByType("navigation")[0].transferSize,
		resources: performance.getEntriesByType("resource").map(r => ({name: r.name, transfer: r.transferSize, body: r.encodedBodySize, decoded: r.decodedBodySize})),
	})`))
	var p pageTransfer
	if err := json.Unmarshal([]byte(raw), &p); err != nil {
		t.Fatalf("resource timing %s: %v", raw, err)
	}
	if p.Doc <= 0 {
		t.Fatalf("the document transferred %d bytes: the browser served it from a cache", p.Doc)
	}
	return p
}

// TestBrowserPageWeight: on a cold cache, the candidate's landing page
// transfers at most 20 KB and the room at most 30 KB; the landing page does
// not load the call's script; nothing is fetched twice.
func TestBrowserPageWeight(t *testing.T) {
	f := newRoomFixture(t, openSQLiteStore(t))
	browser := testenv.Browser(t, testenv.FakeMicrophone(writeToneWAV(t, 5*time.Second)))
	cand := isolatedContext(t, browser)
	step(t, cand, "open the landing page", chromedp.Navigate(f.link1), chromedp.WaitVisible(css("consent-form")))
	landing := transferred(t, cand)
	t.Logf("landing: %v", landing)

	step(t, cand, "consent and open the room",
		chromedp.Click(css("consent-checkbox")),
		chromedp.Click(css("consent-submit")),
		chromedp.WaitVisible(css("room-join")),
	)
	if _, err := chromedp.Call(cand, network.ClearBrowserCache, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	step(t, cand, "reload the room on a cold cache", chromedp.Reload(), chromedp.WaitVisible(css("room-join")))
	room := transferred(t, cand)
	t.Logf("room: %v", room)

	for _, c := range []struct {
		page   string
		p      pageTransfer
		budget int64
	}{{"landing", landing, landingBudget}, {"room", room, roomBudget}} {
		if c.p.total() > c.budget {
			t.Errorf("%s page transfers %d bytes, budget %d: %v", c.page, c.p.total(), c.budget, c.p)
		}
		seen := map[string]bool{}
		for _, r := range c.p.Resources {
			if seen[r.Name] {
				t.Errorf("%s page fetches %s twice", c.page, r.Name)
			}
			seen[r.Name] = true
			if strings.Contains(r.Name, "/static/") && !strings.Contains(r.Name, "?v=") {
				t.Errorf("%s page fetches %s without a version", c.page, r.Name)
			}
			if r.Decoded > 1024 && r.Body >= r.Decoded {
				t.Errorf("%s page: %s is not compressed (%d bytes sent of %d)", c.page, r.Name, r.Body, r.Decoded)
			}
		}
	}
	for _, r := range landing.Resources {
		if strings.Contains(r.Name, "/js/rtc.js") {
			t.Errorf("the landing page loads the call's script: %s", r.Name)
		}
	}
}
