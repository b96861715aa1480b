package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/interviewd/interviewd/internal/interview"
)

// badTexts are the values finding 6 of the audit sent: each gave a 500 on
// PostgreSQL and was logged at error level.
var badTexts = map[string]string{"NUL": "a\x00b", "invalid UTF-8": "a\xffb", "SOH": "a\x01b"}

// jsonString writes s as a JSON string literal, invalid UTF-8 kept raw
// (json.Marshal would replace it).
func jsonString(s string) string {
	if strings.ContainsRune(s, 0) || strings.ContainsRune(s, 1) {
		b, _ := json.Marshal(s)
		return string(b)
	}
	return `"` + s + `"`
}

// wantField fails unless res is a 400 whose JSON error names field.
func wantField(t *testing.T, res apiResponse, field string) {
	t.Helper()
	m := res.want(t, http.StatusBadRequest)
	e, _ := m["error"].(map[string]any)
	if e["code"] != string(interview.CodeInvalid) || e["field"] != field {
		t.Fatalf("error %v, want code %s naming field %q", m, interview.CodeInvalid, field)
	}
}

// wantNoErrorLogs fails if anything was logged at warn level or above, or
// if the log holds the attacker's value.
func wantNoErrorLogs(t *testing.T, app *testApp, value string) {
	t.Helper()
	for _, l := range app.Logs.lines(t) {
		if l["level"] == "ERROR" || l["level"] == "WARN" {
			t.Errorf("logged at %s: %v", l["level"], l)
		}
	}
	if strings.Contains(app.Logs.String(), value) {
		t.Errorf("the log holds the submitted value %q", value)
	}
}

// TestTextAtTheEdgeAPI attacks the API's JSON fields, query parameters and
// path IDs with each bad text: a 400 naming the field, nothing stored,
// nothing logged at error level.
func TestTextAtTheEdgeAPI(t *testing.T) {
	forEachStore(t, func(t *testing.T, app *testApp) {
		c := newAPITenant(t, app, "Acme")
		for name, bad := range badTexts {
			t.Run(name, func(t *testing.T) {
				wantField(t, c.call("POST", "/api/v1/positions", `{"title":`+jsonString("Eng"+bad)+`,"questions":["Why?"]}`), "title")
				wantField(t, c.call("POST", "/api/v1/positions", `{"title":"Eng","questions":["Why?",`+jsonString(bad)+`]}`), "questions[1]")
				wantField(t, c.call("POST", "/api/v1/interviews", `{"positionId":"x","candidate":{"name":`+jsonString(bad)+`,"email":"a@b.c"}}`), "candidate.name")
				wantField(t, c.call("GET", "/api/v1/interviews?q="+url.QueryEscape(bad), ""), "q")
				wantField(t, c.call("GET", "/api/v1/positions/"+url.PathEscape(bad), ""), "id")
				wantField(t, c.call("GET", "/api/v1/interviews/"+url.PathEscape(bad)+"/transcript", ""), "id")
				if p, s := c.counts(); p != 0 || s != 0 {
					t.Errorf("stored %d positions and %d interviews", p, s)
				}
				wantNoErrorLogs(t, app, bad)
			})
		}
	})
}

// TestTextAtTheEdgeForms attacks the unauthenticated forms, /signin and
// /signup, and a signed-in one: a 400 naming the field, nothing stored.
func TestTextAtTheEdgeForms(t *testing.T) {
	forEachStore(t, func(t *testing.T, app *testApp) {
		for name, bad := range badTexts {
			t.Run(name, func(t *testing.T) {
				c := app.client()
				res := c.post("/signin", url.Values{"email": {"ann" + bad + "@example.com"}, "password": {testPassword}})
				wantPageField(t, res, "email")
				res = c.post("/signup", url.Values{
					"organisation": {"Acme"}, "name": {"Ann" + bad}, "email": {"ann@example.com"}, "password": {testPassword},
				})
				wantPageField(t, res, "name")
				if _, err := app.Store.GetUserByEmail(context.Background(), "ann@example.com"); err == nil {
					t.Error("the refused sign-up stored a user")
				}
				wantNoErrorLogs(t, app, bad)
			})
		}
	})
}

// wantPageField fails unless res is a 400 page whose message names field.
func wantPageField(t *testing.T, res *http.Response, field string) {
	t.Helper()
	body := readBody(t, res)
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "&#34;"+field+"&#34;") {
		t.Fatalf("status %d, want 400 naming %q:\n%s", res.StatusCode, field, body)
	}
}

// TestTextLineBreaks: a line break is text in a multi-line field and a
// forged line in a single-line one.
func TestTextLineBreaks(t *testing.T) {
	forEachStore(t, func(t *testing.T, app *testApp) {
		c := newAPITenant(t, app, "Acme")
		c.call("POST", "/api/v1/positions", `{"title":"Eng","description":"line one\r\nline two\n\tend","questions":["Why?"]}`).
			want(t, http.StatusCreated)
		wantField(t, c.call("POST", "/api/v1/positions", `{"title":"Eng\nStatus: hired","questions":["Why?"]}`), "title")
		wantField(t, c.call("POST", "/api/v1/positions", `{"title":"Eng","questions":["Why?\nAnd?"]}`), "questions[0]")
		if p, _ := c.counts(); p != 1 {
			t.Errorf("%d positions stored, want the one with a multi-line description", p)
		}
		owner := app.client()
		app.addMember(c.tenantID, "owner@example.com", interview.RoleOwner)
		owner.signIn("owner@example.com")
		wantPageField(t, owner.post("/app/api-keys", url.Values{"name": {"key\none"}}), "name")
		wantNoErrorLogs(t, app, "Status: hired")
	})
}
