package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestSignUpSignInSignOut(t *testing.T) {
	for _, so := range bothStores() {
		t.Run(so.name, func(t *testing.T) {
			app := newTestApp(t, so.open(t))
			c := app.client()
			res := c.post("/signup", url.Values{"organisation": {"Acme"}, "name": {"Ann"}, "email": {"Ann@Example.com"}, "password": {testPassword}})
			readBody(t, res)
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/app/positions/new?welcome=1" {
				t.Fatalf("sign-up: %d → %q", res.StatusCode, res.Header.Get("Location"))
			}
			doc := c.page("/app/interviews", http.StatusOK)
			if who := doc.Find(`[data-testid="nav-who"]`).Text(); !strings.Contains(who, "Acme") || !strings.Contains(who, "owner") {
				t.Errorf("header shows %q", who)
			}

			// Signing out ends the login: the app sends the browser to sign in.
			if loc := c.postRedirect("/signout", nil); loc != "/signin" {
				t.Errorf("sign-out led to %q", loc)
			}
			res = c.get("/app/interviews")
			readBody(t, res)
			if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/signin?next=") {
				t.Errorf("signed-out app: %d → %q", res.StatusCode, res.Header.Get("Location"))
			}

			// Signing in again, with ?next= kept but only when it is local.
			res = c.post("/signin", url.Values{"email": {"ann@example.com"}, "password": {testPassword}, "next": {"/app/positions"}})
			readBody(t, res)
			if res.Header.Get("Location") != "/app/positions" {
				t.Errorf("next ignored: %q", res.Header.Get("Location"))
			}
			c2 := app.client()
			res = c2.post("/signin", url.Values{"email": {"ann@example.com"}, "password": {testPassword}, "next": {"//evil.example/x"}})
			readBody(t, res)
			if res.Header.Get("Location") != afterSignIn {
				t.Errorf("open redirect: %q", res.Header.Get("Location"))
			}
		})
	}
}

func TestSignUpAndSignInErrors(t *testing.T) {
	app := newTestApp(t, openSQLiteStore(t))
	c := app.client()
	c.signUp("Acme", "ann@example.com")
	cases := []struct {
		name   string
		path   string
		form   url.Values
		status int
	}{
		{"taken email", "/signup", url.Values{"organisation": {"B"}, "email": {"ann@example.com"}, "password": {testPassword}}, http.StatusBadRequest},
		{"short password", "/signup", url.Values{"organisation": {"B"}, "email": {"b@example.com"}, "password": {"short"}}, http.StatusBadRequest},
		{"no organisation", "/signup", url.Values{"email": {"c@example.com"}, "password": {testPassword}}, http.StatusBadRequest},
		{"bad email", "/signup", url.Values{"organisation": {"B"}, "email": {"nope"}, "password": {testPassword}}, http.StatusBadRequest},
		{"wrong password", "/signin", url.Values{"email": {"ann@example.com"}, "password": {"wrong password!"}}, http.StatusUnauthorized},
		{"unknown email", "/signin", url.Values{"email": {"who@example.com"}, "password": {testPassword}}, http.StatusUnauthorized},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := app.client().post(tc.path, tc.form)
			doc := parseHTML(t, res)
			if res.StatusCode != tc.status {
				t.Fatalf("status %d, want %d", res.StatusCode, tc.status)
			}
			if doc.Find(`[data-testid="form-error"][role="alert"]`).Length() != 1 {
				t.Error("the form does not announce its error")
			}
		})
	}
}

func TestSignInThrottled(t *testing.T) {
	app := newTestApp(t, openSQLiteStore(t))
	app.client().signUp("Acme", "ann@example.com")
	c := app.client()
	for range 10 {
		readBody(t, c.post("/signin", url.Values{"email": {"ann@example.com"}, "password": {"wrong password!"}}))
	}
	res := c.post("/signin", url.Values{"email": {"ann@example.com"}, "password": {testPassword}})
	readBody(t, res)
	if res.StatusCode != http.StatusTooManyRequests {
		t.Errorf("11th attempt: %d, want 429 even with the right password", res.StatusCode)
	}
}

// TestFormsRefuseForgedPosts: a post without the form token, with a wrong
// one, or from another site is refused and changes nothing.
func TestFormsRefuseForgedPosts(t *testing.T) {
	app := newTestApp(t, openSQLiteStore(t))
	c := app.client()
	form := url.Values{"organisation": {"Acme"}, "email": {"ann@example.com"}, "password": {testPassword}}
	res := c.postRaw("/signup", form.Encode())
	readBody(t, res)
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("no token: %d", res.StatusCode)
	}
	bad := url.Values{"csrf_token": {"x"}}
	for k, v := range form {
		bad[k] = v
	}
	res = c.post("/signup", bad)
	readBody(t, res)
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("wrong token: %d", res.StatusCode)
	}
	form.Set("csrf_token", c.csrf())
	req, _ := http.NewRequest(http.MethodPost, app.URL+"/signup", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	res, err := c.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	readBody(t, res)
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site: %d", res.StatusCode)
	}
	if _, err := app.Store.GetUserByEmail(t.Context(), "ann@example.com"); err == nil {
		t.Error("a refused sign-up created the user")
	}
}
