package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/interviewd/interviewd/internal/interview"
)

// TestRemovedMemberKeysAndSession attacks finding 9 of issue 10: a co-owner
// makes an API key, is removed, and neither the key nor their session
// cookie works any more; the remaining owner's key still does.
func TestRemovedMemberKeysAndSession(t *testing.T) {
	forEachStore(t, func(t *testing.T, app *testApp) {
		owner := app.client()
		tenant := owner.signUp("Acme", "owner@example.com")
		ownerKey := newKeyPage(t, owner)
		co := app.addMember(tenant, "co@example.com", interview.RoleOwner)
		member := app.client()
		member.signIn("co@example.com")
		key := newKeyPage(t, member)
		if got := apiStatus(t, app, key); got != http.StatusOK {
			t.Fatalf("member's key before removal: %d", got)
		}

		owner.postRedirect("/app/team/"+co.ID+"/remove", nil)

		if got := apiStatus(t, app, key); got != http.StatusUnauthorized {
			t.Errorf("removed member's key: %d, want 401", got)
		}
		res := member.get("/app/interviews")
		readBody(t, res)
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/signin") {
			t.Errorf("removed member's cookie: %d → %q, want the sign-in page", res.StatusCode, res.Header.Get("Location"))
		}
		if got := apiStatus(t, app, ownerKey); got != http.StatusOK {
			t.Errorf("the remaining owner's key: %d", got)
		}
	})
}

// newKeyPage creates an API key through the keys page and returns it.
func newKeyPage(t *testing.T, c *testClient) string {
	t.Helper()
	res := c.post("/app/api-keys", url.Values{"name": {"ATS"}})
	key, _ := parseHTML(t, res).Find(`[data-testid="new-key-value"]`).Attr("value")
	if res.StatusCode != http.StatusCreated || key == "" {
		t.Fatalf("create key: %d %q", res.StatusCode, key)
	}
	return key
}
