package web

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/testenv"
)

// viewport is a window size the pages are checked at.
type viewport struct {
	name string
	w, h int64
	axe  bool // run axe-core too (360 px only checks the width)
	dark bool // prefers-color-scheme: dark
}

// viewports: a laptop, a current phone, the narrowest phone still sold,
// and the laptop in the dark colour scheme.
var viewports = []viewport{{"1280x800", 1280, 800, true, false}, {"390x844", 390, 844, true, false},
	{"360x740", 360, 740, false, false}, {"1280x800-dark", 1280, 800, true, true}}

// pageState is one page in one state: how to reach it in a tab.
type pageState struct {
	name string
	open func(t *testing.T, ctx context.Context)
}

// visit is a pageState that opens path and waits for the element testID.
func visit(name, path, testID string, app *testApp) pageState {
	return pageState{name, func(t *testing.T, ctx context.Context) {
		step(t, ctx, "open "+name, chromedp.Navigate(app.URL+path), chromedp.WaitVisible(css(testID)))
	}}
}

// submit is a pageState that opens path, runs fill, submits with the
// button testID submit and waits for the element wait.
func submit(name, path, submitID, wait string, app *testApp, fill ...chromedp.Action[chromedp.Void]) pageState {
	return pageState{name, func(t *testing.T, ctx context.Context) {
		actions := append([]chromedp.Action[chromedp.Void]{chromedp.Navigate(app.URL + path), chromedp.WaitVisible(css(submitID))}, fill...)
		actions = append(actions, chromedp.Click(css(submitID)), chromedp.WaitVisible(css(wait)))
		step(t, ctx, name, actions...)
	}}
}

// a11yFixture is an organisation with something in every state a page
// can show: interviews in each status, a webhook, a member, a revoked link.
type a11yFixture struct {
	app                      *testApp
	owner                    *testClient
	tenant, position, invite string
	archived, webhook        string            // an archived position; a webhook endpoint's page
	byStatus                 map[string]string // interview ID by state name
	links                    map[string]string // join link by state name
	recorded                 string            // an interview with a recording (replay_browser_test.go)
}

func newA11yFixture(t *testing.T) *a11yFixture {
	t.Helper()
	app := newTestApp(t, openSQLiteStore(t))
	f := &a11yFixture{app: app, owner: app.client(), byStatus: map[string]string{}, links: map[string]string{}}
	f.tenant = f.owner.signUp("Acme Hiring", "owner@acme.test")
	app.addMember(f.tenant, "rec@acme.test", interview.RoleRecruiter)
	f.position = newPositionVia(f.owner, "Backend engineer", "Tell me about yourself.", "Why Go?", "Describe a hard bug.")
	for _, s := range []string{"pending", "ready", "in_progress", "completed", "abandoned", "failed", "revoked", "landing", "consent-error", "consented"} {
		id := newInterviewVia(f.owner, f.position, "Candidate "+s, s+"@example.com")
		f.byStatus[s], f.links[s] = id, joinLinkOf(f.owner, id)
	}
	f.move("ready", interview.StatusReady, "")
	f.move("in_progress", interview.StatusReady, "")
	f.move("in_progress", interview.StatusInProgress, "")
	screenshotInterview(t, app, f.tenant, f.byStatus["completed"])
	f.move("abandoned", interview.StatusAbandoned, "ended by owner@acme.test before it started")
	f.move("failed", interview.StatusReady, "")
	f.move("failed", interview.StatusFailed, "the call failed: the AI provider did not answer")
	f.owner.postRedirect("/app/interviews/"+f.byStatus["revoked"]+"/revoke", url.Values{})
	doc := f.owner.postPage("/app/team/invitations", url.Values{"email": {"new@acme.test"}, "role": {"viewer"}}, 201)
	f.invite = doc.Find(testID("invite-link")).AttrOr("value", "")
	if f.invite == "" {
		t.Fatal("no invitation link")
	}
	f.archived = newPositionVia(f.owner, "Archived role", "Why?")
	f.owner.postRedirect("/app/positions/"+f.archived+"/archive", url.Values{})
	doc = f.owner.postPage("/app/webhooks", url.Values{"url": {"https://ats.example.com/hooks/a11y"}}, 201)
	f.webhook = doc.Find(testID("webhook-link")).AttrOr("href", "")
	if f.webhook == "" {
		t.Fatal("no webhook endpoint link")
	}
	f.recorded = f.recordReplay(t)
	return f
}

