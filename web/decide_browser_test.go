package web

import (
	"context"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/interviewd/interviewd/internal/testenv"
)

// axeViolation is one rule axe-core found broken, with where.
type axeViolation struct {
	ID    string   `json:"id"`
	Help  string   `json:"help"`
	Nodes []string `json:"nodes"`
}

// checkAxe runs axe-core (web/testdata/axe, MPL-2.0) on the page the tab
// shows, against WCAG 2.1 A and AA, and fails the test for each violation.
// DevTools' evaluation is not bound by the page's CSP, so the strict policy
// stays on while it runs.
func checkAxe(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	src, err := os.ReadFile("testdata/axe/axe.min.js")
	if err != nil {
		t.Fatal(err)
	}
	read(t, ctx, "load axe-core", chromedp.Evaluate[bool](string(src)+";\ntrue"))
	vs := read(t, ctx, "axe on "+what, chromedp.Evaluate[[]axeViolation](`axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})
		.then(r => r.violations.map(v => ({id: v.id, help: v.help, nodes: v.nodes.map(n => n.target.join(" "))})))`,
		chromedp.EvalAwaitPromise))
	for _, v := range vs {
		t.Errorf("axe on %s: %s (%s) at %v", what, v.ID, v.Help, v.Nodes)
	}
}

// TestBrowserScoreRevealAndEvidence walks a reviewer's path in Chromium:
// blind, score with the keyboard's radios, see the AI's assessment, follow
// an evidence link that highlights its line without a reload.
func TestBrowserScoreRevealAndEvidence(t *testing.T) {
	f := newDecideFixture(t, openSQLiteStore(t), true)
	page := "/app/interviews/" + f.done
	keys := scoreKeys(f.owner.page(page, 200))
	finishAssessment(t, f.app.Store, f.tenant, f.done, aiResult(keys))

	ctx := testenv.Browser(t)
	browserSignIn(t, ctx, f.app, "owner@acme.test")
	step(t, ctx, "open the interview", chromedp.Navigate(f.app.URL+page), chromedp.WaitVisible(css("ai-hidden")))
	checkAxe(t, ctx, "the interview page, blind")

	actions := []chromedp.Action[chromedp.Void]{}
	for _, k := range keys {
		actions = append(actions, chromedp.Click(css("score-"+k+"-4")))
	}
	actions = append(actions,
		chromedp.Click(css("recommend-yes")),
		chromedp.SendKeys(css("scorecard-notes"), "Strong on payments."),
		chromedp.Click(css("scorecard-submit")),
		chromedp.WaitVisible(css("ai-latest")),
	)
	step(t, ctx, "score the interview", actions...)
	if got := read(t, ctx, "overall", chromedp.Text(css("ai-overall"))); got != "3.2 of 5" {
		t.Errorf("overall %q", got)
	}
	checkAxe(t, ctx, "the interview page, revealed")

	// A marker on window survives only if the page does not reload.
	step(t, ctx, "follow the evidence",
		chromedp.Evaluate[chromedp.Void](`window.stayed = true`),
		chromedp.Click(css("evidence-link")),
	)
	active := read(t, ctx, "focused line", chromedp.Poll[string](
		`document.activeElement && document.activeElement.id === "entry-2" && document.activeElement.classList.contains("highlight") ? document.activeElement.id : null`))
	if active != "entry-2" {
		t.Errorf("focus on %q", active)
	}
	state := read(t, ctx, "page state", chromedp.Evaluate[string](`(window.stayed === true) + " " + location.search + " " + document.querySelectorAll("li.line.highlight").length`))
	if state != "true ?hl=2 1" {
		t.Errorf("after the click: %q, want no reload, ?hl=2 and one line highlighted", state)
	}
}

