package main

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/interviewd/interviewd/internal/auth/supabasetest"
)

// TestRunSupabaseSelfHosted: against a Supabase Auth that issues tokens
// without iss (self-hosted, no GOTRUE_JWT_ISSUER), interviewd configured
// for a hosted project refuses the sign-up with a 503 form that tells the
// person to ask the administrator, and a log line that names
// SUPABASE_JWT_ISSUER=; restarted with SUPABASE_JWT_ISSUER= (empty), the
// same user signs in and owns the organisation named at sign-up.
func TestRunSupabaseSelfHosted(t *testing.T) {
	fake := supabasetest.New(t, nil, supabasetest.HS256())
	fake.WithoutIssuer()
	env := map[string]string{
		"DATA_DIR": t.TempDir(), "ADDR": "127.0.0.1:0",
		"SUPABASE_URL": fake.URL(), "SUPABASE_ANON_KEY": supabasetest.AnonKey,
		"SUPABASE_JWT_SECRET": supabasetest.JWTSecret,
	}
	base, out, stop := start(t, env)
	form := url.Values{"organisation": {"Acme"}, "name": {"Ada"}, "email": {"ada@example.com"}, "password": {"correct horse battery"}}
	status, body := postForm(t, newBrowser(t), base, "/signup", form)
	if status != http.StatusServiceUnavailable || !strings.Contains(body, "tell the administrator") {
		t.Errorf("sign-up: %d\n%s", status, body)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), `a self-hosted Supabase without GOTRUE_JWT_ISSUER needs SUPABASE_JWT_ISSUER= (empty)`) {
		t.Errorf("the log does not name the setting:\n%s", out)
	}

	env["SUPABASE_JWT_ISSUER"] = ""
	base, _, stop = start(t, env)
	defer stop()
	browser := newBrowser(t)
	status, body = postForm(t, browser, base, "/signin", url.Values{"email": {"ada@example.com"}, "password": form["password"]})
	if status != http.StatusOK || !strings.Contains(body, "Acme") {
		t.Errorf("sign-in after the fix: %d\n%s", status, body)
	}
}

// newBrowser is an HTTP client that keeps cookies, as a browser does.
func newBrowser(t *testing.T) *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar}
}

var csrfInput = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// postForm posts form to path with the CSRF token of the page at path,
// following redirects, and returns the final status and body.
func postForm(t *testing.T, c *http.Client, base, path string, form url.Values) (int, string) {
	t.Helper()
	m := csrfInput.FindStringSubmatch(readPage(t, c, base+path))
	if m == nil {
		t.Fatalf("%s has no CSRF token", path)
	}
	form.Set("csrf_token", m[1])
	res, err := c.PostForm(base+path, form)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func readPage(t *testing.T, c *http.Client, u string) string {
	t.Helper()
	res, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return string(b)
}