// move takes the interview of state name to status.
func (f *a11yFixture) move(name string, to interview.Status, reason string) {
	f.app.t.Helper()
	if _, err := f.app.Store.TransitionSession(context.Background(), f.tenant, f.byStatus[name], to, reason, time.Now()); err != nil {
		f.app.t.Fatalf("%s to %s: %v", name, to, err)
	}
}

// recruiterPages is every page of /app in each of its states, for the owner.
func (f *a11yFixture) recruiterPages() []pageState {
	app, iv := f.app, func(s string) string { return "/app/interviews/" + f.byStatus[s] }
	pages := []pageState{
		visit("app home", "/app/", "nav-who", app),
		visit("positions", "/app/positions", "nav-who", app),
		visit("positions with archived", "/app/positions?archived=1", "nav-who", app),
		visit("new position", "/app/positions/new", "position-submit", app),
		visit("new position, welcome", "/app/positions/new?welcome=1", "welcome", app),
		submit("new position with every error", "/app/positions/new", "position-submit", "form-error", app,
			chromedp.SetValue(chromedp.CSS("#max_minutes"), "99"), chromedp.SetValue(chromedp.CSS("#language"), "!!")),
		visit("position", "/app/positions/"+f.position, "position-questions", app),
		visit("archived position", "/app/positions/"+f.archived, "position-questions", app),
		visit("compare", "/app/positions/"+f.position+"/compare", "nav-who", app),
		visit("interviews", "/app/interviews", "interviews", app),
		visit("interviews filtered to none", "/app/interviews?q=nobody", "interviews-empty", app),
		visit("new interview", "/app/interviews/new", "interview-submit", app),
		submit("new interview with every error", "/app/interviews/new", "interview-submit", "form-error", app),
		visit("team", "/app/team", "members", app),
		submit("team with a new invitation", "/app/team", "invite-submit", "new-invite", app,
			chromedp.SendKeys(chromedp.CSS("#invite-email"), "third@acme.test")),
		submit("team invitation with an error", "/app/team", "invite-submit", "form-error", app),
		visit("API keys", "/app/api-keys", "key-form", app),
		submit("API keys with a new key", "/app/api-keys", "key-submit", "new-key", app,
			chromedp.SendKeys(chromedp.CSS("#key-name"), "ATS sync")),
		visit("webhooks", "/app/webhooks", "webhook-form", app),
		visit("webhook endpoint", f.webhook, "nav-who", app),
		submit("webhooks with a new secret", "/app/webhooks", "webhook-submit", "new-webhook-secret", app,
			chromedp.SendKeys(css("webhook-url"), "https://ats.example.com/hooks/interviewd")),
		submit("webhooks with an error", "/app/webhooks", "webhook-submit", "form-error", app,
			chromedp.SendKeys(css("webhook-url"), "not a url")),
		visit("settings", "/app/settings", "settings-form", app),
		submit("settings with every error", "/app/settings", "settings-submit", "form-error", app,
			chromedp.SetValue(chromedp.CSS("#recording_days"), "-1"), chromedp.SetValue(chromedp.CSS("#transcript_days"), "")),
		visit("audit log", "/app/audit", "audit-events", app),
		visit("audit log filtered to none", "/app/audit?action=candidate.erased", "audit-empty", app),
	}
	for _, s := range []string{"pending", "ready", "in_progress", "completed", "abandoned", "failed", "revoked"} {
		pages = append(pages, visit("interview "+s, iv(s), "interview-status", app))
	}
	pages = append(pages, f.replayPages()...)
	pages = append(pages, pageState{"interview with the end confirmation open", func(t *testing.T, ctx context.Context) {
		step(t, ctx, "open the confirmation", chromedp.Navigate(app.URL+iv("in_progress")),
			chromedp.Click(css("end-open")), chromedp.WaitVisible(css("end-confirm")))
	}})
	return pages
}

