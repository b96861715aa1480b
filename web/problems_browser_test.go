package web

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/testenv"
)

// recordReports keeps the body of every problem report a page sends
// (window.__reports), installed before the page's scripts run.
const recordReports = `window.__reports = [];
const send = window.fetch;
window.fetch = (url, opts) => {
  if (String(url).endsWith("/problem")) window.__reports.push(opts && opts.body);
  return send(url, opts);
};`

// sentProblem is the reports this page has sent.
const sentProblem = `window.__reports`

// TestBrowserCandidateProblems: in Chromium with the microphone denied
// (Browser.setPermission), the landing page's check says so and, before
// the candidate has consented, tells no one; the room's Start fails with
// MIC_DENIED and reports it; after consenting, the landing page's check
// reports too. The recruiter's interview page then says why the
// interview sits at Ready.
func TestBrowserCandidateProblems(t *testing.T) {
	f := newRoomFixture(t, openSQLiteStore(t))
	chrome := testenv.Browser(t, testenv.FakeMicrophone(writeSilenceWAV(t, 10*time.Second)), askForMedia)
	cand := isolatedContext(t, chrome)
	denyMicrophone(t, cand, f.app.URL)
	if _, err := chromedp.Call(cand, page.AddScriptToEvaluateOnNewDocument,
		page.AddScriptToEvaluateOnNewDocumentParams{Source: recordReports}); err != nil {
		t.Fatalf("install the report recorder: %v", err)
	}

	checkDeniedCheck(t, cand, f.link2, false)
	step(t, cand, "consent and start",
		chromedp.Navigate(f.link1),
		chromedp.Click(css("consent-checkbox")),
		chromedp.Click(css("consent-submit")),
		chromedp.WaitVisible(css("room-join")),
		chromedp.Click(css("room-join")),
	)
	code := poll[string](t, cand, "the room's error", `(s => s.dataset.state === "error" && s.dataset.code)(document.querySelector('[data-testid="room-state"]'))`, 15*time.Second)
	if code != string(interview.ProblemMicDenied) {
		t.Fatalf("the room's error is %q, want MIC_DENIED", code)
	}
	waitProblems(t, f, f.id1, 1)

	step(t, cand, "consent on the second link",
		chromedp.Navigate(f.link2),
		chromedp.Click(css("consent-checkbox")),
		chromedp.Click(css("consent-submit")),
		chromedp.WaitVisible(css("room-join")),
	)
	// The recruiter has the second interview's page open: the report
	// changes nothing else (it stays pending), and the page, following
	// the interview live, shows it without a reload.
	rec := isolatedContext(t, chrome)
	browserSignIn(t, rec, f.app.testApp, "owner@acme.test")
	step(t, rec, "the recruiter's page of the second interview",
		chromedp.Navigate(f.app.URL+"/app/interviews/"+f.id2), chromedp.WaitVisible(css("timeline")))
	if n := read(t, rec, "problems shown", chromedp.Evaluate[int](`document.querySelectorAll('[data-testid^="timeline-problem-"]').length`)); n != 0 {
		t.Fatalf("the page shows %d problems before any", n)
	}
	checkDeniedCheck(t, cand, f.link2, true)
	waitProblems(t, f, f.id2, 1)
	poll[bool](t, rec, "the problem on the open page", `!!document.querySelector('[data-testid="timeline-problem-MIC_DENIED"]')`, 10*time.Second)

	for _, id := range []string{f.id1, f.id2} {
		step(t, rec, "the recruiter's interview page",
			chromedp.Navigate(f.app.URL+"/app/interviews/"+id),
			chromedp.WaitVisible(css("timeline-problem-MIC_DENIED")),
		)
		line := read(t, rec, "the timeline's line", chromedp.Evaluate[string](`document.querySelector('[data-testid="timeline-problem-MIC_DENIED"]').textContent`))
		if !strings.Contains(line, "The candidate's microphone was blocked") {
			t.Errorf("interview %s: the timeline says %q", id, line)
		}
	}
	status := read(t, rec, "the status", chromedp.Evaluate[string](`document.querySelector('[data-live-status]').dataset.status`))
	if status != string(interview.StatusPending) {
		t.Errorf("the second interview is %s, want pending: only the landing page's check ran", status)
	}
	step(t, rec, "the first interview", chromedp.Navigate(f.app.URL+"/app/interviews/"+f.id1), chromedp.WaitVisible(css("timeline")))
	if s := read(t, rec, "the status", chromedp.Evaluate[string](`document.querySelector('[data-live-status]').dataset.status`)); s != string(interview.StatusReady) {
		t.Errorf("the first interview is %s, want ready", s)
	}
}

// askForMedia turns off Chromium's fake prompt, which grants the
// microphone whatever the permission says: the permission decides again,
// as in a browser a person uses. The fake device stays.
func askForMedia(o *[]chromedp.ExecAllocatorOption) {
	*o = append(*o, chromedp.Flag("use-fake-ui-for-media-stream", false))
}

// denyMicrophone makes the browser context of ctx refuse the microphone
// to origin, as a candidate who pressed Block would.
func denyMicrophone(t *testing.T, ctx context.Context, origin string) {
	t.Helper()
	step(t, ctx, "open the browser context", chromedp.Navigate("about:blank"))
	_, err := chromedp.Call(ctx, browser.SetPermission, browser.SetPermissionParams{
		Permission: &browser.PermissionDescriptor{Name: "microphone"}, Setting: browser.PermissionSettingDenied,
		Origin: origin, BrowserContextID: chromedp.FromContext(ctx).BrowserContextID,
	})
	if err != nil {
		t.Fatalf("deny the microphone: %v", err)
	}
}

// checkDeniedCheck runs link's microphone check, which must fail with the
// blocked microphone's words, and sends a report only when admitted.
func checkDeniedCheck(t *testing.T, ctx context.Context, link string, admitted bool) {
	t.Helper()
	step(t, ctx, "the microphone check",
		chromedp.Navigate(link),
		chromedp.WaitVisible(css("mic-start")),
		chromedp.Click(css("mic-start")),
	)
	msg := poll[string](t, ctx, "the check's status", `(s => s.textContent.includes("blocked") && s.textContent)(document.querySelector('[data-testid="mic-status"]'))`, 10*time.Second)
	if !strings.Contains(msg, "Allow the microphone") {
		t.Errorf("the check says %q", msg)
	}
	if admitted {
		sent := poll[[]string](t, ctx, "the report", `window.__reports.length > 0 && window.__reports`, 5*time.Second)
		if len(sent) != 1 || sent[0] != `{"code":"MIC_DENIED"}` {
			t.Errorf("the landing page sent %q, want one MIC_DENIED", sent)
		}
		return
	}
	time.Sleep(500 * time.Millisecond) // a report would have gone at once
	if sent := read(t, ctx, "the reports", chromedp.Evaluate[[]string](sentProblem)); len(sent) != 0 {
		t.Errorf("the landing page reported %q before the candidate consented", sent)
	}
}

// waitProblems waits until the interview has n problems stored.
func waitProblems(t *testing.T, f roomFixture, id string, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got, err := f.app.Store.ListCandidateProblems(t.Context(), f.tenant, id)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("interview %s has %d problems stored, want %d: %+v", id, len(got), n, got)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
