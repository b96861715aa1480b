package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestSignUpDoesNotConfirmAnAccount attacks the sign-up half of finding 8:
// a taken email is answered like any refused form, with a message that
// does not say an account exists and marks no field.
func TestSignUpDoesNotConfirmAnAccount(t *testing.T) {
	forEachStore(t, func(t *testing.T, app *testApp) {
		app.client().signUp("Acme", "ann@example.com")
		res := app.client().post("/signup", url.Values{
			"organisation": {"Other"}, "name": {"Ann"}, "email": {"Ann@Example.com"}, "password": {testPassword},
		})
		doc := parseHTML(t, res)
		if res.StatusCode != http.StatusBadRequest {
			t.Errorf("status %d, want 400 like any refused form", res.StatusCode)
		}
		msg := strings.ToLower(doc.Find(`[data-testid="form-error"]`).Text())
		if msg == "" || strings.Contains(msg, "exist") || strings.Contains(msg, "taken") {
			t.Errorf("the answer says %q", msg)
		}
		if doc.Find(`[aria-invalid="true"]`).Length() != 0 {
			t.Error("a field is marked invalid, which points at the email")
		}
	})
}