// publicPages are the pages without an account: home, sign-in and
// sign-up (empty and with errors), an invitation, the candidate's.
func (f *a11yFixture) publicPages() []pageState {
	app := f.app
	invite, _ := url.Parse(f.invite)
	return []pageState{
		visit("home", "/", "home-title", app),
		visit("sign-in", "/signin", "signin-form", app),
		submit("sign-in with an error", "/signin", "signin-submit", "form-error", app,
			chromedp.SendKeys(chromedp.CSS("#email"), "owner@acme.test"), chromedp.SendKeys(chromedp.CSS("#password"), "wrong password")),
		visit("sign-up", "/signup", "signup-submit", app),
		submit("sign-up with every error", "/signup", "signup-submit", "form-error", app),
		visit("invitation", invite.Path, "invite-form", app),
		submit("invitation with an error", invite.Path, "invite-submit", "form-error", app,
			chromedp.SendKeys(chromedp.CSS("#invite-password"), "short")),
		visit("a dead invitation", "/invite/not-a-token", "brand", app),
		visit("landing", f.path("landing"), "candidate-landing", app),
		submit("landing, consent refused", f.path("consent-error"), "consent-submit", "form-error", app),
		pageState{"landing, consent given", func(t *testing.T, ctx context.Context) {
			step(t, ctx, "open the link", chromedp.Navigate(app.URL+f.path("consented")), chromedp.WaitVisible(css("consent-section")))
			if read(t, ctx, "the consent form", chromedp.Evaluate[bool](`!!document.querySelector('[data-testid="consent-form"]')`)) {
				step(t, ctx, "consent", chromedp.Click(css("consent-checkbox")), chromedp.Click(css("consent-submit")), chromedp.WaitVisible(css("room-join")))
			}
			step(t, ctx, "come back", chromedp.Navigate(app.URL+f.path("consented")), chromedp.WaitVisible(css("enter-room")))
		}},
		visit("unknown link", "/join/not-a-token", "join-refused", app),
		visit("revoked link", f.path("revoked"), "join-refused", app),
		visit("expired interview link", f.path("completed"), "join-refused", app),
	}
}

func (f *a11yFixture) path(name string) string {
	u, err := url.Parse(f.links[name])
	if err != nil || u.Path == "" {
		f.app.t.Fatalf("no join link for %s: %q", name, f.links[name])
	}
	return u.Path
}

// TestBrowserEveryPageAccessible opens every page of the recruiter's app
// and the candidate's pages in each state at 1280×800 (light and dark),
// 390×844 and 360×740: axe-core finds no WCAG 2.1 A/AA violation (but at
// 360 px, which checks the width only), and no page scrolls sideways.
func TestBrowserEveryPageAccessible(t *testing.T) {
	f := newA11yFixture(t)
	browser := testenv.Browser(t)
	owner := isolatedContext(t, browser)
	browserSignIn(t, owner, f.app, "owner@acme.test")
	public := isolatedContext(t, browser)
	for _, vp := range viewports {
		t.Run(vp.name, func(t *testing.T) {
			for _, tab := range []struct {
				ctx   context.Context
				pages []pageState
			}{{owner, f.recruiterPages()}, {public, f.publicPages()}} {
				step(t, tab.ctx, "the viewport", chromedp.EmulateViewport(vp.w, vp.h))
				scheme := "light"
				if vp.dark {
					scheme = "dark"
				}
				if _, err := chromedp.Call(tab.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
					Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}}); err != nil {
					t.Fatalf("colour scheme %s: %v", scheme, err)
				}
				if dark := read(t, tab.ctx, "the scheme", chromedp.Evaluate[bool](`matchMedia("(prefers-color-scheme: dark)").matches`)); dark != vp.dark {
					t.Fatalf("the page sees a dark scheme: %v, want %v", dark, vp.dark)
				}
				for _, p := range tab.pages {
					p.open(t, tab.ctx)
					checkNoSidewaysScroll(t, tab.ctx, p.name)
					if vp.w < 600 {
						checkCards(t, tab.ctx, p.name)
					}
					if vp.axe {
						checkAxe(t, tab.ctx, p.name)
					}
				}
			}
		})
	}
}

