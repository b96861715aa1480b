package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/interviewd/interviewd/internal/auth"
	"github.com/interviewd/interviewd/internal/auth/supabasetest"
	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

// accountMode is one account system the invitation pages run with: how to
// build the app, and how to give someone an account of that system that
// belongs to no organisation here yet.
type accountMode struct {
	name string
	// newApp builds the app, with the fake GoTrue it signs in through
	// (nil for built-in accounts).
	newApp     func(t *testing.T, st store.Store) (*testApp, *supabasetest.GoTrue)
	newAccount func(t *testing.T, app *testApp, fake *supabasetest.GoTrue, email string)
}

// accountModes are the built-in accounts and Supabase Auth, the latter
// against the fake GoTrue.
func accountModes() []accountMode {
	return []accountMode{
		{"built-in", func(t *testing.T, st store.Store) (*testApp, *supabasetest.GoTrue) {
			return newTestApp(t, st), nil
		}, func(t *testing.T, app *testApp, _ *supabasetest.GoTrue, email string) {
			hash, err := auth.HashPassword(testPassword)
			if err != nil {
				t.Fatal(err)
			}
			if err := app.Store.CreateUser(context.Background(), &interview.User{Email: email, PasswordHash: hash}); err != nil {
				t.Fatal(err)
			}
		}},
		{"supabase", newSupabaseApp, func(t *testing.T, _ *testApp, fake *supabasetest.GoTrue, email string) {
			fake.AddUser(email, testPassword, map[string]any{"name": "Someone"})
		}},
	}
}

// newSupabaseApp is newTestApp with recruiters signing in through Supabase
// Auth (the fake GoTrue), as cmd/interviewd wires it when SUPABASE_URL is
// set: the team pages still use the built-in Accounts service.
func newSupabaseApp(t *testing.T, st store.Store) (*testApp, *supabasetest.GoTrue) {
	t.Helper()
	return newSupabaseAppAt(t, st, nil)
}

// newSupabaseAppAt is newSupabaseApp with Supabase Auth and interviewd's
// account service on clock (nil: the real time).
func newSupabaseAppAt(t *testing.T, st store.Store, clock *supabasetest.Clock) (*testApp, *supabasetest.GoTrue) {
	t.Helper()
	fake := supabasetest.New(t, clock, supabasetest.HS256())
	app := newTestAppWith(t, st, func(app *testApp, d *Deps) {
		acc, err := auth.NewSupabaseAccounts(auth.SupabaseConfig{
			URL: fake.URL(), AnonKey: supabasetest.AnonKey, JWTSecret: supabasetest.JWTSecret,
			CookieSecret: testSecret, Store: st, Now: clock.Now,
		})
		if err != nil {
			t.Fatalf("supabase accounts: %v", err)
		}
		d.Accounts, d.Mode.Auth = acc, "Supabase"
	})
	return app, fake
}

// invite has owner create an invitation and returns its link.
func invite(t *testing.T, owner *testClient, email string, role interview.Role) string {
	t.Helper()
	res := owner.post("/app/team/invitations", url.Values{"email": {email}, "role": {string(role)}})
	doc := parseHTML(t, res)
	link, _ := doc.Find(`[data-testid="invite-link"]`).Attr("value")
	if res.StatusCode != http.StatusCreated || link == "" {
		t.Fatalf("invite %s: %d, link %q", email, res.StatusCode, link)
	}
	return link
}

// roleOf returns the role of email in tenantID, or "" for a non-member.
func roleOf(t *testing.T, app *testApp, tenantID, email string) interview.Role {
	t.Helper()
	members, err := app.Store.ListMembers(context.Background(), tenantID)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range members {
		if m.Email == email {
			return m.Role
		}
	}
	return ""
}

// postPage posts form and wants status, returning the page.
func (c *testClient) postPage(path string, form url.Values, status int) *goquery.Document {
	c.t.Helper()
	res := c.post(path, form)
	if res.StatusCode != status {
		c.t.Fatalf("POST %s: status %d, want %d\n%s", path, res.StatusCode, status, readBody(c.t, res))
	}
	return parseHTML(c.t, res)
}

