package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/interviewd/interviewd/internal/interview"
)

// idFromLocation returns the ID in a redirect to /app/{kind}/{id}?….
func idFromLocation(t *testing.T, loc, kind string) string {
	t.Helper()
	rest, ok := strings.CutPrefix(loc, "/app/"+kind+"/")
	if !ok {
		t.Fatalf("redirect to %q, want /app/%s/{id}", loc, kind)
	}
	id, _, _ := strings.Cut(rest, "?")
	return id
}

// newPositionVia creates a position through the form and returns its ID.
func newPositionVia(c *testClient, title string, questions ...string) string {
	c.t.Helper()
	loc := c.postRedirect("/app/positions/new", url.Values{
		"title": {title}, "description": {"About " + title}, "instructions": {"Be kind."},
		"questions": {strings.Join(questions, "\n")}, "max_minutes": {"25"}, "language": {"en-GB"}, "voice": {"marin"},
	})
	return idFromLocation(c.t, loc, "positions")
}

// texts returns the text of each element sel matches.
func texts(doc *goquery.Document, sel string) []string {
	var out []string
	doc.Find(sel).Each(func(_ int, s *goquery.Selection) { out = append(out, strings.TrimSpace(s.Text())) })
	return out
}

// testID is the selector of a data-testid.
func testID(id string) string { return `[data-testid="` + id + `"]` }

func TestPositionLifecycle(t *testing.T) {
	for _, o := range bothStores() {
		t.Run(o.name, func(t *testing.T) {
			app := newTestApp(t, o.open(t))
			c := app.client()
			res := c.post("/signup", url.Values{"organisation": {"Acme"}, "email": {"owner@acme.test"}, "password": {testPassword}})
			readBody(t, res)
			if loc := res.Header.Get("Location"); loc != "/app/positions/new?welcome=1" {
				t.Fatalf("after sign-up: %d to %q", res.StatusCode, loc)
			}
			if doc := c.page("/app/positions/new?welcome=1", 200); doc.Find(testID("welcome")).Length() != 1 {
				t.Error("no welcome note after sign-up")
			}
			doc := c.page("/app/positions", 200)
			if a := doc.Find(testID("positions-empty") + " a.button"); a.Text() != "Create your first position" || a.AttrOr("href", "") != "/app/positions/new" {
				t.Errorf("empty state button %q → %q", a.Text(), a.AttrOr("href", ""))
			}

			loc := c.postRedirect("/app/positions/new", url.Values{
				"title": {"  Backend engineer "}, "description": {"Go and SQL."}, "instructions": {"Probe depth."},
				"questions": {"First?\r\n\r\n  Second?  \nThird?\n"}, "max_minutes": {"20"}, "language": {"de"}, "voice": {"cedar"},
				"next_steps": {" We reply within a week. "},
			})
			id := idFromLocation(t, loc, "positions")
			doc = c.page(loc, 200)
			if got := strings.TrimSpace(doc.Find(testID("position-next-steps")).Text()); got != "We reply within a week." {
				t.Errorf("what happens next %q", got)
			}
			if got := doc.Find(testID("next-steps")).Text(); got != "We reply within a week." {
				t.Errorf("the editor's what happens next %q", got)
			}
			if got := texts(doc, testID("position-question")); strings.Join(got, "|") != "First?|Second?|Third?" {
				t.Errorf("questions %q", got)
			}
			if doc.Find(testID("flash")).Text() != "Position created." || doc.Find(testID("position-title")).Text() != "Backend engineer" {
				t.Errorf("flash %q, title %q", doc.Find(testID("flash")).Text(), doc.Find(testID("position-title")).Text())
			}
			if got := doc.Find(testID("questions")).Text(); got != "First?\nSecond?\nThird?" {
				t.Errorf("editor questions %q", got)
			}
			if !strings.Contains(doc.Find(testID("position-minutes")).Text(), "20") || doc.Find(testID("position-voice")).Text() != "cedar" {
				t.Errorf("facts %q", doc.Find(testID("position-facts")).Text())
			}

			c.postRedirect("/app/positions/"+id, url.Values{
				"title": {"Senior backend engineer"}, "questions": {"Third?\nFirst?"}, "max_minutes": {""}, "language": {"en"},
			})
			doc = c.page("/app/positions/"+id, 200)
			if got := texts(doc, testID("position-question")); strings.Join(got, "|") != "Third?|First?" {
				t.Errorf("edited questions %q", got)
			}
			if doc.Find(testID("position-title")).Text() != "Senior backend engineer" || !strings.Contains(doc.Find(testID("position-minutes")).Text(), "30") {
				t.Errorf("edited: %q, %q", doc.Find(testID("position-title")).Text(), doc.Find(testID("position-minutes")).Text())
			}
			// Cleared, the candidate reads the default text.
			if got := doc.Find(testID("position-next-steps")).Text(); !strings.Contains(got, interview.DefaultNextSteps) {
				t.Errorf("what happens next after clearing it %q", got)
			}
			if got := texts(c.page("/app/positions", 200), testID("position-link")); len(got) != 1 || got[0] != "Senior backend engineer" {
				t.Errorf("list %q", got)
			}

			c.postRedirect("/app/positions/"+id+"/archive", nil)
			doc = c.page("/app/positions/"+id, 200)
			if doc.Find(testID("archived-note")).Length() != 1 || doc.Find(testID("position-form")).Length() != 0 {
				t.Error("archived position still editable or not marked")
			}
			if n := c.page("/app/positions", 200).Find(testID("position-row")).Length(); n != 0 {
				t.Errorf("archived position listed by default (%d rows)", n)
			}
			if n := c.page("/app/positions?archived=1", 200).Find(testID("position-row")).Length(); n != 1 {
				t.Errorf("?archived=1 lists %d rows", n)
			}
		})
	}
}

