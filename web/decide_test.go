package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/interviewd/interviewd/internal/auth"
	"github.com/interviewd/interviewd/internal/hiring"
	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

// decideFixture is an organisation with an owner, a second recruiter and
// a viewer, a position of three questions and one completed interview
// with a transcript.
type decideFixture struct {
	app                    *testApp
	owner, other, viewer   *testClient
	tenant, position, done string
}

func newDecideFixture(t *testing.T, st store.Store, ai bool) decideFixture {
	t.Helper()
	app := newTestAppWith(t, st, func(app *testApp, d *Deps) {
		if !ai {
			return
		}
		links, err := auth.NewJoinLinks(testSecret)
		if err != nil {
			t.Fatal(err)
		}
		app.Hiring = hiring.New(hiring.Config{Store: st, Links: links, PublicURL: app.URL,
			Assessment: hiring.AssessmentConfig{Enabled: true, Model: "test-model"}})
		d.Hiring = app.Hiring
	})
	f := decideFixture{app: app, owner: app.client(), other: app.client(), viewer: app.client()}
	f.tenant = f.owner.signUp("Acme", "owner@acme.test")
	app.addMember(f.tenant, "rec@acme.test", interview.RoleRecruiter)
	app.addMember(f.tenant, "viewer@acme.test", interview.RoleViewer)
	f.other.signIn("rec@acme.test")
	f.viewer.signIn("viewer@acme.test")
	f.position = newPositionVia(f.owner, "Backend engineer", "Tell me about yourself.", "Why Go?", "Describe a hard bug.")
	f.done = newInterviewVia(f.owner, f.position, "Ada Lovelace", "ada@example.com")
	screenshotInterview(t, app, f.tenant, f.done)
	return f
}

// scoreKeys are the competency keys of the scorecard form on doc.
func scoreKeys(doc *goquery.Document) []string {
	var keys []string
	doc.Find(testID("score-group")).Each(func(_ int, g *goquery.Selection) {
		name, _ := g.Find("input[type=radio]").First().Attr("name")
		keys = append(keys, strings.TrimPrefix(name, "score."))
	})
	return keys
}

// scorecardForm is a scorecard giving every competency score.
func scorecardForm(keys []string, score, rec, notes string) url.Values {
	form := url.Values{"recommendation": {rec}, "notes": {notes}}
	for _, k := range keys {
		form.Set("score."+k, score)
	}
	return form
}

