package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

// formCase is a form posted with several bad fields: each input (by id)
// must show its own error.
type formCase struct {
	name   string
	path   string
	form   url.Values
	status int
	inputs []string // the ids of the inputs that must be in error
}

// wantEveryError checks that the page shows every problem at once: the
// summary lists one item per input, linking to it; each input is
// aria-invalid and described by its own message, which sits beside it in
// its field.
func wantEveryError(t *testing.T, doc *goquery.Document, inputs []string) {
	t.Helper()
	items := doc.Find(testID("form-error-item"))
	if items.Length() != len(inputs) {
		t.Errorf("the summary lists %d problems, want %d: %q", items.Length(), len(inputs), items.Text())
	}
	var links []string
	items.Find("a").Each(func(_ int, a *goquery.Selection) { links = append(links, a.AttrOr("href", "")) })
	for _, id := range inputs {
		if !slices.Contains(links, "#"+id) {
			t.Errorf("the summary has no link to #%s (links %v)", id, links)
		}
		in := doc.Find("#" + id)
		msg := doc.Find("#" + id + "-error")
		switch {
		case in.Length() != 1:
			t.Errorf("no input #%s", id)
		case in.Is("fieldset"):
		case in.AttrOr("aria-invalid", "") != "true":
			t.Errorf("#%s is not aria-invalid", id)
		}
		if !slices.Contains(strings.Fields(in.AttrOr("aria-describedby", "")), id+"-error") {
			t.Errorf("#%s is not described by its error (aria-describedby %q)", id, in.AttrOr("aria-describedby", ""))
		}
		if strings.TrimSpace(msg.Text()) == "" || msg.Closest(".field").Get(0) != in.Closest(".field").Get(0) {
			t.Errorf("#%s has no message of its own beside it (%q)", id, msg.Text())
		}
	}
	if n := doc.Find(`[aria-invalid="true"]`).Length(); n < len(inputs) {
		t.Errorf("%d inputs aria-invalid, want at least %d", n, len(inputs))
	}
}

// Each form shows all its errors at once, each beside its input, on both
// stores: sign-up, a position, an interview, a webhook and a team
// invitation.
func TestFormsShowEveryError(t *testing.T) {
	for _, so := range bothStores() {
		t.Run(so.name, func(t *testing.T) { testFormsShowEveryError(t, so.open(t)) })
	}
}

func testFormsShowEveryError(t *testing.T, st store.Store) {
	app := newTestApp(t, st)
	owner := app.client()
	tenantID := owner.signUp("Forms Org", "owner@forms-errors.example.com")
	pos := interview.Position{TenantID: tenantID, Title: "Engineer", Questions: []string{"Why?"}}
	if err := st.CreatePosition(t.Context(), &pos); err != nil {
		t.Fatal(err)
	}
	cases := []formCase{
		{"sign-up with empty fields", "/signup", url.Values{"organisation": {""}, "name": {""}, "email": {""}, "password": {""}},
			http.StatusBadRequest, []string{"organisation", "email", "password"}},
		{"position", "/app/positions/new", url.Values{"title": {" "}, "max_minutes": {"99"}, "language": {"!!"},
			"questions": {"Why?\n" + strings.Repeat("q", 2001)}}, http.StatusBadRequest,
			[]string{"title", "questions", "max_minutes", "language"}},
		{"interview", "/app/interviews/new", url.Values{"position": {pos.ID}, "name": {""}, "email": {"nope"}},
			http.StatusBadRequest, []string{"name", "email"}},
		{"webhook", "/app/webhooks", url.Values{"url": {"ftp://x"}, "description": {strings.Repeat("d", 201)}, "events": {"bogus"}},
			http.StatusBadRequest, []string{"webhook-url", "webhook-description", "webhook-events"}},
		{"team invitation", "/app/team/invitations", url.Values{"email": {"nope"}, "role": {"king"}},
			http.StatusBadRequest, []string{"invite-email", "invite-role"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := owner
			if tc.path == "/signup" {
				c = app.client()
			}
			res := c.post(tc.path, tc.form)
			if res.StatusCode != tc.status {
				t.Fatalf("POST %s: %d, want %d", tc.path, res.StatusCode, tc.status)
			}
			wantEveryError(t, parseHTML(t, res), tc.inputs)
		})
	}
}

// The API reports every problem too, in "fields", under the request's
// JSON names; "field" and "message" keep their meaning.
func TestAPIFieldsEveryError(t *testing.T) {
	app := newTestApp(t, openSQLiteStore(t))
	api := newAPITenant(t, app, "API Fields Org")
	m := api.call("POST", "/api/v1/positions", `{"title":"","maxMinutes":99,"language":"!!"}`).want(t, http.StatusBadRequest)
	e, _ := m["error"].(map[string]any)
	fields, _ := e["fields"].([]any)
	var names []string
	for _, f := range fields {
		p, _ := f.(map[string]any)
		names = append(names, p["field"].(string))
		if msg, _ := p["message"].(string); msg == "" || !strings.Contains(e["message"].(string), msg) {
			t.Errorf("problem %v: its message is not in the error's %q", p, e["message"])
		}
	}
	if want := []string{"title", "language", "maxMinutes"}; !slices.Equal(names, want) || e["field"] != "title" {
		t.Errorf("fields %v and field %v, want %v and title", names, e["field"], want)
	}
	p := api.createPosition("Designer")
	m = api.call("POST", "/api/v1/interviews", `{"positionId":"`+p+`","candidate":{"name":"","email":"x"}}`).want(t, http.StatusBadRequest)
	e, _ = m["error"].(map[string]any)
	if fields, _ := e["fields"].([]any); len(fields) != 2 || e["field"] != "candidate.name" {
		t.Errorf("interview errors %v, want candidate.name and candidate.email", e)
	}
}
