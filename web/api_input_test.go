package web

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
)

// TestAPIBadInput gives every kind of bad request its clear error, and
// checks that none of them changed anything.
func TestAPIBadInput(t *testing.T) {
	forEachStore(t, func(t *testing.T, app *testApp) {
		c := newAPITenant(t, app, "Acme")
		positionID := c.createPosition("Open role")
		archivedID := c.createPosition("Old role")
		if err := app.Store.ArchivePosition(context.Background(), c.tenantID, archivedID, time.Now()); err != nil {
			t.Fatal(err)
		}
		interviewBody := func(positionID, name, email string) string {
			return `{"positionId":"` + positionID + `","candidate":{"name":"` + name + `","email":"` + email + `"}}`
		}
		tests := []struct {
			name, method, path, body string
			header                   []string
			status                   int
			msg                      string
		}{
			{"oversized body", "POST", "/api/v1/positions", `{"title":"` + strings.Repeat("x", maxAPIBody) + `"}`, nil, 413, "request body too large"},
			{"oversized trailing data", "POST", "/api/v1/positions", `{"title":"x"}` + strings.Repeat(" ", maxAPIBody), nil, 413, "request body too large"},
			{"malformed JSON", "POST", "/api/v1/positions", `{"title":`, nil, 400, "malformed JSON"},
			{"syntax error", "POST", "/api/v1/positions", `{"title" "x"}`, nil, 400, "malformed JSON at byte"},
			{"empty body", "POST", "/api/v1/positions", ``, []string{"Content-Type", "application/json"}, 400, "empty"},
			{"trailing data", "POST", "/api/v1/positions", `{"title":"x"} {"title":"y"}`, nil, 400, "nothing after it"},
			{"not an object", "POST", "/api/v1/positions", `["x"]`, nil, 400, "must be a JSON object"},
			{"unknown field", "POST", "/api/v1/positions", `{"title":"x","salary":1}`, nil, 400, `unknown field "salary"`},
			{"snake_case field", "POST", "/api/v1/positions", `{"title":"x","max_minutes":5}`, nil, 400, `unknown field "max_minutes"`},
			{"wrong type", "POST", "/api/v1/positions", `{"title":"x","maxMinutes":"ten"}`, nil, 400, `field "maxMinutes" must be a whole number`},
			{"fraction", "POST", "/api/v1/positions", `{"title":"x","maxMinutes":1.5}`, nil, 400, `"maxMinutes"`},
			{"question not a string", "POST", "/api/v1/positions", `{"title":"x","questions":[1]}`, nil, 400, `"questions`},
			{"nested wrong type", "POST", "/api/v1/interviews", `{"positionId":"p","candidate":{"name":7}}`, nil, 400, `field "candidate.name" must be a string`},
			{"nested unknown field", "POST", "/api/v1/interviews", `{"positionId":"p","candidate":{"name":"A","phone":"1"}}`, nil, 400, `unknown field "phone"`},
			{"missing title", "POST", "/api/v1/positions", `{"description":"no title"}`, nil, 400, "title"},
			{"too many minutes", "POST", "/api/v1/positions", `{"title":"x","maxMinutes":61}`, nil, 400, "minutes"},
			{"text content type", "POST", "/api/v1/positions", `{"title":"x"}`, []string{"Content-Type", "text/plain"}, 415, "application/json"},
			{"form content type", "POST", "/api/v1/positions", `title=x`, []string{"Content-Type", "application/x-www-form-urlencoded"}, 415, "application/json"},
			{"latin-1 JSON", "POST", "/api/v1/positions", `{"title":"x"}`, []string{"Content-Type", "application/json; charset=latin1"}, 415, "application/json"},
			{"missing positionId", "POST", "/api/v1/interviews", `{"candidate":{"name":"A","email":"a@example.com"}}`, nil, 400, "positionId is required"},
			{"missing candidate", "POST", "/api/v1/interviews", `{"positionId":"` + positionID + `"}`, nil, 400, "candidate name"},
			{"missing email", "POST", "/api/v1/interviews", `{"positionId":"` + positionID + `","candidate":{"name":"A"}}`, nil, 400, "email"},
			{"bad email", "POST", "/api/v1/interviews", interviewBody(positionID, "A", "not-an-email"), nil, 400, "email"},
			{"archived position", "POST", "/api/v1/interviews", interviewBody(archivedID, "A", "a@example.com"), nil, 400, "archived"},
			{"unknown positionId", "POST", "/api/v1/interviews", interviewBody("0b0e0000-0000-4000-8000-000000000000", "A", "a@example.com"), nil, 400, "no such position"},
			{"malformed positionId", "POST", "/api/v1/interviews", interviewBody("not-a-uuid", "A", "a@example.com"), nil, 400, "no such position"},
			{"bad status filter", "GET", "/api/v1/interviews?status=done", "", nil, 400, "status must be one of pending, ready"},
			{"zero limit", "GET", "/api/v1/interviews?limit=0", "", nil, 400, "limit must be a whole number from 1 to 500"},
			{"limit over 500", "GET", "/api/v1/interviews?limit=501", "", nil, 400, "limit"},
			{"limit not a number", "GET", "/api/v1/interviews?limit=ten", "", nil, 400, "limit"},
			{"negative offset", "GET", "/api/v1/interviews?offset=-1", "", nil, 400, "offset"},
			{"long search", "GET", "/api/v1/interviews?q=" + strings.Repeat("a", 201), "", nil, 400, "q must have"},
			{"bad includeArchived", "GET", "/api/v1/positions?includeArchived=maybe", "", nil, 400, "includeArchived"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				res := c.call(tt.method, tt.path, tt.body, tt.header...)
				res.wantError(t, tt.status, interview.CodeInvalid, tt.msg)
				if p, n := c.counts(); p != 2 || n != 0 {
					t.Errorf("now %d positions and %d interviews, want 2 and 0", p, n)
				}
			})
		}
	})
}

// TestAPIListFilterUnknownPosition filters by a position ID that is not a
// UUID the same way on both stores: an empty list, not an error.
func TestAPIListFilterUnknownPosition(t *testing.T) {
	forEachStore(t, func(t *testing.T, app *testApp) {
		c := newAPITenant(t, app, "Acme")
		c.createInterview(c.createPosition("Role"), "Ada", "ada@example.com")
		for _, id := range []string{"not-a-uuid", "0b0e0000-0000-4000-8000-000000000000"} {
			got := c.call("GET", "/api/v1/interviews?positionId="+id, "").want(t, http.StatusOK)
			if list := got["interviews"].([]any); len(list) != 0 {
				t.Errorf("positionId=%s lists %v", id, list)
			}
		}
	})
}
