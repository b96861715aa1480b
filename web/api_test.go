package web

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
)

// TestAPI drives the whole integration API through the real router, on
// both stores, and checks each response against web/openapi.json.
func TestAPI(t *testing.T) {
	forEachStore(t, func(t *testing.T, app *testApp) {
		c := newAPITenant(t, app, "Acme")

		res := c.call("POST", "/api/v1/positions", `{"title":" Backend engineer ","description":"Go and SQL",
			"instructions":"Be kind.","questions":["Tell me about yourself."," ","Why Go?","Questions for us?"],
			"maxMinutes":20,"language":"en-GB","voice":"marin","nextSteps":"We reply within a week."}`)
		p := res.want(t, http.StatusCreated)
		checkSchema(t, "Position", res.body)
		if p["title"] != "Backend engineer" || p["maxMinutes"] != 20.0 || p["archived"] != false ||
			len(p["questions"].([]any)) != 3 || p["language"] != "en-GB" || p["voice"] != "marin" || p["nextSteps"] != "We reply within a week." {
			t.Errorf("created position = %v", p)
		}
		if cc := res.header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("Cache-Control = %q, want no-store", cc)
		}
		positionID := p["id"].(string)

		res = c.call("GET", "/api/v1/positions/"+positionID, "")
		if got := res.want(t, http.StatusOK); got["id"] != positionID || got["title"] != "Backend engineer" {
			t.Errorf("GET position = %v", got)
		}
		checkSchema(t, "Position", res.body)
		res = c.call("GET", "/api/v1/positions", "")
		if list := res.want(t, http.StatusOK)["positions"].([]any); len(list) != 1 {
			t.Errorf("positions = %v, want 1", list)
		}
		checkSchema(t, "PositionList", res.body)

		res = c.call("POST", "/api/v1/interviews",
			`{"positionId":"`+positionID+`","candidate":{"name":"Ada Lovelace","email":"Ada@Example.com"}}`)
		iv := res.want(t, http.StatusCreated)
		checkSchema(t, "Interview", res.body)
		cand := iv["candidate"].(map[string]any)
		if iv["status"] != "pending" || iv["positionId"] != positionID || cand["name"] != "Ada Lovelace" ||
			cand["email"] != "ada@example.com" || !strings.HasPrefix(iv["joinUrl"].(string), app.URL+"/join/") ||
			iv["startedAt"] != nil || iv["endedAt"] != nil || iv["expiresAt"] == "" {
			t.Errorf("created interview = %v", iv)
		}
		interviewID := iv["id"].(string)
		c.createInterview(positionID, "Grace Hopper", "grace@example.com")

		if iv["currentQuestion"] != 0.0 {
			t.Errorf("a new interview's currentQuestion %v", iv["currentQuestion"])
		}
		if err := app.Store.UpdateSessionProgress(t.Context(), c.tenantID, interviewID, 1, time.Now()); err != nil {
			t.Fatal(err)
		}
		res = c.call("GET", "/api/v1/interviews/"+interviewID, "")
		if got := res.want(t, http.StatusOK); got["id"] != interviewID || got["joinUrl"] != iv["joinUrl"] || got["currentQuestion"] != 1.0 {
			t.Errorf("GET interview = %v, want the created one at question 1", got)
		}
		checkSchema(t, "Interview", res.body)

		checkInterviewLists(t, c, positionID, interviewID)

		c.seedTranscript(interviewID)
		res = c.call("GET", "/api/v1/interviews/"+interviewID+"/transcript", "")
		tr := res.want(t, http.StatusOK)
		checkSchema(t, "Transcript", res.body)
		entries := tr["entries"].([]any)
		if len(entries) != 2 {
			t.Fatalf("entries = %v, want 2", entries)
		}
		second := entries[1].(map[string]any)
		if second["seq"] != 2.0 || second["speaker"] != "candidate" || second["text"] != "I build Go services." ||
			second["itemId"] != "item_2" || second["source"] != "server" || second["confidence"] != 0.93 ||
			second["timestamp"] != "2025-03-04T10:00:04Z" {
			t.Errorf("second entry = %v", second)
		}
	})
}

// checkInterviewLists checks the filters and pages of GET /interviews over
// two pending interviews of positionID, the older being interviewID (Ada).
func checkInterviewLists(t *testing.T, c *apiClient, positionID, interviewID string) {
	t.Helper()
	tests := []struct {
		query string
		want  int
		next  any
	}{
		{"", 2, nil},
		{"?status=pending", 2, nil},
		{"?status=completed", 0, nil},
		{"?positionId=" + positionID, 2, nil},
		{"?q=ADA", 1, nil},
		{"?q=nobody", 0, nil},
		{"?limit=1", 1, 1.0},
		{"?limit=1&offset=1", 1, 2.0},
		{"?limit=1&offset=2", 0, nil},
	}
	for _, tt := range tests {
		res := c.call("GET", "/api/v1/interviews"+tt.query, "")
		got := res.want(t, http.StatusOK)
		checkSchema(t, "InterviewList", res.body)
		if list := got["interviews"].([]any); len(list) != tt.want || got["nextOffset"] != tt.next {
			t.Errorf("GET /interviews%s: %d interviews, nextOffset %v; want %d, %v", tt.query, len(list), got["nextOffset"], tt.want, tt.next)
		}
	}
	// Newest first: the second page holds the first interview.
	got := c.call("GET", "/api/v1/interviews?limit=1&offset=1", "").want(t, http.StatusOK)
	if first := got["interviews"].([]any)[0].(map[string]any); first["id"] != interviewID {
		t.Errorf("second page holds %v, want the older interview %s", first["id"], interviewID)
	}
}