func TestDecisionPanelBlindScoring(t *testing.T) {
	for _, o := range bothStores() {
		t.Run(o.name, func(t *testing.T) {
			f := newDecideFixture(t, o.open(t), false)
			page := "/app/interviews/" + f.done
			doc := f.owner.page(page, 200)
			if got := doc.Find(testID("analytics-completion")).Text(); !strings.Contains(got, "of 3 questions answered") {
				t.Errorf("completion %q", got)
			}
			if n := doc.Find(testID("analytics-question")).Length(); n != 3 {
				t.Errorf("%d analytics rows, want 3", n)
			}
			if !strings.Contains(doc.Find(testID("ai-off")).Text(), "Set ASSESSMENT_MODEL") {
				t.Error("no plain note that AI assessment is off")
			}
			keys := scoreKeys(doc)
			if len(keys) != 4 || doc.Find(testID("blind-note")).Length() != 1 || doc.Find(testID("scorecards")).Length() != 0 {
				t.Fatalf("blind owner: keys %q, blind note %d, scorecards %d", keys, doc.Find(testID("blind-note")).Length(), doc.Find(testID("scorecards")).Length())
			}
			if n := doc.Find(testID("score-group") + " legend").Length(); n != 4 {
				t.Errorf("%d legends, want one per competency", n)
			}

			// No recommendation: the form comes back with the scores as typed.
			res := f.owner.post(page+"/scorecard", scorecardForm(keys, "4", "", ""))
			if res.StatusCode != http.StatusBadRequest {
				t.Fatalf("scorecard without recommendation: %d", res.StatusCode)
			}
			doc = parseHTML(t, res)
			if doc.Find(testID("form-error")).Length() != 1 || doc.Find(testID("score-"+keys[0]+"-4")).AttrOr("checked", "no") == "no" {
				t.Error("refused scorecard not shown again with its scores and message")
			}

			f.owner.postRedirect(page+"/scorecard", scorecardForm(keys, "4", "yes", "Solid answers.\nClear."))
			doc = f.owner.page(page, 200)
			if doc.Find(testID("my-scorecard")).Length() != 1 || doc.Find(testID("scorecard-row")).Length() != 1 {
				t.Fatal("the owner's scorecard is not shown after submitting")
			}
			if got := doc.Find(testID("human-average")).Text(); !strings.Contains(got, "4.0") {
				t.Errorf("human average %q", got)
			}

			// The second recruiter is blind until they decline.
			doc = f.other.page(page, 200)
			if doc.Find(testID("blind-note")).Length() != 1 || doc.Find(testID("scorecards")).Length() != 0 {
				t.Error("a reviewer without a scorecard sees the others'")
			}
			f.other.postRedirect(page+"/scorecard", url.Values{"declined": {"1"}})
			doc = f.other.page(page, 200)
			if doc.Find(testID("scorecard-declined")).Length() != 1 || doc.Find(testID("scorecard-row")).Length() != 1 {
				t.Error("after declining: no note, or the owner's scorecard is hidden")
			}
			if res := f.other.post(page+"/scorecard", scorecardForm(keys, "2", "no", "")); res.StatusCode != http.StatusConflict {
				t.Errorf("scoring after declining: %d, want 409", res.StatusCode)
			}

			// A viewer sees everything and changes nothing.
			doc = f.viewer.page(page, 200)
			if doc.Find(testID("scorecard-viewer")).Length() != 1 || doc.Find(testID("scorecard-row")).Length() != 1 || doc.Find(testID("hiring-form")).Length() != 0 {
				t.Error("viewer's panel")
			}
			for _, path := range []string{"/scorecard", "/hiring-status", "/assessment"} {
				if res := f.viewer.post(page+path, url.Values{"status": {"rejected"}, "recommendation": {"no"}}); res.StatusCode != http.StatusForbidden {
					t.Errorf("viewer POST %s: %d, want 403", path, res.StatusCode)
				}
			}

			f.owner.postRedirect(page+"/hiring-status", url.Values{"status": {"shortlisted"}})
			doc = f.owner.page(page, 200)
			if got := doc.Find(testID("timeline-decision")).Text(); !strings.Contains(got, "Shortlisted") || !strings.Contains(got, "owner@acme.test") {
				t.Errorf("timeline decision %q", got)
			}
			if _, ok := doc.Find(testID("hiring-shortlisted")).Attr("checked"); !ok {
				t.Error("the hiring status form does not show the status set")
			}
			if res := f.owner.post(page+"/hiring-status", url.Values{"status": {"hired"}}); res.StatusCode != http.StatusBadRequest {
				t.Errorf("unknown hiring status: %d, want 400", res.StatusCode)
			}
		})
	}
}

func TestEvidenceHighlightWithoutJS(t *testing.T) {
	f := newDecideFixture(t, openSQLiteStore(t), false)
	doc := f.owner.page("/app/interviews/"+f.done+"?hl=2,3,x,-1", 200)
	var marked []string
	doc.Find("li.line.highlight").Each(func(_ int, s *goquery.Selection) { marked = append(marked, s.AttrOr("id", "")) })
	if strings.Join(marked, ",") != "entry-2,entry-3" {
		t.Errorf("highlighted %q, want entry-2,entry-3", marked)
	}
	if doc.Find("li#entry-1").Length() != 1 {
		t.Error("transcript lines have no entry-SEQ anchors")
	}
}

// finishAssessment stores a done assessment of an interview through the
// store's worker path, as the assessment worker would.
func finishAssessment(t *testing.T, st store.Store, tenant, id string, result interview.AssessmentResult) {
	t.Helper()
	ctx := context.Background()
	now := time.Now()
	a := interview.Assessment{TenantID: tenant, InterviewID: id, Status: interview.AssessmentPending, NextAttempt: now, Model: "test-model"}
	if err := st.EnqueueAssessment(ctx, &a); err != nil {
		t.Fatalf("enqueue: %v", err)
	}
	claimed, err := st.ClaimAssessments(ctx, now.Add(time.Second), time.Minute, 10)
	if err != nil || len(claimed) != 1 {
		t.Fatalf("claim: %v %v", claimed, err)
	}
	c := claimed[0]
	done := now.Add(2 * time.Second)
	c.Status, c.Result, c.CompletedAt = interview.AssessmentDone, &result, &done
	c.PromptVersion, c.RubricVersion, c.TranscriptHash = "assess-test", 1, strings.Repeat("a", 64)
	if err := st.FinishAssessment(ctx, &c); err != nil {
		t.Fatalf("finish: %v", err)
	}
}

