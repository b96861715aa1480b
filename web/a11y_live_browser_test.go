package web

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/interviewd/interviewd/internal/calls"
	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/testenv"
)

// tabStops lists, in document order, what Tab should reach on the page:
// every visible link, button, field and summary, and one radio per group.
const tabStops = `(() => {
  // A radio group is one stop: its checked radio, or its first.
  const stop = e => e.type !== "radio" ? e.checkVisibility({visibilityProperty: true}) :
    e.checked || (!document.querySelector('input[type=radio][name="' + CSS.escape(e.name) + '"]:checked') &&
      document.querySelector('input[type=radio][name="' + CSS.escape(e.name) + '"]') === e);
  return [...document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]')]
    .filter(e => !e.disabled && e.type !== "hidden" && e.tabIndex >= 0 && stop(e))
    .map((e, i) => (e.dataset.tabStop = String(i), e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.dataset.testid ? "[" + e.dataset.testid + "]" : "") + " " + (e.textContent || e.value || "").trim().slice(0, 30)));
})()`

// TestBrowserRecruiterKeyboard walks the interview page with the keyboard
// at 1280×800 and 390×844: Tab reaches every control in document order,
// and the End confirmation opens on its button with Enter, closes with
// Escape, and gives the focus back to its summary.
func TestBrowserRecruiterKeyboard(t *testing.T) {
	f := newA11yFixture(t)
	ctx := testenv.Browser(t)
	browserSignIn(t, ctx, f.app, "owner@acme.test")
	for _, vp := range viewports[:2] { // light, 1280 and 390
		for _, s := range []string{"in_progress", "completed"} {
			step(t, ctx, "open the interview", chromedp.EmulateViewport(vp.w, vp.h),
				chromedp.Navigate(f.app.URL+"/app/interviews/"+f.byStatus[s]), chromedp.WaitVisible(css("interview-status")))
			checkTabOrder(t, ctx, vp.name+", "+s)
		}
		step(t, ctx, "open the running interview", chromedp.Navigate(f.app.URL+"/app/interviews/"+f.byStatus["in_progress"]),
			chromedp.WaitVisible(css("end-open")),
			chromedp.Focus(css("end-open")), chromedp.KeyEvent("\r"), chromedp.WaitVisible(css("end-confirm")))
		if got := poll[string](t, ctx, "the focus in the confirmation", `document.activeElement?.dataset?.testid === "end-confirm" && "end-confirm"`, 5*time.Second); got != "end-confirm" {
			t.Errorf("%s: focus in the confirmation on %q", vp.name, got)
		}
		step(t, ctx, "Escape", chromedp.KeyEvent("\x1b"))
		poll[bool](t, ctx, "Escape closes the confirmation", `!document.querySelector("details.confirm").open`, 5*time.Second)
		if got := activeTestID(t, ctx); got != "end-open" {
			t.Errorf("%s: after Escape the focus is on %q, want the summary (end-open)", vp.name, got)
		}
	}
}

// checkTabOrder presses Tab from the top of the page once per tab stop
// and checks that each press reaches the next stop.
func checkTabOrder(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	stops := read(t, ctx, what+": the tab stops", chromedp.Evaluate[[]string](tabStops))
	if len(stops) < 5 {
		t.Fatalf("%s: only %d tab stops: %v", what, len(stops), stops)
	}
	step(t, ctx, what+": start at the top", chromedp.Evaluate[chromedp.Void](`document.activeElement?.blur(); window.scrollTo(0, 0)`))
	for i, want := range stops {
		step(t, ctx, what+": Tab", chromedp.KeyEvent("\t"))
		got := read(t, ctx, what+": the focus", chromedp.Evaluate[string](`document.activeElement?.dataset?.tabStop ?? "none: " + document.activeElement?.outerHTML.slice(0, 80)`))
		if got != strconv.Itoa(i) {
			t.Fatalf("%s: Tab %d reached %s, want stop %d (%s); stops %v", what, i+1, got, i, want, stops)
		}
	}
}