// TestAPIAuthentication refuses every request without a usable key with
// 401 and a Bearer challenge, and a revoked key changes nothing.
func TestAPIAuthentication(t *testing.T) {
	forEachStore(t, func(t *testing.T, app *testApp) {
		c := newAPITenant(t, app, "Acme")
		revoked := newAPITenant(t, app, "Revoked Inc")
		if err := app.Store.RevokeAPIKey(context.Background(), revoked.tenantID, revoked.keyID, time.Now()); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name   string
			header []string
		}{
			{"no header", nil},
			{"empty", []string{"Authorization", ""}},
			{"basic", []string{"Authorization", "Basic " + c.key}},
			{"scheme only", []string{"Authorization", "Bearer"}},
			{"two headers", []string{"Authorization", "Bearer " + c.key, "Authorization", "Bearer " + c.key}},
			{"malformed key", []string{"Authorization", "Bearer not-a-key"}},
			{"unknown key", []string{"Authorization", "Bearer " + c.key[:len(c.key)-4] + "AAAA"}},
			{"revoked key", []string{"Authorization", "Bearer " + revoked.key}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				for _, target := range []string{"GET /api/v1/positions", "POST /api/v1/positions"} {
					method, path, _ := strings.Cut(target, " ")
					res := rawCall(t, app, method, path, `{"title":"Sneaky"}`, tt.header...)
					res.wantError(t, http.StatusUnauthorized, interview.CodeUnauthorized, "")
					if h := res.header.Get("WWW-Authenticate"); !strings.HasPrefix(h, "Bearer") {
						t.Errorf("%s: WWW-Authenticate = %q, want a Bearer challenge", target, h)
					}
				}
			})
		}
		if p, _ := revoked.counts(); p != 0 {
			t.Errorf("the revoked key's tenant has %d positions, want 0", p)
		}
		if p, _ := c.counts(); p != 0 {
			t.Errorf("tenant has %d positions, want 0", p)
		}
		// The scheme is case-insensitive (RFC 9110).
		rawCall(t, app, "GET", "/api/v1/positions", "", "Authorization", "bearer "+c.key).want(t, http.StatusOK)
	})
}

// TestAPICrossTenant gives another organisation's key 404 for everything of
// the first, and nothing of it in lists.
func TestAPICrossTenant(t *testing.T) {
	forEachStore(t, func(t *testing.T, app *testApp) {
		a := newAPITenant(t, app, "Acme")
		b := newAPITenant(t, app, "Rival")
		positionID := a.createPosition("Secret role")
		interviewID := a.createInterview(positionID, "Ada", "ada@example.com")
		a.seedTranscript(interviewID)

		for _, path := range []string{
			"/api/v1/positions/" + positionID,
			"/api/v1/interviews/" + interviewID,
			"/api/v1/interviews/" + interviewID + "/transcript",
			"/api/v1/positions/no-such-id",
			"/api/v1/interviews/no-such-id/transcript",
		} {
			b.call("GET", path, "").wantError(t, http.StatusNotFound, interview.CodeNotFound, "")
			if !strings.Contains(path, "no-such") {
				a.call("GET", path, "").want(t, http.StatusOK)
			}
		}
		if list := b.call("GET", "/api/v1/positions?includeArchived=true", "").want(t, http.StatusOK)["positions"].([]any); len(list) != 0 {
			t.Errorf("other tenant lists positions %v", list)
		}
		if list := b.call("GET", "/api/v1/interviews", "").want(t, http.StatusOK)["interviews"].([]any); len(list) != 0 {
			t.Errorf("other tenant lists interviews %v", list)
		}
		if list := b.call("GET", "/api/v1/interviews?positionId="+positionID, "").want(t, http.StatusOK)["interviews"].([]any); len(list) != 0 {
			t.Errorf("other tenant lists interviews of the position: %v", list)
		}
		// Nor can it create an interview on the first one's position.
		b.call("POST", "/api/v1/interviews", `{"positionId":"`+positionID+`","candidate":{"name":"Eve","email":"eve@example.com"}}`).
			wantError(t, http.StatusBadRequest, interview.CodeInvalid, "no such position")
		if _, n := a.counts(); n != 1 {
			t.Errorf("first tenant has %d interviews, want 1", n)
		}
	})
}

// TestAPIMethodNotAllowed answers a wrong method with a JSON 405 and Allow.
func TestAPIMethodNotAllowed(t *testing.T) {
	app := newTestApp(t, openSQLiteStore(t))
	c := newAPITenant(t, app, "Acme")
	res := c.call("DELETE", "/api/v1/positions", "")
	res.wantError(t, http.StatusMethodNotAllowed, interview.CodeInvalid, "method not allowed")
	if allow := res.header.Get("Allow"); !strings.Contains(allow, "GET") || !strings.Contains(allow, "POST") {
		t.Errorf("Allow = %q", allow)
	}
	c.call("GET", "/api/v1/nothing", "").wantError(t, http.StatusNotFound, interview.CodeNotFound, "")
}
