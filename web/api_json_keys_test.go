package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/interviewd/interviewd/internal/interview"
)

// TestAPIJSONKeysCaseSensitive: a key that matches a field only when case
// is ignored is an unknown field, at the top level and nested, and
// changes nothing; the exact key works.
func TestAPIJSONKeysCaseSensitive(t *testing.T) {
	forEachStore(t, func(t *testing.T, app *testApp) {
		c := newAPITenant(t, app, "Acme")
		positionID := c.createPosition("Open role")
		tests := []struct{ name, path, body, field string }{
			{"title", "/api/v1/positions", `{"Title":"Engineer"}`, "Title"},
			{"all capitals", "/api/v1/positions", `{"title":"Engineer","MAXMINUTES":5}`, "MAXMINUTES"},
			{"nested", "/api/v1/interviews", `{"positionId":"` + positionID + `","candidate":{"Name":"A","email":"a@example.com"}}`, "Name"},
			{"webhook", "/api/v1/webhooks", `{"URL":"https://example.com/hook","events":["interview.completed"]}`, "URL"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				res := c.call("POST", tt.path, tt.body)
				res.wantError(t, http.StatusBadRequest, interview.CodeInvalid, `unknown field "`+tt.field+`"`)
				if p, n := c.counts(); p != 1 || n != 0 {
					t.Errorf("now %d positions and %d interviews, want 1 and 0", p, n)
				}
			})
		}
		m := c.call("POST", "/api/v1/positions", `{"title":"Engineer"}`).want(t, http.StatusCreated)
		if m["title"] != "Engineer" {
			t.Errorf("created %v, want title Engineer", m)
		}
	})
}

// TestAPIPositionLanguage stores a valid BCP 47 tag in canonical form and
// refuses anything else, naming the field.
func TestAPIPositionLanguage(t *testing.T) {
	forEachStore(t, func(t *testing.T, app *testApp) {
		c := newAPITenant(t, app, "Acme")
		m := c.call("POST", "/api/v1/positions", `{"title":"E","language":"EN_gb"}`).want(t, http.StatusCreated)
		if m["language"] != "en-GB" {
			t.Errorf("language %v, want en-GB", m["language"])
		}
		for _, bad := range []string{"english", "en-", "und", "123"} {
			res := c.call("POST", "/api/v1/positions", `{"title":"E","language":"`+bad+`"}`)
			res.wantError(t, http.StatusBadRequest, interview.CodeInvalid, "language")
		}
		if p, _ := c.counts(); p != 1 {
			t.Errorf("%d positions, want 1", p)
		}
	})
}

// TestPositionFormLanguage: the editor stores the canonical tag and marks
// the language input when the tag is not BCP 47.
func TestPositionFormLanguage(t *testing.T) {
	app := newTestApp(t, openStore(t))
	c := app.client()
	tenant := c.signUp("Acme", "owner@acme.test")
	res := c.post("/app/positions/new", url.Values{"title": {"E"}, "language": {"english"}})
	doc := parseHTML(t, res)
	if res.StatusCode != http.StatusBadRequest || doc.Find("#language").AttrOr("aria-invalid", "") != "true" {
		t.Errorf("language english: status %d, form error %q", res.StatusCode, doc.Find(testID("form-error")).Text())
	}
	loc := c.postRedirect("/app/positions/new", url.Values{"title": {"E"}, "language": {"pt_br"}})
	id := idFromLocation(t, loc, "positions")
	list, err := app.Store.ListPositions(t.Context(), tenant, interview.PositionFilter{})
	if err != nil || len(list) != 1 || list[0].ID != id || list[0].Language != "pt-BR" {
		t.Errorf("stored %+v, %v; want one position in pt-BR", list, err)
	}
}

// TestDecodeJSONKeys checks keys against JSON names exactly, in nested
// objects and arrays too.
func TestDecodeJSONKeys(t *testing.T) {
	type inner struct {
		Name string `json:"name"`
	}
	type outer struct {
		Items  []inner          `json:"items"`
		ByKey  map[string]inner `json:"byKey"`
		Plain  string
		Hidden string `json:"-"`
	}
	for body, bad := range map[string]string{
		`{"items":[{"name":"a"}],"byKey":{"K":{"name":"b"}},"Plain":"p"}`: "",
		`{"items":null,"byKey":null}`:                                     "",
		`{"items":[{"name":"a"},{"NAME":"b"}]}`:                           "NAME",
		`{"byKey":{"k":{"nAme":"b"}}}`:                                    "nAme",
		`{"plain":"p"}`:                                                   "plain",
		`{"Items":[]}`:                                                    "Items",
	} {
		err := decodeJSONBody(strings.NewReader(body), &outer{})
		if bad == "" && err != nil {
			t.Errorf("%s: %v", body, err)
		}
		if bad != "" && interview.ErrorMessage(err) != `unknown field "`+bad+`"` {
			t.Errorf("%s: error %v, want unknown field %q", body, err, bad)
		}
	}
}