// aiResult scores the first two competencies of keys, citing candidate
// line 2 (verified) and flagging the second score.
func aiResult(keys []string) interview.AssessmentResult {
	return interview.AssessmentResult{
		Competencies: []interview.CompetencyScore{
			{Key: keys[0], Score: 4, Rationale: "Concrete background.", Evidence: []interview.Evidence{{Seq: 2, Quote: "six years of experience"}}},
			{Key: keys[1], Score: 2, Rationale: "Thin.", Flagged: true, Dropped: 1},
		},
		Summary: "A capable engineer.", Strengths: []string{"Payments experience"}, Concerns: []string{"Little on testing"},
		FollowUps: []string{"How do you test retries?"}, Recommendation: interview.RecommendYes, Overall: 3.2,
	}
}

func TestAssessmentRevealedAfterScoring(t *testing.T) {
	for _, o := range bothStores() {
		t.Run(o.name, func(t *testing.T) {
			f := newDecideFixture(t, o.open(t), true)
			page := "/app/interviews/" + f.done
			keys := scoreKeys(f.owner.page(page, 200))
			finishAssessment(t, f.app.Store, f.tenant, f.done, aiResult(keys))

			doc := f.owner.page(page, 200)
			if doc.Find(testID("ai-hidden")).Length() != 1 || doc.Find(testID("ai-latest")).Length() != 0 {
				t.Fatal("the AI's scores are shown before the reviewer scored")
			}
			if !strings.Contains(doc.Find(testID("assessment")).Text(), "did not see the candidate's name or email") {
				t.Error("the page does not say the model did not see the name")
			}
			f.owner.postRedirect(page+"/scorecard", scorecardForm(keys, "3", "mixed", ""))
			doc = f.owner.page(page, 200)
			if got := doc.Find(testID("ai-overall")).Text(); got != "3.2 of 5" {
				t.Errorf("overall %q", got)
			}
			if href := doc.Find(testID("evidence-link")).AttrOr("href", ""); href != page+"?hl=2#entry-2" {
				t.Errorf("evidence link %q", href)
			}
			if doc.Find(testID("ai-flagged")).Length() != 1 || !strings.Contains(doc.Find(testID("ai-flag-reason")).Text(), "1 quote(s)") {
				t.Error("the flagged score is not marked with its reason")
			}
			if !strings.Contains(doc.Find(testID("assessment")+" h2").Text(), "advisory") {
				t.Error("the AI assessment is not labelled advisory")
			}

			loc := f.owner.postRedirect(page+"/assessment", nil)
			doc = f.owner.page(loc, 200)
			if doc.Find(testID("ai-pending")).Length() != 1 || doc.Find(testID("rerun")).Length() != 0 {
				t.Error("after a re-run: no pending note, or the button is still offered")
			}
			if n := doc.Find(testID("ai-history-item")).Length(); n != 1 {
				t.Errorf("%d earlier assessments in the history, want 1", n)
			}
			if res := f.owner.post(page+"/assessment", nil); res.StatusCode != http.StatusConflict {
				t.Errorf("a second re-run while one is pending: %d, want 409", res.StatusCode)
			}
		})
	}
}