// TestInvitationAccept: in both account systems and on both stores, an
// invitee joins through the one form with a new account or an existing
// one, with the invited role, and is signed in; a wrong password joins
// nothing and leaves the link working.
func TestInvitationAccept(t *testing.T) {
	for _, so := range bothStores() {
		for _, mode := range accountModes() {
			t.Run(so.name+"/"+mode.name, func(t *testing.T) {
				app, fake := mode.newApp(t, so.open(t))
				owner := app.client()
				tenant := owner.signUp("Acme", "owner@example.com")

				t.Run("new account", func(t *testing.T) {
					link := invite(t, owner, "Rae@Example.com", interview.RoleRecruiter)
					rae := app.client()
					doc := rae.page(link, http.StatusOK)
					if doc.Find(`[data-testid="invite-form"]`).Length() != 1 {
						t.Fatal("no form to join")
					}
					if v, _ := doc.Find(`#invite-email`).Attr("value"); v != "rae@example.com" {
						t.Errorf("the account's email shows %q", v)
					}
					loc := rae.postRedirect(link, url.Values{"name": {"Rae"}, "password": {testPassword}})
					if loc != afterSignIn {
						t.Errorf("accept led to %q", loc)
					}
					if who := rae.page("/app/interviews", http.StatusOK).Find(`[data-testid="nav-who"]`).Text(); !strings.Contains(who, "Acme (recruiter)") {
						t.Errorf("signed in as %q", who)
					}
					members := owner.page("/app/team", http.StatusOK).Find(`[data-testid="member"]`)
					if members.Length() != 2 || !strings.Contains(members.Text(), "rae@example.com") {
						t.Errorf("team lists %d members: %q", members.Length(), members.Text())
					}
					if got := roleOf(t, app, tenant, "rae@example.com"); got != interview.RoleRecruiter {
						t.Errorf("rae's role %q", got)
					}
					if fake != nil {
						fu := fake.User("rae@example.com")
						if fu == nil || memberID(t, app, tenant, "rae@example.com") != fu.ID || fu.Meta["name"] != "Rae" {
							t.Errorf("the member is not the Supabase user %+v", fu)
						}
						if !strings.HasPrefix(rae.cookie(sessionCookie), auth.SupabaseTokenPrefix) {
							t.Error("the invitee did not get the sealed Supabase cookie")
						}
					}
					if strings.Contains(app.Logs.String(), testPassword) {
						t.Error("a password reached the log")
					}
				})

				t.Run("existing account", func(t *testing.T) {
					mode.newAccount(t, app, fake, "bob@example.com")
					link := invite(t, owner, "bob@example.com", interview.RoleViewer)
					bob := app.client()
					// A wrong password joins nothing and is told as any failed sign-in.
					doc := bob.postPage(link, url.Values{"name": {"Not Bob"}, "password": {"not the password"}}, http.StatusUnauthorized)
					if msg := doc.Find(`[data-testid="invite-form"] [data-testid="form-error"]`).Text(); !strings.Contains(msg, "incorrect") {
						t.Errorf("wrong password says %q", msg)
					}
					if roleOf(t, app, tenant, "bob@example.com") != "" {
						t.Fatal("a wrong password joined")
					}
					loc := bob.postRedirect(link, url.Values{"password": {testPassword}})
					if loc != afterSignIn {
						t.Errorf("accept led to %q", loc)
					}
					if got := roleOf(t, app, tenant, "bob@example.com"); got != interview.RoleViewer {
						t.Errorf("bob's role %q", got)
					}
					if who := bob.page("/app/interviews", http.StatusOK).Find(`[data-testid="nav-who"]`).Text(); !strings.Contains(who, "Acme (viewer)") {
						t.Errorf("signed in as %q", who)
					}
				})

				t.Run("member of another organisation", func(t *testing.T) {
					other := app.client()
					otherTenant := other.signUp("Othercorp", "olga@example.com")
					link := invite(t, owner, "olga@example.com", interview.RoleRecruiter)
					olga := app.client()
					olga.postRedirect(link, url.Values{"password": {testPassword}})
					if who := olga.page("/app/interviews", http.StatusOK).Find(`[data-testid="nav-who"]`).Text(); !strings.Contains(who, "Acme (recruiter)") {
						t.Errorf("after joining, working in %q", who)
					}
					if roleOf(t, app, otherTenant, "olga@example.com") != interview.RoleOwner {
						t.Error("joining changed the other membership")
					}
				})

			})
		}
	}
}