func TestPositionBadInput(t *testing.T) {
	for _, o := range bothStores() {
		t.Run(o.name, func(t *testing.T) {
			app := newTestApp(t, o.open(t))
			c := app.client()
			tenant := c.signUp("Acme", "owner@acme.test")
			good := url.Values{"title": {"Engineer"}, "questions": {"Why?"}}
			cases := []struct {
				name   string
				form   url.Values
				status int
				field  string
			}{
				{"empty title", url.Values{"title": {"   "}, "questions": {"Why?"}}, 400, "title"},
				{"minutes not a number", url.Values{"title": {"E"}, "max_minutes": {"ten"}}, 400, "max_minutes"},
				{"too many minutes", url.Values{"title": {"E"}, "max_minutes": {"61"}}, 400, "max_minutes"},
				{"question too long", url.Values{"title": {"E"}, "questions": {strings.Repeat("x", 2001)}}, 400, "questions"},
				{"no CSRF token", url.Values{"title": {"E"}, "csrf_token": {"forged"}}, 403, ""},
			}
			for _, tc := range cases {
				res := c.post("/app/positions/new", tc.form)
				if res.StatusCode != tc.status {
					t.Errorf("%s: status %d, want %d", tc.name, res.StatusCode, tc.status)
				}
				doc := parseHTML(t, res)
				if tc.field != "" && doc.Find("#"+tc.field).AttrOr("aria-invalid", "") != "true" {
					t.Errorf("%s: #%s not marked invalid; error %q", tc.name, tc.field, doc.Find(testID("form-error")).Text())
				}
			}
			// A body over the form limit is refused before any handler runs.
			big := url.Values{"title": {"Big"}, "description": {strings.Repeat("x", maxFormBytes)}, "csrf_token": {c.csrf()}}
			if res := c.postRaw("/app/positions/new", big.Encode()); res.StatusCode != http.StatusRequestEntityTooLarge {
				t.Errorf("oversized form: status %d", res.StatusCode)
			}
			// Without the token the request changes nothing either.
			res := c.postRaw("/app/positions/new", good.Encode())
			if res.StatusCode != http.StatusForbidden {
				t.Errorf("missing CSRF token: status %d, want 403", res.StatusCode)
			}
			if list, _ := app.Store.ListPositions(t.Context(), tenant, interview.PositionFilter{IncludeArchived: true}); len(list) != 0 {
				t.Errorf("bad input created %d positions", len(list))
			}
			id := newPositionVia(c, "Engineer", "Why?")
			res = c.post("/app/positions/"+id, url.Values{"title": {""}})
			if doc := parseHTML(t, res); res.StatusCode != 400 || doc.Find(testID("position-title")).Text() != "Engineer" {
				t.Errorf("bad edit: status %d, title %q", res.StatusCode, doc.Find(testID("position-title")).Text())
			}
		})
	}
}

