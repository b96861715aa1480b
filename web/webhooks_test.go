package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
)

// TestWebhooksPage: an owner adds an endpoint and sees its secret once,
// its deliveries and can disable it; other roles and organisations cannot
// reach it, and forms need the CSRF token.
func TestWebhooksPage(t *testing.T) {
	for _, s := range bothStores() {
		t.Run(s.name, func(t *testing.T) {
			app := newTestApp(t, s.open(t))
			owner := app.client()
			tenant := owner.signUp("Acme", "owner@example.com")

			doc := owner.page("/app/webhooks", http.StatusOK)
			if doc.Find(`[data-testid="no-webhooks"]`).Length() != 1 || doc.Find(`[data-testid="nav-webhooks"]`).Length() != 1 {
				t.Fatal("no empty state or no nav link for the owner")
			}
			id, secret := createWebhookForm(t, owner, "https://ats.example.com/hooks", interview.EventInterviewCompleted)
			if !strings.HasPrefix(secret, "whsec_") {
				t.Fatalf("secret %q", secret)
			}
			doc = owner.page("/app/webhooks", http.StatusOK)
			if strings.Contains(doc.Text(), secret) || doc.Find(`[data-testid="webhook"]`).Length() != 1 ||
				!strings.Contains(doc.Find(`[data-testid="webhook"]`).Text(), "interview.completed") {
				t.Fatalf("list after create:\n%s", doc.Find("main").Text())
			}

			res := owner.post("/app/webhooks", url.Values{"url": {"ftp://ats.example.com"}})
			doc = parseHTML(t, res)
			if res.StatusCode != http.StatusBadRequest || doc.Find(`[data-testid="form-error"]`).Length() != 1 {
				t.Errorf("bad URL: %d", res.StatusCode)
			}
			if v, _ := doc.Find(`#webhook-url`).Attr("value"); v != "ftp://ats.example.com" {
				t.Errorf("the form lost what was typed: %q", v)
			}
			if v, _ := doc.Find(`#webhook-url`).Attr("aria-invalid"); v != "true" {
				t.Errorf("aria-invalid on the URL = %q", v)
			}
			res = owner.postRaw("/app/webhooks", url.Values{"url": {"https://evil.example"}}.Encode())
			if readBody(t, res); res.StatusCode != http.StatusForbidden {
				t.Errorf("post without CSRF token: %d", res.StatusCode)
			}

			completeInterview(t, app, tenant)
			doc = owner.page("/app/webhooks/"+id, http.StatusOK)
			if got := doc.Find(`[data-testid="delivery-event"]`).Text(); got != interview.EventInterviewCompleted {
				t.Errorf("deliveries show %q", got)
			}
			if href, _ := doc.Find(`[data-testid="delivery-interview"]`).Attr("href"); !strings.HasPrefix(href, "/app/interviews/") {
				t.Errorf("interview link %q", href)
			}
			if loc := owner.postRedirect("/app/webhooks/"+id+"/disable", nil); loc != "/app/webhooks/"+id {
				t.Errorf("disable redirects to %q", loc)
			}
			if doc := owner.page("/app/webhooks", http.StatusOK); doc.Find(`[data-testid="webhook-disabled"]`).Length() != 1 {
				t.Error("the endpoint is not shown disabled")
			}

			checkOthersRefused(t, app, tenant, id)
		})
	}
}

// checkOthersRefused: recruiters and viewers get 403 and no nav link;
// another organisation's owner gets 404.
func checkOthersRefused(t *testing.T, app *testApp, tenant, id string) {
	t.Helper()
	for _, role := range []interview.Role{interview.RoleViewer, interview.RoleRecruiter} {
		email := string(role) + "@example.com"
		app.addMember(tenant, email, role)
		c := app.client()
		c.signIn(email)
		if doc := c.page("/app/interviews", http.StatusOK); doc.Find(`[data-testid="nav-webhooks"]`).Length() != 0 {
			t.Errorf("%s sees the webhooks link", role)
		}
		for _, path := range []string{"/app/webhooks", "/app/webhooks/" + id} {
			c.page(path, http.StatusForbidden)
		}
		res := c.post("/app/webhooks", url.Values{"url": {"https://ats.example.com"}})
		if readBody(t, res); res.StatusCode != http.StatusForbidden {
			t.Errorf("%s creates an endpoint: %d", role, res.StatusCode)
		}
	}
	other := app.client()
	other.signUp("Other", "other@example.com")
	other.page("/app/webhooks/"+id, http.StatusNotFound)
	res := other.post("/app/webhooks/"+id+"/disable", nil)
	if readBody(t, res); res.StatusCode != http.StatusNotFound {
		t.Errorf("another organisation disables it: %d", res.StatusCode)
	}
}

// createWebhookForm adds an endpoint through the page and returns its ID
// and the secret the page showed.
func createWebhookForm(t *testing.T, c *testClient, u string, events ...string) (id, secret string) {
	t.Helper()
	res := c.post("/app/webhooks", url.Values{"url": {u}, "description": {"ATS"}, "events": events})
	doc := parseHTML(t, res)
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("create webhook: %d\n%s", res.StatusCode, doc.Find("main").Text())
	}
	secret, _ = doc.Find(`[data-testid="new-webhook-secret"]`).Attr("value")
	href, _ := doc.Find(`[data-testid="webhook-link"]`).First().Attr("href")
	return strings.TrimPrefix(href, "/app/webhooks/"), secret
}

