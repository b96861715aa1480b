package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/interviewd/interviewd/internal/interview"
)

// TestTeamInvitationFlow: an owner invites, the invitee joins with the
// link, and roles decide what each may do.
func TestTeamInvitationFlow(t *testing.T) {
	for _, so := range bothStores() {
		t.Run(so.name, func(t *testing.T) {
			app := newTestApp(t, so.open(t))
			owner := app.client()
			tenant := owner.signUp("Acme", "owner@example.com")

			res := owner.post("/app/team/invitations", url.Values{"email": {"Rae@Example.com"}, "role": {"recruiter"}})
			doc := parseHTML(t, res)
			link, _ := doc.Find(`[data-testid="invite-link"]`).Attr("value")
			if res.StatusCode != http.StatusCreated || !strings.HasPrefix(link, app.URL+"/invite/") {
				t.Fatalf("invite: %d, link %q", res.StatusCode, link)
			}
			if strings.Contains(app.Logs.String(), strings.TrimPrefix(link, app.URL+"/invite/")) {
				t.Error("the invitation token reached the log")
			}

			rae := app.client()
			doc = rae.page(link, http.StatusOK)
			if s := doc.Find(`[data-testid="invite-summary"]`).Text(); !strings.Contains(s, "rae@example.com") || !strings.Contains(s, "recruiter") {
				t.Errorf("invitation page says %q", s)
			}
			if loc := rae.postRedirect(link, url.Values{"name": {"Rae"}, "password": {testPassword}}); loc != afterSignIn {
				t.Errorf("accept led to %q", loc)
			}
			rae.page("/app/interviews", http.StatusOK)
			// The link works once.
			res = app.client().get(link)
			readBody(t, res)
			if res.StatusCode != http.StatusNotFound {
				t.Errorf("used link: %d", res.StatusCode)
			}

			// A recruiter cannot manage the team or keys.
			if doc := rae.page("/app/team", http.StatusOK); doc.Find(`[data-testid="invite-form"]`).Length() != 0 {
				t.Error("a recruiter sees the invite form")
			}
			res = rae.post("/app/team/invitations", url.Values{"email": {"x@example.com"}, "role": {"owner"}})
			readBody(t, res)
			if res.StatusCode != http.StatusForbidden {
				t.Errorf("recruiter invite: %d", res.StatusCode)
			}

			// The last owner cannot step down; removing a member ends their login.
			ownerID := memberID(t, app, tenant, "owner@example.com")
			res = owner.post("/app/team/"+ownerID+"/role", url.Values{"role": {"viewer"}})
			readBody(t, res)
			if res.StatusCode != http.StatusConflict {
				t.Errorf("demoting the last owner: %d", res.StatusCode)
			}
			raeID := memberID(t, app, tenant, "rae@example.com")
			owner.postRedirect("/app/team/"+raeID+"/remove", nil)
			res = rae.get("/app/interviews")
			readBody(t, res)
			if res.StatusCode != http.StatusSeeOther {
				t.Errorf("a removed member still gets %d", res.StatusCode)
			}
		})
	}
}

func memberID(t *testing.T, app *testApp, tenantID, email string) string {
	t.Helper()
	members, err := app.Store.ListMembers(t.Context(), tenantID)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range members {
		if m.Email == email {
			return m.UserID
		}
	}
	t.Fatalf("%s is not a member", email)
	return ""
}

// TestAPIKeysPage: an owner makes a key that is shown once and works on the
// API until revoked; a viewer may not manage keys.
func TestAPIKeysPage(t *testing.T) {
	app := newTestApp(t, openSQLiteStore(t))
	owner := app.client()
	tenant := owner.signUp("Acme", "owner@example.com")
	doc := owner.page("/app/api-keys", http.StatusOK)
	if doc.Find(`[data-testid="no-keys"]`).Length() != 1 {
		t.Error("no empty state")
	}
	res := owner.post("/app/api-keys", url.Values{"name": {"ATS"}})
	doc = parseHTML(t, res)
	key, _ := doc.Find(`[data-testid="new-key-value"]`).Attr("value")
	if res.StatusCode != http.StatusCreated || !strings.HasPrefix(key, "ivk_") {
		t.Fatalf("create key: %d %q", res.StatusCode, key)
	}
	if got := apiStatus(t, app, key); got != http.StatusOK {
		t.Errorf("new key: %d", got)
	}
	if doc := owner.page("/app/api-keys", http.StatusOK); strings.Contains(doc.Text(), key) {
		t.Error("the key is shown again")
	}
	keys, _ := app.Store.ListAPIKeys(t.Context(), tenant)
	owner.postRedirect("/app/api-keys/"+keys[0].ID+"/revoke", nil)
	if got := apiStatus(t, app, key); got != http.StatusUnauthorized {
		t.Errorf("revoked key: %d", got)
	}

	app.addMember(tenant, "viewer@example.com", interview.RoleViewer)
	viewer := app.client()
	viewer.signIn("viewer@example.com")
	res = viewer.get("/app/api-keys")
	readBody(t, res)
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("viewer on keys page: %d", res.StatusCode)
	}
}

func apiStatus(t *testing.T, app *testApp, key string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, app.URL+"/api/v1/positions", nil)
	req.Header.Set("Authorization", "Bearer "+key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	readBody(t, res)
	return res.StatusCode
}
