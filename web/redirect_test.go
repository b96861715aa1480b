package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// redirectAttacks are ?next= values that must not lead off the site: the
// audit's "/./\evil.test" (cleaned by http.Redirect into "/\evil.test",
// which browsers follow to evil.test) and its variants.
var redirectAttacks = []string{
	`/./\evil.test`,
	`/\evil.test`,
	`\\evil.test`,
	`/../\evil.test`,
	`/.\/evil.test`,
	`//evil.test`,
	`///evil.test`,
	`/.//evil.test`,
	`/app//evil.test`,
	`/%2f%2fevil.test`,
	`/%2F/evil.test`,
	`/%5cevil.test`,
	`/%5Cevil.test`,
	`/.%5cevil.test`,
	`/%252f%252fevil.test`,
	`/%25255cevil.test`,
	"/\t/evil.test",
	"/\n/evil.test",
	"/%09/evil.test",
	"/%00evil.test",
	"/\x7f/evil.test",
	`https://evil.test/`,
	`javascript:alert(1)`,
	`/javascript:alert(1)` + "\r\nLocation: https://evil.test",
	`evil.test`,
	``,
}

// TestSignInRedirectStaysOnSite attacks ?next= through the real router, on
// both ways sign-in redirects: the sign-in page of a signed-in user, and
// the sign-in form's post.
func TestSignInRedirectStaysOnSite(t *testing.T) {
	app := newTestApp(t, openSQLiteStore(t))
	owner := app.client()
	owner.signUp("Acme", "ann@example.com")
	for _, next := range redirectAttacks {
		t.Run(next, func(t *testing.T) {
			res := owner.get("/signin?next=" + url.QueryEscape(next))
			readBody(t, res)
			if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || loc != afterSignIn {
				t.Errorf("GET /signin?next=%q: %d → %q, want %q", next, res.StatusCode, loc, afterSignIn)
			}
			c := app.client()
			res = c.post("/signin", url.Values{"email": {"ann@example.com"}, "password": {testPassword}, "next": {next}})
			readBody(t, res)
			if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || loc != afterSignIn {
				t.Errorf("POST /signin next=%q: %d → %q, want %q", next, res.StatusCode, loc, afterSignIn)
			}
		})
	}
}

// TestSignInRedirectKeepsLocalPaths: honest ?next= values still lead where
// they say, cleaned as http.Redirect would clean them.
func TestSignInRedirectKeepsLocalPaths(t *testing.T) {
	app := newTestApp(t, openSQLiteStore(t))
	owner := app.client()
	owner.signUp("Acme", "ann@example.com")
	for next, want := range map[string]string{
		"/app/positions":                   "/app/positions",
		"/app/interviews?status=completed": "/app/interviews?status=completed",
		"/app/./positions/":                "/app/positions/",
		"/app/interviews?next=https://x.y": "/app/interviews?next=https://x.y",
		"/app/positions/%C3%A9":            "/app/positions/%C3%A9",
	} {
		res := owner.get("/signin?next=" + url.QueryEscape(next))
		readBody(t, res)
		if loc := res.Header.Get("Location"); loc != want {
			t.Errorf("next=%q led to %q, want %q", next, loc, want)
		}
	}
}

// FuzzLocalPath: whatever localPath lets through, a browser resolves to
// this site, and http.Redirect sends unchanged.
func FuzzLocalPath(f *testing.F) {
	for _, s := range redirectAttacks {
		f.Add(s)
	}
	f.Add("/app/interviews?x=1")
	base, _ := url.Parse("https://site.test/signin")
	f.Fuzz(func(t *testing.T, next string) {
		got := localPath(next, afterSignIn)
		if got == afterSignIn {
			return
		}
		if strings.ContainsAny(got, "\\\r\n\t\x00") || strings.HasPrefix(got, "//") {
			t.Fatalf("localPath(%q) = %q", next, got)
		}
		u, err := base.Parse(got)
		if err != nil || u.Host != "site.test" || u.Scheme != "https" {
			t.Fatalf("localPath(%q) = %q, resolves to %v (%v)", next, got, u, err)
		}
		if again := localPath(got, afterSignIn); again != got {
			t.Fatalf("localPath(%q) = %q, then %q: not stable", next, got, again)
		}
	})
}