// checkCards: on a phone every table is stacked cards, each row a block
// and each cell with content labelled by its column (data-label).
func checkCards(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	bad := read(t, ctx, "the tables", chromedp.Evaluate[[]string](`[...document.querySelectorAll("table.table tbody tr")].flatMap(tr =>
		getComputedStyle(tr).display !== "block" ? ["a row shown as " + getComputedStyle(tr).display] :
		[...tr.querySelectorAll("td")].filter(td => td.textContent.trim() !== "" && td.querySelector("form, a") === null && !td.dataset.label)
			.map(td => "a cell without a label: " + td.textContent.trim().slice(0, 30)))`))
	for _, b := range bad {
		t.Errorf("%s: %s", what, b)
	}
}

// checkNoSidewaysScroll fails when the page is wider than the viewport.
func checkNoSidewaysScroll(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	w := read(t, ctx, "the page's width", chromedp.Evaluate[[]float64](`[document.documentElement.scrollWidth, innerWidth]`))
	if w[0] > w[1] {
		wide := read(t, ctx, "what sticks out", chromedp.Evaluate[[]string](`[...document.querySelectorAll("body *")]
			.filter(e => e.getBoundingClientRect().right > innerWidth + 0.5)
			.slice(0, 5).map(e => e.tagName.toLowerCase() + (e.className ? "." + String(e.className).split(" ").join(".") : "") + " " + Math.round(e.getBoundingClientRect().right))`))
		t.Errorf("%s is %v px wide in a %v px viewport: %v", what, w[0], w[1], wide)
	}
}

// TestBrowserCopyButtons copies each link or secret that is shown once
// (join link, invitation link, API key, webhook secret) with its Copy
// button, by mouse and by keyboard, at 1280×800 and 390×844: the
// clipboard holds exactly the input's text, "Copied" is announced in a
// polite live region, and the button keeps its distance from the input.
func TestBrowserCopyButtons(t *testing.T) {
	f := newA11yFixture(t)
	ctx := testenv.Browser(t)
	for _, name := range []string{"clipboard-read", "clipboard-write"} {
		if _, err := chromedp.Call(ctx, browser.SetPermission, browser.SetPermissionParams{
			Permission: &browser.PermissionDescriptor{Name: name}, Setting: browser.PermissionSettingGranted, Origin: f.app.URL,
		}); err != nil {
			t.Fatalf("grant %s: %v", name, err)
		}
	}
	browserSignIn(t, ctx, f.app, "owner@acme.test")
	pages := []pageState{
		visit("join link", "/app/interviews/"+f.byStatus["pending"], "join-link", f.app),
		submit("invitation link", "/app/team", "invite-submit", "invite-link", f.app,
			chromedp.SendKeys(chromedp.CSS("#invite-email"), "copy@acme.test")),
		submit("API key", "/app/api-keys", "key-submit", "new-key-value", f.app,
			chromedp.SendKeys(chromedp.CSS("#key-name"), "Copy test")),
		submit("webhook secret", "/app/webhooks", "webhook-submit", "new-webhook-secret", f.app,
			chromedp.SendKeys(css("webhook-url"), "https://ats.example.com/hooks/copy")),
	}
	for _, vp := range viewports[:2] { // light, 1280 and 390
		step(t, ctx, "the viewport", chromedp.EmulateViewport(vp.w, vp.h))
		for _, p := range pages {
			p.open(t, ctx)
			checkCopy(t, ctx, vp.name+", "+p.name, false)
			checkCopy(t, ctx, vp.name+", "+p.name+" by keyboard", true)
		}
	}
}

