package web

import (
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/interviewd/interviewd/internal/assess"
	"github.com/interviewd/interviewd/internal/assess/assesstest"
	"github.com/interviewd/interviewd/internal/auth"
	"github.com/interviewd/interviewd/internal/hiring"
)

// TestSuggestQuestionsFillsTheForm: with a model, "Suggest questions" on
// the position form asks it (the fake OpenAI-compatible server, through
// the real client) and shows its questions and rubric in the form, saving
// nothing; a failing model leaves the form as typed with a reason; with no
// model the button is not offered.
func TestSuggestQuestionsFillsTheForm(t *testing.T) {
	fake := assesstest.New(t)
	app := newTestAppWith(t, openSQLiteStore(t), func(app *testApp, d *Deps) {
		links, err := auth.NewJoinLinks(testSecret)
		if err != nil {
			t.Fatal(err)
		}
		app.Hiring = hiring.New(hiring.Config{Store: app.Store, Links: links, PublicURL: app.URL,
			Assessment: hiring.AssessmentConfig{Enabled: true, Model: "gpt-test"},
			Suggester:  assess.New(assess.Config{BaseURL: fake.URL, Model: "gpt-test"})})
		d.Hiring = app.Hiring
	})
	c := app.client()
	c.signUp("Acme", "owner@acme.test")
	if c.page("/app/positions/new", 200).Find(testID("suggest")).Length() != 1 {
		t.Fatal("no Suggest questions button with a model configured")
	}

	fake.Push(assesstest.JSON(map[string]any{
		"questions": []any{
			map[string]any{"text": "Walk me through a Go service you designed.", "competencies": []any{"System design"}},
			map[string]any{"text": "How do you find a goroutine leak?", "competencies": []any{"Debugging", "System design"}},
			map[string]any{"text": "Tell me about a failed deploy.", "competencies": []any{"Debugging"}},
			map[string]any{"text": "How would you shard a queue?", "competencies": []any{"System design"}},
			map[string]any{"text": "Which metrics do you alert on?", "competencies": []any{"Debugging"}},
			map[string]any{"text": "What would you change in Go?", "competencies": []any{}},
		},
		"competencies": []any{
			map[string]any{"name": "System design", "description": "Sound trade-offs", "weight": 3, "anchor_1": "Vague", "anchor_3": "Workable", "anchor_5": "Insightful"},
			map[string]any{"name": "Debugging", "description": "Finds causes", "weight": 2, "anchor_1": "", "anchor_3": "", "anchor_5": ""},
		},
	}))
	form := url.Values{"title": {"Backend engineer"}, "description": {"Go services at scale."}, "language": {"en"}, "suggest": {"1"}}
	res := c.post("/app/positions/new", form)
	doc := parseHTML(t, res)
	if res.StatusCode != 200 || doc.Find(testID("suggested")).Length() != 1 {
		t.Fatalf("suggest: status %d, notice %d", res.StatusCode, doc.Find(testID("suggested")).Length())
	}
	if got := doc.Find("textarea[name=questions]").Text(); !strings.Contains(got, "goroutine leak") || !strings.Contains(got, "Go service you designed") {
		t.Errorf("questions in the form: %q", got)
	}
	var names []string
	doc.Find(testID("competency-name")).Each(func(_ int, s *goquery.Selection) { names = append(names, s.AttrOr("value", "")) })
	if strings.Join(names, "|") != "System design|Debugging" {
		t.Errorf("competencies in the form: %q", names)
	}
	if n := c.page("/app/positions", 200).Find(testID("position-row")).Length(); n != 0 {
		t.Errorf("suggesting saved %d positions", n)
	}
	req := fake.Requests()
	if len(req) != 1 || !strings.Contains(req[0].Text, "Backend engineer") || !strings.Contains(req[0].Text, "Go services at scale.") {
		t.Fatalf("the model was asked %d times, or without the title and description", len(req))
	}

	fake.Push(assesstest.Status(500, ""))
	res = c.post("/app/positions/new", form)
	doc = parseHTML(t, res)
	if msg := doc.Find(testID("form-error")).Text(); res.StatusCode != 200 && res.StatusCode != 422 || !strings.Contains(msg+doc.Text(), "could not suggest questions") {
		t.Errorf("a failing model: status %d, page lacks the reason", res.StatusCode)
	}
	if got := doc.Find("input[name=title]").AttrOr("value", ""); got != "Backend engineer" {
		t.Errorf("the title typed was lost: %q", got)
	}

	plain := newTestApp(t, openSQLiteStore(t)).client()
	plain.signUp("Acme", "owner@acme.test")
	if plain.page("/app/positions/new", 200).Find(testID("suggest")).Length() != 0 {
		t.Error("Suggest questions offered with no model configured")
	}
}