// completeInterview makes an interview in tenant and takes it to
// completed through the store, which writes the deliveries.
func completeInterview(t *testing.T, app *testApp, tenant string) string {
	t.Helper()
	ctx := t.Context()
	p := interview.Position{TenantID: tenant, Title: "Backend engineer", Questions: []string{"Why?"}}
	c := interview.Candidate{TenantID: tenant, Name: "Ada Lovelace", Email: "ada@example.com"}
	if err := app.Store.CreatePosition(ctx, &p); err != nil {
		t.Fatal(err)
	}
	if err := app.Store.CreateCandidate(ctx, &c); err != nil {
		t.Fatal(err)
	}
	v := interview.Session{TenantID: tenant, PositionID: p.ID, CandidateID: c.ID,
		JoinTokenHash: "hash-" + c.ID, JoinExpiresAt: time.Now().Add(time.Hour)}
	if err := app.Store.CreateSession(ctx, &v); err != nil {
		t.Fatal(err)
	}
	for _, s := range []interview.Status{interview.StatusReady, interview.StatusInProgress, interview.StatusCompleted} {
		if _, err := app.Store.TransitionSession(ctx, tenant, v.ID, s, "test", time.Now()); err != nil {
			t.Fatalf("move to %s: %v", s, err)
		}
	}
	return v.ID
}

// TestWebhooksAPI: keys add, list and disable endpoints and read their
// deliveries; the secret is in the creation's answer only; another
// organisation's key gets 404.
func TestWebhooksAPI(t *testing.T) {
	forEachStore(t, func(t *testing.T, app *testApp) {
		acme, other := newAPITenant(t, app, "Acme"), newAPITenant(t, app, "Other")
		body := `{"url":"https://ats.example.com/hooks","description":"ATS","events":["interview.started","interview.completed"]}`
		res := acme.call("POST", "/api/v1/webhooks", body, "Idempotency-Key", "hook-1")
		created := res.want(t, http.StatusCreated)
		checkSchema(t, "WebhookCreated", res.body)
		id, secret := created["id"].(string), created["secret"].(string)
		if !strings.HasPrefix(secret, "whsec_") {
			t.Fatalf("secret %q", secret)
		}
		replay := acme.call("POST", "/api/v1/webhooks", body, "Idempotency-Key", "hook-1")
		if replay.want(t, http.StatusCreated)["id"] != id || replay.header.Get("Idempotent-Replayed") != "true" {
			t.Error("the retry did not replay the first answer")
		}

		res = acme.call("GET", "/api/v1/webhooks", "")
		list := res.want(t, http.StatusOK)["webhooks"].([]any)
		checkSchema(t, "WebhookList", res.body)
		if len(list) != 1 || strings.Contains(string(res.body), secret) {
			t.Fatalf("list %s", res.body)
		}
		if got := other.call("GET", "/api/v1/webhooks", "").want(t, http.StatusOK)["webhooks"].([]any); len(got) != 0 {
			t.Errorf("another organisation lists %v", got)
		}

		completeInterview(t, app, acme.tenantID)
		res = acme.call("GET", "/api/v1/webhooks/"+id+"/deliveries", "")
		deliveries := res.want(t, http.StatusOK)["deliveries"].([]any)
		checkSchema(t, "WebhookDeliveryList", res.body)
		if len(deliveries) != 2 || deliveries[0].(map[string]any)["event"] != interview.EventInterviewCompleted {
			t.Errorf("deliveries %s", res.body)
		}

		for _, call := range [][2]string{{"GET", "/deliveries"}, {"DELETE", ""}} {
			other.call(call[0], "/api/v1/webhooks/"+id+call[1], "").wantError(t, http.StatusNotFound, interview.CodeNotFound, "")
		}
		res = acme.call("DELETE", "/api/v1/webhooks/"+id, "")
		first := res.want(t, http.StatusOK)["disabledAt"]
		checkSchema(t, "Webhook", res.body)
		if first == nil || acme.call("DELETE", "/api/v1/webhooks/"+id, "").want(t, http.StatusOK)["disabledAt"] != first {
			t.Errorf("disable twice: %v", first)
		}
		checkWebhookInputErrors(t, acme)
	})
}

func checkWebhookInputErrors(t *testing.T, c *apiClient) {
	t.Helper()
	tests := []struct{ name, body, msg string }{
		{"ftp", `{"url":"ftp://ats.example.com"}`, "http"},
		{"no url", `{"events":[]}`, "URL"},
		{"unknown event", `{"url":"https://ats.example.com","events":["interview.created"]}`, "interview.created"},
		{"unknown field", `{"url":"https://ats.example.com","secret":"whsec_x"}`, "secret"},
		{"events not a list", `{"url":"https://ats.example.com","events":"all"}`, "events"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c.call("POST", "/api/v1/webhooks", tt.body).wantError(t, http.StatusBadRequest, interview.CodeInvalid, tt.msg)
		})
	}
	var m map[string]any
	if err := json.Unmarshal(c.call("GET", "/api/v1/webhooks", "").body, &m); err != nil || len(m["webhooks"].([]any)) != 1 {
		t.Errorf("a refused request created an endpoint: %v", m)
	}
}