// TestSupabaseInvitationConfirmEmail: when Supabase Auth wants the email
// confirmed, the invitee is told to confirm and come back; the same link
// then works, and the invitee joins by signing in.
func TestSupabaseInvitationConfirmEmail(t *testing.T) {
	for _, so := range bothStores() {
		t.Run(so.name, func(t *testing.T) {
			app, fake := newSupabaseApp(t, so.open(t))
			owner := app.client()
			tenant := owner.signUp("Acme", "owner@example.com")
			fake.RequireConfirmation()
			link := invite(t, owner, "rae@example.com", interview.RoleRecruiter)

			rae := app.client()
			signUp := url.Values{"name": {"Rae"}, "password": {testPassword}}
			doc := rae.postPage(link, signUp, http.StatusOK)
			if doc.Find(`[data-testid="invite-confirm"]`).Length() != 1 || !strings.Contains(doc.Text(), "rae@example.com") {
				t.Fatalf("no confirmation page:\n%s", doc.Text())
			}
			if back, _ := doc.Find(`[data-testid="invite-confirm-back"]`).Attr("href"); app.URL+back != link {
				t.Errorf("the way back is %q", back)
			}
			if fake.User("rae@example.com") == nil || rae.cookie(sessionCookie) != "" || roleOf(t, app, tenant, "rae@example.com") != "" {
				t.Fatal("before confirming: not a pending Supabase user only")
			}
			if _, err := app.Store.GetUserByEmail(context.Background(), "rae@example.com"); err == nil {
				t.Error("an interviewd user exists before the email is confirmed")
			}
			// Posting again before confirming, with or without a name, says the same.
			signIn := url.Values{"password": {testPassword}}
			for _, form := range []url.Values{signIn, signUp} {
				if doc := rae.postPage(link, form, http.StatusOK); doc.Find(`[data-testid="invite-confirm"]`).Length() != 1 {
					t.Errorf("%v before confirming: no confirmation page", form)
				}
			}

			fake.ConfirmAll()
			rae.page(link, http.StatusOK) // the link still works
			if loc := rae.postRedirect(link, signIn); loc != afterSignIn {
				t.Errorf("accept led to %q", loc)
			}
			if got := roleOf(t, app, tenant, "rae@example.com"); got != interview.RoleRecruiter {
				t.Errorf("rae's role %q", got)
			}
			if u, err := app.Store.GetUserByEmail(context.Background(), "rae@example.com"); err != nil || u.ID != fake.User("rae@example.com").ID || u.Name != "Rae" {
				t.Errorf("rae's user %+v, %v", u, err)
			}
			rae.page("/app/interviews", http.StatusOK)
		})
	}
}