func TestComparePage(t *testing.T) {
	for _, o := range bothStores() {
		t.Run(o.name, func(t *testing.T) {
			f := newDecideFixture(t, o.open(t), false)
			compare := "/app/positions/" + f.position + "/compare"
			newInterviewVia(f.owner, f.position, "Brian Kernighan", "bwk@example.com")
			keys := scoreKeys(f.owner.page("/app/interviews/"+f.done, 200))
			f.owner.postRedirect("/app/interviews/"+f.done+"/scorecard", scorecardForm(keys, "5", "strong_yes", ""))
			f.owner.postRedirect("/app/interviews/"+f.done+"/hiring-status", url.Values{"status": {"advanced"}})

			doc := f.owner.page(compare+"?sort=candidate", 200)
			if got := texts(doc, testID("compare-candidate")); strings.Join(got, "|") != "Ada Lovelace|Brian Kernighan" {
				t.Errorf("sorted by candidate: %q", got)
			}
			th := doc.Find(testID("sort-candidate"))
			if th.AttrOr("aria-sort", "") != "ascending" || !strings.Contains(th.Find("a").AttrOr("href", ""), "desc=1") {
				t.Errorf("candidate header: aria-sort %q, link %q", th.AttrOr("aria-sort", ""), th.Find("a").AttrOr("href", ""))
			}
			doc = f.owner.page(compare+"?sort=candidate&desc=1", 200)
			if got := texts(doc, testID("compare-candidate")); strings.Join(got, "|") != "Brian Kernighan|Ada Lovelace" {
				t.Errorf("sorted by candidate, descending: %q", got)
			}
			if !strings.Contains(doc.Find(testID("compare-ai-off")).Text(), "ASSESSMENT_MODEL") {
				t.Error("no note that AI assessment is off")
			}
			if got := doc.Find(testID("compare-row")).Last().Find(testID("compare-human")).Text(); got != "5.0 (1)" {
				t.Errorf("human average of the scored row %q", got)
			}

			doc = f.owner.page(compare+"?status=advanced", 200)
			if got := texts(doc, testID("compare-candidate")); strings.Join(got, "|") != "Ada Lovelace" {
				t.Errorf("filtered to advanced: %q", got)
			}
			if doc = f.owner.page(compare+"?status=rejected", 200); doc.Find(testID("compare-empty")).Length() != 1 {
				t.Error("no empty state for a filter that matches none")
			}
			if res := f.owner.get(compare + "?status=hired"); res.StatusCode != http.StatusBadRequest {
				t.Errorf("unknown status filter: %d", res.StatusCode)
			}

			// The other recruiter has scored nothing: the scores stay hidden.
			doc = f.other.page(compare, 200)
			if n := doc.Find(testID("compare-hidden")).Length(); n != 2 || doc.Find(testID("compare-human")).Length() != 0 {
				t.Errorf("blind reviewer sees %d hidden cells and %d human averages", n, doc.Find(testID("compare-human")).Length())
			}

			res := f.owner.get(f.owner.page(compare, 200).Find(testID("compare-csv")).AttrOr("href", ""))
			body := readBody(t, res)
			if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") ||
				!strings.Contains(body, "Ada Lovelace") || !strings.Contains(body, "Brian Kernighan") {
				t.Errorf("CSV: %d %q\n%s", res.StatusCode, res.Header.Get("Content-Type"), body)
			}

			empty := newPositionVia(f.owner, "Designer", "Show me your work.")
			doc = f.owner.page("/app/positions/"+empty+"/compare", 200)
			if doc.Find(testID("compare-new-interview")).AttrOr("href", "") != "/app/interviews/new?position="+empty {
				t.Error("the empty comparison does not say what to do next")
			}
			if doc := f.owner.page("/app/positions", 200); doc.Find(testID("compare-link")).Length() != 2 {
				t.Error("the positions list does not link to the comparisons")
			}
		})
	}
}