// TestBrowserLiveInterviewPage keeps the recruiter's interview page open
// in Chromium while a real interview runs against the local engine and
// completes: without a reload, the status follows, the exports appear with
// the first stored line, and once the interview has ended Copy, Revoke,
// Re-issue and End are gone, the timeline says it ended and why, and the
// focus held by a control that went away lands on the status.
func TestBrowserLiveInterviewPage(t *testing.T) {
	browser := testenv.Browser(t, testenv.FakeMicrophone(writeSilenceWAV(t, 2*time.Minute)))
	r := newReconnectRoom(t, calls.Config{})
	tenant, id, link := r.interview()
	rec := isolatedContext(t, browser)
	browserSignIn(t, rec, r.testApp, "owner@acme.test")
	step(t, rec, "open the interview", chromedp.Navigate(r.URL+"/app/interviews/"+id), chromedp.WaitVisible(css("copy-link")),
		chromedp.Evaluate[chromedp.Void](`window.stayed = true`))
	shown := read(t, rec, "the controls before", chromedp.Evaluate[map[string]bool](liveControls))
	if !shown["copy"] || !shown["revoke"] || !shown["reissue"] || !shown["end"] || shown["exports"] || !shown["noExports"] {
		t.Fatalf("before the call: %v, want every control and no exports", shown)
	}

	cand := enterRoom(t, browser, link)
	poll[bool](t, rec, "the page shows the call, its first line and the exports",
		`document.querySelector('[data-testid="interview-status"]').textContent === "In progress" &&
		 document.querySelectorAll('[data-testid="transcript-line"]').length > 0 &&
		 !!document.querySelector('[data-testid="export-txt"]') && !document.querySelector('[data-testid="exports-none"]')`, 30*time.Second)
	if got := read(t, rec, "the Copy button after the swap", chromedp.Evaluate[bool](`!document.querySelector('[data-testid="copy-link"]').hidden`)); !got {
		t.Error("the Copy button swapped in stays hidden")
	}

	step(t, rec, "hold the focus on Re-issue", chromedp.Focus(css("reissue-link")))
	endFromRoom(t, cand)
	poll[bool](t, rec, "the page shows the end", `document.querySelector('[data-testid="interview-status"]').textContent === "Completed" &&
		!!document.querySelector('[data-testid="timeline-ended"]')`, 30*time.Second)
	shown = read(t, rec, "the controls after", chromedp.Evaluate[map[string]bool](liveControls))
	if shown["copy"] || shown["revoke"] || shown["reissue"] || shown["end"] || !shown["exports"] || !shown["stayed"] {
		t.Errorf("after the end: %v, want no Copy, Revoke, Re-issue or End, the exports, and no reload", shown)
	}
	v := r.session(t, tenant, id)
	detail := read(t, rec, "the timeline's reason", chromedp.Evaluate[string](`document.querySelector('[data-testid="timeline-ended"] .detail')?.textContent || ""`))
	if v.Status != interview.StatusCompleted || v.EndReason == "" || detail != v.EndReason {
		t.Errorf("timeline says %q; the interview is %s, %q", detail, v.Status, v.EndReason)
	}
	if got := activeTestID(t, rec); got != "interview-status" {
		t.Errorf("the focus left on Re-issue went to %q, want the status", got)
	}
	if got := read(t, rec, "the announcement", chromedp.Text(css("interview-announce"))); got != "Interview status: Completed" {
		t.Errorf("announced %q", got)
	}
	checkAxe(t, rec, "the interview page, ended live")
}

// liveControls reports which of the interview page's controls are shown.
const liveControls = `(q => ({
  copy: !!q("copy-link"), revoke: !!q("revoke-link"), reissue: !!q("reissue-link"), end: !!q("end-open"),
  exports: !!q("export-txt"), noExports: !!q("exports-none"), stayed: window.stayed === true,
}))(id => document.querySelector('[data-testid="' + id + '"]'))`

// TestInterviewPageEndsAndExports: the timeline says how an interview
// ended and why, and the exports are offered only once there is a
// transcript.
func TestInterviewPageEndsAndExports(t *testing.T) {
	f := newA11yFixture(t)
	for _, c := range []struct {
		state, label, reason string
		exports              bool
	}{
		{"pending", "", "", false},
		{"in_progress", "", "", false},
		{"completed", "Ended", "candidate ended the interview", true},
		{"abandoned", "Ended: abandoned", "ended by owner@acme.test before it started", false},
		{"failed", "Ended: failed", "the call failed: the AI provider did not answer", false},
	} {
		doc := f.owner.page("/app/interviews/"+f.byStatus[c.state], 200)
		ended := doc.Find(testID("timeline-ended"))
		if label, reason := ended.Find(".what").Text(), ended.Find(".detail").Text(); label != c.label || reason != c.reason {
			t.Errorf("%s: the timeline's end %q (%q), want %q (%q)", c.state, label, reason, c.label, c.reason)
		}
		exports, none := doc.Find(testID("export-txt")).Length() == 1, doc.Find(testID("exports-none")).Length() == 1
		if exports != c.exports || none == c.exports {
			t.Errorf("%s: exports %v, the note that there are none %v; want exports %v", c.state, exports, none, c.exports)
		}
	}
}