// TestInvitationLinkRefused: a used, revoked, expired or made-up link shows
// the same not-found page and its form reaches neither the store nor
// Supabase Auth.
func TestInvitationLinkRefused(t *testing.T) {
	for _, so := range bothStores() {
		t.Run(so.name, func(t *testing.T) {
			app, fake := newSupabaseApp(t, so.open(t))
			owner := app.client()
			tenant := owner.signUp("Acme", "owner@example.com")

			used := invite(t, owner, "used@example.com", interview.RoleRecruiter)
			app.client().postRedirect(used, url.Values{"name": {"U"}, "password": {testPassword}})

			revoked := invite(t, owner, "revoked@example.com", interview.RoleRecruiter)
			invs, err := app.Store.ListInvitations(context.Background(), tenant)
			if err != nil || len(invs) != 1 {
				t.Fatalf("pending invitations %v, %v", invs, err)
			}
			owner.postRedirect("/app/team/invitations/"+invs[0].ID+"/revoke", nil)

			token := auth.NewToken(auth.JoinTokenPrefix)
			expired := interview.Invitation{
				TenantID: tenant, Email: "expired@example.com", Role: interview.RoleRecruiter,
				TokenHash: auth.HashToken(token), InvitedBy: memberID(t, app, tenant, "owner@example.com"),
				CreatedAt: time.Now().Add(-8 * 24 * time.Hour), ExpiresAt: time.Now().Add(-time.Hour),
			}
			if err := app.Store.CreateInvitation(context.Background(), &expired); err != nil {
				t.Fatal(err)
			}

			signUps, signIns := fake.Count("signup"), fake.Count("token?grant_type=password")
			for name, link := range map[string]string{
				"used": used, "revoked": revoked, "expired": app.URL + "/invite/" + token,
				"made up": app.URL + "/invite/" + auth.NewToken(auth.JoinTokenPrefix), "malformed": app.URL + "/invite/nonsense",
			} {
				t.Run(name, func(t *testing.T) {
					c := app.client()
					res := c.get(link)
					body := readBody(t, res)
					if res.StatusCode != http.StatusNotFound || !strings.Contains(body, "This invitation link is not valid") {
						t.Errorf("GET: %d\n%s", res.StatusCode, body)
					}
					res = c.post(link, url.Values{"name": {"X"}, "password": {testPassword}})
					readBody(t, res)
					if res.StatusCode != http.StatusNotFound {
						t.Errorf("POST: %d", res.StatusCode)
					}
				})
			}
			if fake.Count("signup") != signUps || fake.Count("token?grant_type=password") != signIns {
				t.Error("a dead link reached Supabase Auth")
			}
			for _, email := range []string{"revoked@example.com", "expired@example.com", "x@example.com"} {
				if roleOf(t, app, tenant, email) != "" {
					t.Errorf("%s joined through a dead link", email)
				}
			}
		})
	}
}

// TestInvitationFormNeedsCSRF: the accept form without this browser's
// token, or from another site, is refused before anything happens.
func TestInvitationFormNeedsCSRF(t *testing.T) {
	app, fake := newSupabaseApp(t, openSQLiteStore(t))
	owner := app.client()
	tenant := owner.signUp("Acme", "owner@example.com")
	link := invite(t, owner, "rae@example.com", interview.RoleRecruiter)
	fake.AddUser("rae@example.com", testPassword, nil)
	signUps := fake.Count("signup")

	rae := app.client()
	rae.page(link, http.StatusOK) // the browser has its CSRF cookie
	form := url.Values{"password": {testPassword}}
	for name, token := range map[string]string{"no token": "", "another token": auth.NewToken("")} {
		body := form.Encode()
		if token != "" {
			body += "&csrf_token=" + url.QueryEscape(token)
		}
		res := rae.postRaw(link, body)
		readBody(t, res)
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("%s: %d", name, res.StatusCode)
		}
	}
	req, _ := http.NewRequest(http.MethodPost, link, strings.NewReader(form.Encode()+"&csrf_token="+url.QueryEscape(rae.csrf())))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	res, err := rae.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	readBody(t, res)
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site: %d", res.StatusCode)
	}
	if fake.Count("token?grant_type=password") != 0 || fake.Count("signup") != signUps || roleOf(t, app, tenant, "rae@example.com") != "" {
		t.Fatal("a refused form reached Supabase Auth or joined")
	}
	// With the token, the same form joins.
	rae.postRedirect(link, form)
	if roleOf(t, app, tenant, "rae@example.com") != interview.RoleRecruiter {
		t.Error("the genuine form did not join")
	}
}
