package web

import (
	"bytes"
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/testenv"
	"github.com/interviewd/interviewd/static"
)

// css selects by data-testid.
func css(id string) chromedp.CSS { return chromedp.CSS(testID(id)) }

// step runs actions in the browser, failing the test with what was tried.
func step(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := testenv.Timeout(ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// clickToLoad clicks a control that loads a new page (a form's submit button,
// a link) and waits until that page has loaded, so the next step cannot
// find a node of the page being left.
func clickToLoad(t *testing.T, ctx context.Context, what string, sel chromedp.CSS) {
	t.Helper()
	ctx, cancel := testenv.Timeout(ctx, 20*time.Second)
	defer cancel()
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(sel)); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// read runs one action that returns a value.
func read[T any](t *testing.T, ctx context.Context, what string, a chromedp.Action[T]) T {
	t.Helper()
	ctx, cancel := testenv.Timeout(ctx, 20*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

// isolatedContext opens a tab in a new browser context of the browser
// behind ctx: no cookies or storage shared, as a second person's browser.
// Its first action runs without a deadline, since chromedp ties the tab's
// life to the context of that first action.
func isolatedContext(t *testing.T, ctx context.Context) context.Context {
	t.Helper()
	tab, cancel := chromedp.NewContext(ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(tab); err != nil {
		t.Fatalf("new browser context: %v", err)
	}
	return tab
}

// browserSignIn signs the browser in through the form.
func browserSignIn(t *testing.T, ctx context.Context, app *testApp, email string) {
	t.Helper()
	step(t, ctx, "sign in as "+email,
		chromedp.Navigate(app.URL+"/signin"),
		chromedp.SendKeys(chromedp.CSS("#email"), email),
		chromedp.SendKeys(chromedp.CSS("#password"), testPassword),
		chromedp.Click(css("signin-submit")),
		chromedp.WaitVisible(css("nav-who")),
	)
}

// TestBrowserRecruiterFlow walks the recruiter's first session in a real
// browser: sign up, a position with three questions, an interview, copy
// its link, open the link as the candidate in an isolated browser context,
// sign out.
func TestBrowserRecruiterFlow(t *testing.T) {
	app := newTestApp(t, openSQLiteStore(t))
	ctx := testenv.Browser(t)
	step(t, ctx, "sign up",
		chromedp.Navigate(app.URL+"/signup"),
		chromedp.SendKeys(chromedp.CSS("#organisation"), "Acme Hiring"),
		chromedp.SendKeys(chromedp.CSS("#name"), "Rita Recruiter"),
		chromedp.SendKeys(chromedp.CSS("#email"), "rita@acme.test"),
		chromedp.SendKeys(chromedp.CSS("#password"), testPassword),
		chromedp.Click(css("signup-submit")),
		chromedp.WaitVisible(css("welcome")),
	)
	step(t, ctx, "create a position",
		chromedp.SendKeys(chromedp.CSS("#title"), "Backend engineer"),
		chromedp.SendKeys(chromedp.CSS("#questions"), "Tell me about yourself.\nWhy Go?\nDescribe a hard bug."),
		chromedp.Click(css("position-submit")),
		chromedp.WaitVisible(css("position-questions")),
	)
	if got := read(t, ctx, "questions", chromedp.Text(css("position-questions"))); !strings.Contains(got, "Why Go?") {
		t.Errorf("questions %q", got)
	}
	if n := len(read(t, ctx, "question nodes", chromedp.Nodes(chromedp.CSSAll(testID("position-question"))))); n != 3 {
		t.Errorf("%d questions, want 3", n)
	}
	step(t, ctx, "create an interview",
		chromedp.Click(css("interview-for-position")),
		chromedp.SendKeys(chromedp.CSS("#name"), "Ada Lovelace"),
		chromedp.SendKeys(chromedp.CSS("#email"), "ada@example.com"),
		chromedp.Click(css("interview-submit")),
		chromedp.WaitVisible(css("join-link")),
	)
	link := copyJoinLink(t, ctx)
	if !strings.HasPrefix(link, app.URL+"/join/") {
		t.Fatalf("join link %q", link)
	}

	candidate := isolatedContext(t, ctx)
	step(t, candidate, "open the link as the candidate",
		chromedp.Navigate(link),
		chromedp.WaitVisible(css("candidate-landing")),
	)
	if org := read(t, candidate, "organisation", chromedp.Text(css("landing-org"))); org != "Acme Hiring" {
		t.Errorf("landing organisation %q", org)
	}
	// The candidate's context shares no cookies with the recruiter's.
	step(t, candidate, "the app is closed to the candidate",
		chromedp.Navigate(app.URL+"/app/interviews"),
		chromedp.WaitVisible(css("signin-form")),
	)

	step(t, ctx, "sign out",
		chromedp.Click(css("nav-signout")),
		chromedp.WaitVisible(css("signin-form")),
		chromedp.Navigate(app.URL+"/app/interviews"),
		chromedp.WaitVisible(css("signin-form")),
	)
}

// copyJoinLink clicks Copy and returns the link the input holds. The button
// exists only with JavaScript (copy.js); without it the input is the way.
func copyJoinLink(t *testing.T, ctx context.Context) string {
	t.Helper()
	link := read(t, ctx, "join link", chromedp.Value(css("join-link")))
	if _, ok := static.Version("js/copy.js"); !ok {
		t.Log("static does not embed js/copy.js yet: the Copy button stays hidden; reading the input instead")
		return link
	}
	step(t, ctx, "click Copy", chromedp.Click(css("copy-link")))
	status := read(t, ctx, "copy status", chromedp.Poll[string](
		`document.querySelector('[data-testid="copy-status"]').textContent || null`))
	if status != "Copied" {
		t.Errorf("copy status %q, want Copied", status)
	}
	return link
}

// TestBrowserViewerAndOtherTenant checks what a viewer and a member of
// another organisation can do in a browser.
func TestBrowserViewerAndOtherTenant(t *testing.T) {
	app := newTestApp(t, openSQLiteStore(t))
	owner := app.client()
	tenant := owner.signUp("Acme", "owner@acme.test")
	pos := newPositionVia(owner, "Engineer", "Why Go?")
	id := newInterviewVia(owner, pos, "Ada Lovelace", "ada@example.com")
	app.addMember(tenant, "viewer@acme.test", interview.RoleViewer)

	ctx := testenv.Browser(t)
	browserSignIn(t, ctx, app, "viewer@acme.test")
	for _, page := range []string{"/app/positions", "/app/interviews", "/app/positions/" + pos, "/app/interviews/" + id} {
		step(t, ctx, "viewer opens "+page, chromedp.Navigate(app.URL+page), chromedp.WaitVisible(chromedp.CSS("h1")))
		n := read(t, ctx, "create buttons", chromedp.Nodes(chromedp.CSSAll(
			testID("new-position")+","+testID("new-interview")+","+testID("position-form")+","+testID("revoke-link")),
			chromedp.AtLeast(0)))
		if len(n) != 0 {
			t.Errorf("viewer sees %d create or edit controls on %s", len(n), page)
		}
	}
	// The page's own form token makes the request genuine; the role refuses it.
	status := read(t, ctx, "viewer POST", chromedp.Evaluate[int](`
		fetch("/app/positions/new", {method: "POST", body: new URLSearchParams({
			csrf_token: document.querySelector("input[name=csrf_token]").value, title: "Sneaky"})})
		.then(r => r.status)`, chromedp.EvalAwaitPromise))
	if status != 403 {
		t.Errorf("viewer's POST: %d, want 403", status)
	}

	other := isolatedContext(t, ctx)
	app.client().signUp("Globex", "owner@globex.test")
	browserSignIn(t, other, app, "owner@globex.test")
	for _, page := range []string{"/app/interviews/" + id, "/app/interviews/" + id + "/transcript.txt", "/app/positions/" + pos} {
		step(t, other, "other organisation opens "+page, chromedp.Navigate(app.URL+page), chromedp.WaitVisible(css("error-status")))
		if got := read(t, other, "status", chromedp.Text(css("error-status"))); got != "404" {
			t.Errorf("%s: status %s, want 404", page, got)
		}
	}
}

// TestScreenshotInterview renders the interview page with a transcript in
// a real browser and checks it yields a picture. With INTERVIEWD_SCREENSHOT
// set it writes the PNG there (relative to the repository root), which is
// how docs/screenshot-interview.png is made:
//
//	INTERVIEWD_SCREENSHOT=docs/screenshot-interview.png go test -run TestScreenshotInterview ./web/
func TestScreenshotInterview(t *testing.T) {
	out := os.Getenv("INTERVIEWD_SCREENSHOT")
	if out == "" {
		out = filepath.Join(t.TempDir(), "interview.png")
	}
	app := newTestApp(t, openSQLiteStore(t))
	c := app.client()
	c.postRedirect("/signup", url.Values{"organisation": {"Acme Hiring"}, "name": {"Rita Recruiter"},
		"email": {"rita@acme.test"}, "password": {testPassword}})
	tenant := app.tenantOf("rita@acme.test")
	pos := newPositionVia(c, "Backend engineer", "Tell me about yourself.", "Why Go?", "Describe a hard bug.")
	id := newInterviewVia(c, pos, "Ada Lovelace", "ada@example.com")
	screenshotInterview(t, app, tenant, id)

	ctx := testenv.Browser(t)
	browserSignIn(t, ctx, app, "rita@acme.test")
	step(t, ctx, "open the interview",
		chromedp.EmulateViewport(screenshotWidth(), 900),
		chromedp.Navigate(app.URL+"/app/interviews/"+id),
		chromedp.WaitVisible(css("transcript")),
	)
	png := read(t, ctx, "screenshot", chromedp.FullScreenshot(100))
	if len(png) < 1000 || !bytes.HasPrefix(png, []byte("\x89PNG")) {
		t.Fatalf("the screenshot is not a PNG (%d bytes)", len(png))
	}
	if !filepath.IsAbs(out) {
		out = filepath.Join("..", out) // tests run in web/
	}
	if err := os.WriteFile(out, png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// screenshotWidth is the viewport's width: INTERVIEWD_SCREENSHOT_WIDTH
// (to look at the narrow layout), or 1200.
func screenshotWidth() int64 {
	if w, err := strconv.ParseInt(os.Getenv("INTERVIEWD_SCREENSHOT_WIDTH"), 10, 64); err == nil && w > 0 {
		return w
	}
	return 1200
}

// screenshotInterview gives the interview a finished conversation.
func screenshotInterview(t *testing.T, app *testApp, tenant, id string) {
	t.Helper()
	ctx := t.Context()
	v, err := app.Store.GetSession(ctx, tenant, id)
	if err != nil {
		t.Fatal(err)
	}
	start := v.CreatedAt.Add(3 * time.Minute).Truncate(time.Second)
	for _, st := range []interview.Status{interview.StatusReady, interview.StatusInProgress} {
		if _, err := app.Store.TransitionSession(ctx, tenant, id, st, "", start); err != nil {
			t.Fatal(err)
		}
	}
	lines := []struct {
		sp   interview.Speaker
		secs int
		text string
	}{
		{interview.SpeakerInterviewer, 0, "Hello Ada, thank you for joining. This interview takes about fifteen minutes. Let's start: tell me about yourself."},
		{interview.SpeakerCandidate, 9, "Hi! I'm a backend engineer with six years of experience, mostly building payment systems in Go and PostgreSQL."},
		{interview.SpeakerInterviewer, 41, "Thank you. Why do you enjoy working in Go?"},
		{interview.SpeakerCandidate, 47, "The standard library is excellent, the tooling is fast, and code written by someone else is still easy to read a year later."},
		{interview.SpeakerInterviewer, 95, "Describe a hard bug you tracked down, and how you found it."},
		{interview.SpeakerCandidate, 103, "We had duplicate charges once a week. It turned out to be a retry racing a slow commit; an idempotency key on the request fixed it."},
	}
	var entries []interview.TranscriptEntry
	for i, l := range lines {
		entries = append(entries, interview.TranscriptEntry{
			ItemID: "item_" + string(rune('a'+i)), Speaker: l.sp, Text: l.text,
			Timestamp: start.Add(time.Duration(l.secs) * time.Second), Source: interview.SourceSideband,
		})
	}
	if _, err := app.Store.AppendTranscript(ctx, tenant, id, entries); err != nil {
		t.Fatal(err)
	}
	if _, err := app.Store.TransitionSession(ctx, tenant, id, interview.StatusCompleted, "candidate ended the interview", start.Add(13*time.Minute)); err != nil {
		t.Fatal(err)
	}
}
