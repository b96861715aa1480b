package web

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/interviewd/interviewd/internal/auth"
	"github.com/interviewd/interviewd/internal/interview"
)

// TestSignUpPolicyThroughRouter attacks finding 12: under the default
// (first) a stranger's second sign-up is refused with 403 on both stores,
// open lets it through, and closed refuses even the first.
func TestSignUpPolicyThroughRouter(t *testing.T) {
	cases := []struct {
		name              string
		policy            interview.SignUpPolicy
		firstOK, secondOK bool
	}{
		{"first", interview.SignUpFirst, true, false},
		{"open", interview.SignUpOpen, true, true},
		{"closed", interview.SignUpClosed, false, false},
	}
	for _, s := range bothStores() {
		for _, c := range cases {
			t.Run(s.name+"/"+c.name, func(t *testing.T) {
				app := newTestAppWith(t, s.open(t), func(app *testApp, d *Deps) {
					acc, err := auth.NewAccounts(auth.AccountsConfig{Store: app.Store, SignUp: c.policy})
					if err != nil {
						t.Fatal(err)
					}
					app.Accounts, d.Accounts, d.Team = acc, acc, acc
				})
				wantSignUp(t, app, "ann@example.com", c.firstOK)
				wantSignUp(t, app, "bob@example.com", c.secondOK)
			})
		}
	}
}

// wantSignUp posts the sign-up form and checks that it creates an account
// (303) or is refused with 403 and a page that says sign-up is closed.
func wantSignUp(t *testing.T, app *testApp, email string, ok bool) {
	t.Helper()
	res := app.client().post("/signup", url.Values{
		"organisation": {"Org " + email}, "name": {"N"}, "email": {email}, "password": {testPassword},
	})
	if ok {
		readBody(t, res)
		if res.StatusCode != http.StatusSeeOther {
			t.Errorf("sign-up of %s: status %d, want 303", email, res.StatusCode)
		}
		return
	}
	doc := parseHTML(t, res)
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("sign-up of %s: status %d, want 403", email, res.StatusCode)
	}
	if doc.Find(`[data-testid="signup-closed"]`).Length() == 0 && doc.Find(`[data-testid="form-error"]`).Length() == 0 {
		t.Errorf("sign-up of %s: the refusal does not say why", email)
	}
	page := parseHTML(t, app.client().get("/signup"))
	if page.Find(`[data-testid="signup-closed"]`).Length() != 1 || page.Find(`[data-testid="signup-form"]`).Length() != 0 {
		t.Errorf("after refusing %s the sign-up page still offers the form", email)
	}
}