func TestRubricEditorFormPosts(t *testing.T) {
	for _, o := range bothStores() {
		t.Run(o.name, func(t *testing.T) {
			app := newTestApp(t, o.open(t))
			c := app.client()
			c.signUp("Acme", "owner@acme.test")
			base := url.Values{"title": {"Engineer"}, "questions": {"Why Go?\n\nDescribe a hard bug."}, "language": {"en"}}

			// "Add competency" shows the form again with one more, unsaved.
			form := clone(base)
			form.Set("rubric", "add")
			res := c.post("/app/positions/new", form)
			doc := parseHTML(t, res)
			if res.StatusCode != 200 || doc.Find(testID("competency")).Length() != 1 {
				t.Fatalf("add competency: %d, %d competencies", res.StatusCode, doc.Find(testID("competency")).Length())
			}
			if n := c.page("/app/positions", 200).Find(testID("position-row")).Length(); n != 0 {
				t.Fatalf("add competency saved a position (%d)", n)
			}

			form = clone(base)
			form.Set("competencies", "2")
			form.Set("c.0.name", "Go knowledge")
			form.Set("c.0.weight", "3")
			form.Set("c.0.anchor5", "Knows the runtime")
			form.Set("c.1.name", "Debugging")
			form["q.0.links"] = []string{"0"}
			form["q.1.links"] = []string{"0", "1"}
			id := idFromLocation(t, c.postRedirect("/app/positions/new", form), "positions")
			doc = c.page("/app/positions/"+id, 200)
			if got := texts(doc, testID("rubric-competency")+" th"); len(got) != 2 || !strings.HasPrefix(got[0], "Go knowledge") {
				t.Fatalf("rubric %q", got)
			}
			if got := doc.Find(testID("rubric-competency")).Last().Find("td").Last().Text(); got != "2" {
				t.Errorf("Debugging is linked to questions %q, want 2", got)
			}
			if !strings.HasPrefix(doc.Find(testID("rubric-version")).Text(), "Version 1.") {
				t.Errorf("version note %q", doc.Find(testID("rubric-version")).Text())
			}

			// Remove the first competency: the links follow the renumbering.
			form = editorValues(doc)
			form.Set("rubric", "remove.0")
			res = c.post("/app/positions/"+id, form)
			doc = parseHTML(t, res)
			if n := doc.Find(testID("competency")).Length(); res.StatusCode != 200 || n != 1 {
				t.Fatalf("remove: %d, %d competencies", res.StatusCode, n)
			}
			if _, ok := doc.Find(testID("link-1-0")).Attr("checked"); !ok {
				t.Error("question 2's link to Debugging was lost when Competency 1 was removed")
			}
			form = editorValues(doc)
			c.postRedirect("/app/positions/"+id, form)
			doc = c.page("/app/positions/"+id, 200)
			if got := texts(doc, testID("rubric-competency")+" th"); len(got) != 1 || !strings.HasPrefix(got[0], "Debugging") {
				t.Errorf("after removing: %q", got)
			}
			if !strings.HasPrefix(doc.Find(testID("rubric-version")).Text(), "Version 2.") {
				t.Errorf("version note %q", doc.Find(testID("rubric-version")).Text())
			}

			form = editorValues(doc)
			form.Set("c.0.weight", "heavy")
			res = c.post("/app/positions/"+id, form)
			doc = parseHTML(t, res)
			if res.StatusCode != http.StatusBadRequest || doc.Find(`[name="c.0.weight"][aria-invalid="true"]`).Length() != 1 {
				t.Errorf("bad weight: %d, field not marked", res.StatusCode)
			}

			// A position saved with no rubric gets the default one.
			plain := newPositionVia(c, "Analyst", "What is a join?")
			doc = c.page("/app/positions/"+plain, 200)
			if got := texts(doc, testID("rubric-competency")+" th"); len(got) != 2 || !strings.Contains(doc.Find(testID("rubric-version")).Text(), "derived") {
				t.Errorf("default rubric %q (%q)", got, doc.Find(testID("rubric-version")).Text())
			}
		})
	}
}

// editorValues are the position form's values as the page holds them:
// what a browser would post.
func editorValues(doc *goquery.Document) url.Values {
	form := url.Values{}
	doc.Find(testID("position-form") + " input, " + testID("position-form") + " textarea, " + testID("position-form") + " select").Each(func(_ int, s *goquery.Selection) {
		name, ok := s.Attr("name")
		typ := s.AttrOr("type", "")
		switch {
		case !ok || name == "csrf_token" || typ == "submit":
		case typ == "checkbox" || typ == "radio":
			if _, on := s.Attr("checked"); on {
				form.Add(name, s.AttrOr("value", "on"))
			}
		case goquery.NodeName(s) == "textarea":
			form.Add(name, s.Text())
		case goquery.NodeName(s) == "select":
			form.Add(name, s.Find("option[selected]").AttrOr("value", ""))
		default:
			form.Add(name, s.AttrOr("value", ""))
		}
	})
	return form
}

func clone(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}