func TestPositionViewerIsReadOnly(t *testing.T) {
	for _, o := range bothStores() {
		t.Run(o.name, func(t *testing.T) {
			app := newTestApp(t, o.open(t))
			owner := app.client()
			tenant := owner.signUp("Acme", "owner@acme.test")
			id := newPositionVia(owner, "Engineer", "Why?")
			app.addMember(tenant, "viewer@acme.test", interview.RoleViewer)
			v := app.client()
			v.signIn("viewer@acme.test")

			doc := v.page("/app/positions", 200)
			if doc.Find(testID("new-position")).Length() != 0 || doc.Find(testID("position-row")).Length() != 1 {
				t.Error("viewer's list offers creation or misses the position")
			}
			doc = v.page("/app/positions/"+id, 200)
			if doc.Find("form[method=post]").Not(`[action="/signout"]`).Length() != 0 || doc.Find(testID("interview-for-position")).Length() != 0 {
				t.Error("viewer sees edit controls")
			}
			if len(texts(doc, testID("position-question"))) != 1 {
				t.Error("viewer does not see the questions")
			}
			readBody(t, v.get("/app/positions/new"))
			for path, form := range map[string]url.Values{
				"/app/positions/new":                {"title": {"Sneaky"}},
				"/app/positions/" + id:              {"title": {"Sneaky"}},
				"/app/positions/" + id + "/archive": nil,
			} {
				if res := v.post(path, form); res.StatusCode != http.StatusForbidden {
					t.Errorf("viewer POST %s: status %d, want 403", path, res.StatusCode)
				}
			}
			if res := v.get("/app/positions/new"); res.StatusCode != http.StatusForbidden {
				t.Errorf("viewer GET new: %d", res.StatusCode)
			}
			p, _ := app.Store.GetPosition(t.Context(), tenant, id)
			if p.Title != "Engineer" || p.Archived() {
				t.Errorf("viewer changed the position: %+v", p)
			}
		})
	}
}

func TestPositionOtherTenantIsNotFound(t *testing.T) {
	for _, o := range bothStores() {
		t.Run(o.name, func(t *testing.T) {
			app := newTestApp(t, o.open(t))
			a := app.client()
			tenant := a.signUp("Acme", "owner@acme.test")
			id := newPositionVia(a, "Engineer", "Why?")
			b := app.client()
			b.signUp("Globex", "owner@globex.test")
			for _, path := range []string{"/app/positions/" + id, "/app/positions/not-an-id", "/app/positions/" + strings.Repeat("0", 36)} {
				if res := b.get(path); res.StatusCode != http.StatusNotFound {
					t.Errorf("GET %s: %d, want 404", path, res.StatusCode)
				}
			}
			for _, path := range []string{"/app/positions/" + id, "/app/positions/" + id + "/archive"} {
				if res := b.post(path, url.Values{"title": {"Hijacked"}}); res.StatusCode != http.StatusNotFound {
					t.Errorf("POST %s: %d, want 404", path, res.StatusCode)
				}
			}
			if p, _ := app.Store.GetPosition(t.Context(), tenant, id); p.Title != "Engineer" || p.Archived() {
				t.Errorf("other tenant changed the position: %+v", p)
			}
		})
	}
}