// checkCopy presses the page's Copy button (with Enter when byKeyboard)
// and checks the clipboard, the announcement and the spacing.
func checkCopy(t *testing.T, ctx context.Context, what string, byKeyboard bool) {
	t.Helper()
	step(t, ctx, what+": clear the clipboard", chromedp.Evaluate[chromedp.Void](`navigator.clipboard.writeText("")`, chromedp.EvalAwaitPromise))
	if byKeyboard {
		step(t, ctx, what+": Enter on Copy", chromedp.Focus(chromedp.CSS("button[data-copy]")), chromedp.KeyEvent("\r"))
	} else {
		step(t, ctx, what+": click Copy", chromedp.Click(chromedp.CSS("button[data-copy]")))
	}
	status := poll[string](t, ctx, what+": the announcement", `(s => s.textContent || null)(document.querySelector("[data-copy-status]"))`, 5*time.Second)
	live := read(t, ctx, what+": the region", chromedp.Evaluate[string](`document.querySelector("[data-copy-status]").getAttribute("aria-live")`))
	if status != "Copied" || live != "polite" {
		t.Errorf("%s: announced %q in a %q region, want Copied, polite", what, status, live)
	}
	got := read(t, ctx, what+": the clipboard", chromedp.Evaluate[[]string](`navigator.clipboard.readText().then(c => [c, document.getElementById(document.querySelector("button[data-copy]").dataset.copy).value])`, chromedp.EvalAwaitPromise))
	if got[0] == "" || got[0] != got[1] {
		t.Errorf("%s: the clipboard holds %q, want the input's %q", what, got[0], got[1])
	}
	gap := read(t, ctx, what+": the spacing", chromedp.Evaluate[float64](`(() => {
		const b = document.querySelector("button[data-copy]").getBoundingClientRect();
		const i = document.getElementById(document.querySelector("button[data-copy]").dataset.copy).getBoundingClientRect();
		return Math.max(b.left - i.right, b.top - i.bottom);
	})()`))
	if gap < 6 {
		t.Errorf("%s: the Copy button is %v px from its input, want at least 6", what, gap)
	}
}

// TestBrowserLandingFirstScreen: on a phone (390×844) and a laptop
// (1280×800) the candidate's landing page shows the microphone check and
// the whole consent form, its button included, without scrolling.
func TestBrowserLandingFirstScreen(t *testing.T) {
	f := newA11yFixture(t)
	ctx := testenv.Browser(t)
	for _, vp := range viewports[:2] { // light, 1280 and 390
		step(t, ctx, "open the landing page at "+vp.name, chromedp.EmulateViewport(vp.w, vp.h),
			chromedp.Navigate(f.links["landing"]), chromedp.WaitVisible(css("mic-start")))
		for _, id := range []string{"mic-check", "mic-start", "consent-checkbox", "consent-submit"} {
			box := read(t, ctx, id+"'s box", chromedp.Evaluate[[]float64](`(b => [b.top, b.bottom, b.left, b.right])(document.querySelector('[data-testid="`+id+`"]').getBoundingClientRect())`))
			if box[0] < 0 || box[1] > float64(vp.h) || box[2] < 0 || box[3] > float64(vp.w) {
				t.Errorf("%s: %s spans %v–%v px down, %v–%v across: not within the first %d×%d screen", vp.name, id, box[0], box[1], box[2], box[3], vp.w, vp.h)
			}
		}
	}
}