// TestBrowserCompare sorts, filters and downloads the comparison.
func TestBrowserCompare(t *testing.T) {
	f := newDecideFixture(t, openSQLiteStore(t), false)
	newInterviewVia(f.owner, f.position, "Brian Kernighan", "bwk@example.com")
	f.owner.postRedirect("/app/interviews/"+f.done+"/hiring-status", url.Values{"status": {"shortlisted"}})

	ctx := testenv.Browser(t)
	browserSignIn(t, ctx, f.app, "owner@acme.test")
	step(t, ctx, "open the comparison from the position",
		chromedp.Navigate(f.app.URL+"/app/positions/"+f.position),
		chromedp.Click(css("compare-candidates")),
		chromedp.WaitVisible(css("compare-table")),
	)
	checkAxe(t, ctx, "the comparison")
	step(t, ctx, "sort by candidate", chromedp.Click(chromedp.CSS(testID("sort-candidate")+" a")),
		chromedp.WaitVisible(chromedp.CSS(testID("sort-candidate")+`[aria-sort="ascending"]`)))
	step(t, ctx, "sort by candidate, descending", chromedp.Click(chromedp.CSS(testID("sort-candidate")+" a")),
		chromedp.WaitVisible(chromedp.CSS(testID("sort-candidate")+`[aria-sort="descending"]`)))
	first := read(t, ctx, "first row", chromedp.Text(chromedp.CSS(testID("compare-row")+":first-child "+testID("compare-candidate"))))
	if first != "Brian Kernighan" {
		t.Errorf("first row, descending: %q", first)
	}
	step(t, ctx, "filter to shortlisted",
		chromedp.SetValue(css("compare-status"), "shortlisted"),
		chromedp.Click(css("compare-filter")),
		chromedp.WaitVisible(css("compare-clear")),
	)
	names := read(t, ctx, "rows", chromedp.Evaluate[[]string](`[...document.querySelectorAll('[data-testid="compare-candidate"]')].map(a => a.textContent)`))
	if strings.Join(names, "|") != "Ada Lovelace" {
		t.Errorf("shortlisted rows %q", names)
	}
	csv := read(t, ctx, "CSV", chromedp.Evaluate[string](`fetch(document.querySelector('[data-testid="compare-csv"]').href)
		.then(r => r.headers.get("content-type") + "\n" + r.status).then(s => s)`, chromedp.EvalAwaitPromise))
	if csv != "text/csv; charset=utf-8\n200" {
		t.Errorf("CSV download: %q", csv)
	}
	href := read(t, ctx, "CSV link", chromedp.Evaluate[string](`document.querySelector('[data-testid="compare-csv"]').getAttribute("href")`))
	if !strings.Contains(href, "format=csv") || !strings.Contains(href, "status=shortlisted") || !strings.Contains(href, "sort=candidate") {
		t.Errorf("CSV link %q does not keep the filter and the sort", href)
	}
}

// TestBrowserRubricEditor edits a rubric in Chromium, first with
// JavaScript off (the editor's buttons are plain form posts), then on.
func TestBrowserRubricEditor(t *testing.T) {
	app := newTestApp(t, openSQLiteStore(t))
	app.client().signUp("Acme", "owner@acme.test")
	ctx := testenv.Browser(t)
	browserSignIn(t, ctx, app, "owner@acme.test")

	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	// Each of the editor's buttons is a form post that loads the editor
	// again, so each is clicked with clickToLoad, which waits for the new page.
	step(t, ctx, "write a position without JavaScript",
		chromedp.Navigate(app.URL+"/app/positions/new"),
		chromedp.SendKeys(chromedp.CSS("#title"), "Backend engineer"),
		chromedp.SendKeys(chromedp.CSS("#questions"), "Why Go?\nDescribe a hard bug."),
	)
	clickToLoad(t, ctx, "add a competency without JavaScript", css("add-competency"))
	step(t, ctx, "name the competency",
		chromedp.WaitVisible(css("competency-name")),
		chromedp.SendKeys(css("competency-name"), "Go knowledge"),
		chromedp.SendKeys(chromedp.CSS(`[name="c.0.anchor5"]`), "Knows the runtime well"),
	)
	clickToLoad(t, ctx, "update the question links", css("update-links"))
	step(t, ctx, "link the competency to the second question",
		chromedp.WaitVisible(css("link-1-0")),
		chromedp.Click(css("link-1-0")),
	)
	clickToLoad(t, ctx, "save the position", css("position-submit"))
	step(t, ctx, "the position's rubric", chromedp.WaitVisible(css("rubric")))
	row := read(t, ctx, "rubric", chromedp.Text(css("rubric-competency")))
	if !strings.Contains(row, "Go knowledge") || !strings.Contains(row, "Knows the runtime well") {
		t.Errorf("rubric row %q", row)
	}
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: false}); err != nil {
		t.Fatal(err)
	}
	step(t, ctx, "add a second competency with JavaScript on",
		chromedp.Navigate(app.URL+read(t, ctx, "path", chromedp.Evaluate[string](`location.pathname`))),
		chromedp.WaitVisible(css("rubric-editor")),
		chromedp.Click(css("add-competency")),
		chromedp.WaitVisible(chromedp.CSS(`[name="c.1.name"]`)),
		chromedp.SendKeys(chromedp.CSS(`[name="c.1.name"]`), "Debugging"),
	)
	clickToLoad(t, ctx, "save the second competency", css("position-submit"))
	step(t, ctx, "the saved note", chromedp.WaitVisible(css("flash")))
	if n := len(read(t, ctx, "rows", chromedp.Nodes(chromedp.CSSAll(testID("rubric-competency"))))); n != 2 {
		t.Errorf("%d competencies, want 2", n)
	}
	if note := read(t, ctx, "version", chromedp.Text(css("rubric-version"))); !strings.HasPrefix(note, "Version 2.") {
		t.Errorf("version note %q", note)
	}
	checkAxe(t, ctx, "the position page with its rubric editor")
}
