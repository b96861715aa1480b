package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/interviewd/interviewd/internal/auth/supabasetest"
	"github.com/interviewd/interviewd/internal/interview"
)

// TestSupabaseFormMessages: Supabase Auth's refusals, as real Auth
// v2.196.0 words them, reach the sign-in, sign-up and invitation forms as
// a message the person can act on, with the status of its domain code and
// the input it concerns; what only the operator can fix is logged in full.
func TestSupabaseFormMessages(t *testing.T) {
	const (
		signIn = "token?grant_type=password"
		signUp = "signup"
	)
	cases := []struct {
		name, path, route, body string
		code                    int
		status                  int
		says, field, log        string
	}{
		{"email provider off", "/signin", signIn, `{"code":422,"error_code":"email_provider_disabled","msg":"Email logins are disabled"}`, 422,
			http.StatusServiceUnavailable, "Email sign-in is turned off in the Supabase project (Authentication → Providers → Email)", "", "Email logins are disabled"},
		{"rate limited", "/signin", signIn, `{"code":429,"error_code":"over_request_rate_limit","msg":"Request rate limit reached"}`, 429,
			http.StatusTooManyRequests, "wait a minute and try again", "", ""},
		{"confirmation pending", "/signin", signIn, `{"code":400,"error_code":"email_not_confirmed","msg":"Email not confirmed"}`, 400,
			http.StatusForbidden, "Check your inbox", "", ""},
		{"sign-up again within a minute", "/signup", signUp, `{"code":429,"error_code":"over_email_send_rate_limit","msg":"For security purposes, you can only request this after 41 seconds."}`, 429,
			http.StatusForbidden, "Check your inbox: a confirmation email was sent to this address less than a minute ago", "", ""},
		{"weak password", "/signup", signUp, `{"code":422,"error_code":"weak_password","msg":"Password is known to be weak and easy to guess, please choose a different one.","weak_password":{"reasons":["pwned"]}}`, 422,
			http.StatusBadRequest, "known from data breaches", "password", ""},
		{"email refused", "/signup", signUp, `{"code":400,"error_code":"email_address_invalid","msg":"Email address \"ann@example.com\" is invalid"}`, 400,
			http.StatusBadRequest, "does not accept this email address", "email", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			app, fake := newSupabaseApp(t, openSQLiteStore(t))
			fake.AddUser("ann@example.com", testPassword, nil)
			fake.Force(c.route, supabasetest.Answer{Status: c.code, Body: c.body})
			form := url.Values{"email": {"ann@example.com"}, "password": {testPassword}}
			if c.path == "/signup" {
				form.Set("organisation", "Acme")
				form.Set("email", "new@example.com")
			}
			doc := app.client().postPage(c.path, form, c.status)
			if msg := doc.Find(`[data-testid="form-error"][role="alert"]`).Text(); !strings.Contains(msg, c.says) {
				t.Errorf("the form says %q, want %q", msg, c.says)
			}
			if c.field != "" {
				if v, _ := doc.Find(`input[name="` + c.field + `"]`).Attr("aria-invalid"); v != "true" {
					t.Errorf("%s is not marked invalid", c.field)
				}
			}
			if logs := app.Logs.String(); !strings.Contains(logs, c.log) || (c.log == "" && strings.Contains(logs, `"request failed"`)) {
				t.Errorf("the log, wanting %q:\n%s", c.log, logs)
			}
		})
	}
}

// TestSupabaseInvitationSignUpTooSoon: an invitee whose sign-up is
// repeated within Supabase Auth's minute between two confirmation emails
// is told to confirm, as after the first, and the link stays usable.
func TestSupabaseInvitationSignUpTooSoon(t *testing.T) {
	app, fake := newSupabaseApp(t, openSQLiteStore(t))
	owner := app.client()
	owner.signUp("Acme", "owner@example.com")
	link := invite(t, owner, "rae@example.com", interview.RoleRecruiter)
	fake.Force("signup", supabasetest.Answer{Status: 429,
		Body: `{"code":429,"error_code":"over_email_send_rate_limit","msg":"For security purposes, you can only request this after 58 seconds."}`})
	doc := app.client().postPage(link, url.Values{"name": {"Rae"}, "password": {testPassword}}, http.StatusOK)
	if doc.Find(`[data-testid="invite-confirm"]`).Length() != 1 {
		t.Error("the invitee is not told to confirm their address")
	}
	app.client().page(link, http.StatusOK)
}

// TestSupabaseRefreshOutageKeepsTheCookie: when the access token has
// expired and Supabase Auth cannot renew it for a moment (busy or down),
// the recruiter gets an error page but stays signed in; the next request,
// with Auth back, renews the session. Only a refusal ends it.
func TestSupabaseRefreshOutageKeepsTheCookie(t *testing.T) {
	clock := supabasetest.NewClock(time.Now())
	app, fake := newSupabaseAppAt(t, openSQLiteStore(t), clock)
	c := app.client()
	c.signUp("Acme", "ann@example.com")
	before := c.cookie(sessionCookie)
	clock.Advance(2 * time.Hour) // the access token has expired
	const refresh = "token?grant_type=refresh_token"
	for _, a := range []supabasetest.Answer{
		{Status: 503, Body: `{"message":"upstream unavailable"}`},
		{Status: 429, Body: `{"code":429,"error_code":"over_request_rate_limit","msg":"Request rate limit reached"}`},
	} {
		fake.Force(refresh, a)
		res := c.get("/app")
		res.Body.Close()
		if res.StatusCode < 429 || c.cookie(sessionCookie) != before {
			t.Fatalf("Auth answering %d: status %d (%s), cookie kept %t", a.Status, res.StatusCode, res.Header.Get("Location"), c.cookie(sessionCookie) == before)
		}
	}
	fake.Force(refresh, supabasetest.Answer{})
	c.page("/app/interviews", http.StatusOK)
	if c.cookie(sessionCookie) == before || c.cookie(sessionCookie) == "" {
		t.Error("the session was not renewed once Auth answered again")
	}
	fake.Force(refresh, supabasetest.Answer{Status: 400,
		Body: `{"code":400,"error_code":"refresh_token_already_used","msg":"Invalid Refresh Token: Already Used"}`})
	clock.Advance(2 * time.Hour)
	res := c.get("/app")
	res.Body.Close()
	if c.cookie(sessionCookie) != "" {
		t.Error("a refused refresh left the cookie in place")
	}
}
