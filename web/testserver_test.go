package web

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/interviewd/interviewd/internal/auth"
	"github.com/interviewd/interviewd/internal/hiring"
	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/recording"
	"github.com/interviewd/interviewd/internal/recording/blobs"
	"github.com/interviewd/interviewd/internal/store"
	"github.com/interviewd/interviewd/internal/store/postgres"
	"github.com/interviewd/interviewd/internal/store/sqlite"
	"github.com/interviewd/interviewd/internal/testenv"
)

// testSecret keys the join links of test servers.
const testSecret = "test secret of at least thirty-two bytes, for join links"

// testPassword is the password every test account signs in with.
const testPassword = "correct horse battery"

// storeOpener opens a fresh, empty store for one test.
type storeOpener struct {
	name string
	open func(t *testing.T) store.Store
}

// bothStores lists the stores that "works the same on both stores" means:
// a SQLite file in t.TempDir and a fresh PostgreSQL database (skipped when
// PostgreSQL is missing, failed under CI=true).
func bothStores() []storeOpener {
	return []storeOpener{
		{"sqlite", openSQLiteStore},
		{"postgres", openPostgresStore},
	}
}

func openSQLiteStore(t *testing.T) store.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "interviewd.db"))
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func openPostgresStore(t *testing.T) store.Store {
	t.Helper()
	dbURL, _ := testenv.PostgresDB(t)
	st, err := postgres.Open(context.Background(), dbURL)
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// testApp is the whole of interviewd's HTTP side over a real store, served
// on a loopback port (so that a browser can reach it too) with PUBLIC_URL
// set to that port.
type testApp struct {
	t        *testing.T
	URL      string // e.g. http://127.0.0.1:41234
	Store    store.Store
	Accounts *auth.Accounts
	Hiring   *hiring.Service
	Handler  http.Handler
	Logs     *logBuffer
	conns    *connListener // the server's listener, which can cut /rtc connections (conncut_test.go)
	// Recordings takes the room's uploads into Blobs, files under t.TempDir().
	Recordings *recording.Service
	Blobs      recording.Blobs
}

// newTestApp builds the services as cmd/interviewd does and serves them
// until the test ends.
func newTestApp(t *testing.T, st store.Store) *testApp {
	t.Helper()
	return newTestAppWith(t, st, nil)
}

// newTestAppWith is newTestApp with a hook that adds to the server's
// dependencies, knowing the app's URL, before the server starts.
func newTestAppWith(t *testing.T, st store.Store, extra func(app *testApp, d *Deps)) *testApp {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	app := &testApp{t: t, URL: "http://" + ln.Addr().String(), Store: st, Logs: &logBuffer{}, conns: trackConns(ln)}
	if app.Accounts, err = auth.NewAccounts(auth.AccountsConfig{Store: st}); err != nil {
		t.Fatalf("accounts: %v", err)
	}
	links, err := auth.NewJoinLinks(testSecret)
	if err != nil {
		t.Fatalf("join links: %v", err)
	}
	app.Hiring = hiring.New(hiring.Config{Store: st, Links: links, PublicURL: app.URL})
	logger := slog.New(slog.NewJSONHandler(app.Logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	mode := Mode{Store: st.Dialect(), Provider: "local engine", Auth: "built-in"}
	if app.Blobs, err = blobs.Files(filepath.Join(t.TempDir(), "recordings")); err != nil {
		t.Fatalf("recordings: %v", err)
	}
	if app.Recordings, err = recording.New(recording.Config{Store: st, Blobs: app.Blobs, Logger: logger}); err != nil {
		t.Fatalf("recordings: %v", err)
	}
	d := Deps{
		Logger: logger, Store: st, Mode: mode, PublicURL: app.URL,
		Accounts: app.Accounts, Team: app.Accounts, Hiring: app.Hiring, Recordings: app.Recordings,
	}
	if d.RecordingLinks, err = auth.NewRecordingLinks(testSecret, nil); err != nil {
		t.Fatalf("recording links: %v", err)
	}
	if extra != nil {
		extra(app, &d)
	}
	app.Handler = NewServer(d)
	srv := &httptest.Server{Listener: app.conns, Config: &http.Server{Handler: app.Handler}}
	srv.Start()
	t.Cleanup(srv.Close)
	return app
}

// addMember creates a user with testPassword and adds them to tenantID with
// role, straight through the store (as an accepted invitation would).
func (a *testApp) addMember(tenantID, email string, role interview.Role) interview.User {
	a.t.Helper()
	ctx := context.Background()
	hash, err := auth.HashPassword(testPassword)
	if err != nil {
		a.t.Fatal(err)
	}
	u := interview.User{Email: email, Name: "Member " + email, PasswordHash: hash}
	if err := a.Store.CreateUser(ctx, &u); err != nil {
		a.t.Fatalf("create user %s: %v", email, err)
	}
	m := interview.Membership{TenantID: tenantID, UserID: u.ID, Role: role}
	if err := a.Store.AddMember(ctx, &m); err != nil {
		a.t.Fatalf("add member %s: %v", email, err)
	}
	return u
}

// tenantOf returns the organisation a user belongs to (the first one).
func (a *testApp) tenantOf(email string) string {
	a.t.Helper()
	ctx := context.Background()
	u, err := a.Store.GetUserByEmail(ctx, interview.NormalizeEmail(email))
	if err != nil {
		a.t.Fatalf("user %s: %v", email, err)
	}
	ms, err := a.Store.ListMemberships(ctx, u.ID)
	if err != nil || len(ms) == 0 {
		a.t.Fatalf("memberships of %s: %v %v", email, ms, err)
	}
	return ms[0].TenantID
}

// testClient is one browser without JavaScript: it keeps cookies, does not
// follow redirects (tests assert them), and posts forms with the CSRF token
// its cookie holds.
type testClient struct {
	t   *testing.T
	app *testApp
	c   *http.Client
}

// client returns a new browser with an empty cookie jar.
func (a *testApp) client() *testClient {
	jar, err := cookiejar.New(nil)
	if err != nil {
		a.t.Fatal(err)
	}
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
	return &testClient{t: a.t, app: a, c: c}
}

// get fetches path (or an absolute URL) and returns the response.
func (c *testClient) get(path string) *http.Response {
	c.t.Helper()
	res, err := c.c.Get(c.abs(path))
	if err != nil {
		c.t.Fatalf("GET %s: %v", path, err)
	}
	return res
}

// page fetches path, wants status, and returns the parsed page.
func (c *testClient) page(path string, status int) *goquery.Document {
	c.t.Helper()
	res := c.get(path)
	if res.StatusCode != status {
		c.t.Fatalf("GET %s: status %d, want %d\n%s", path, res.StatusCode, status, readBody(c.t, res))
	}
	return parseHTML(c.t, res)
}

// csrf returns this browser's form token, visiting a page first if it has
// none yet.
func (c *testClient) csrf() string {
	c.t.Helper()
	if tok := c.cookie(csrfCookie); tok != "" {
		return tok
	}
	readBody(c.t, c.get("/signin"))
	return c.cookie(csrfCookie)
}

func (c *testClient) cookie(name string) string {
	u, _ := url.Parse(c.app.URL)
	for _, k := range c.c.Jar.Cookies(u) {
		if k.Name == name {
			return k.Value
		}
	}
	return ""
}

// post submits form to path with this browser's CSRF token.
func (c *testClient) post(path string, form url.Values) *http.Response {
	c.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if form.Get("csrf_token") == "" {
		form.Set("csrf_token", c.csrf())
	}
	return c.postRaw(path, form.Encode())
}

// postRaw submits an urlencoded body as is: no token is added.
func (c *testClient) postRaw(path, body string) *http.Response {
	c.t.Helper()
	res, err := c.c.Post(c.abs(path), "application/x-www-form-urlencoded", strings.NewReader(body))
	if err != nil {
		c.t.Fatalf("POST %s: %v", path, err)
	}
	return res
}

// postRedirect posts form and wants a 303, returning where it leads.
func (c *testClient) postRedirect(path string, form url.Values) string {
	c.t.Helper()
	res := c.post(path, form)
	body := readBody(c.t, res)
	if res.StatusCode != http.StatusSeeOther {
		c.t.Fatalf("POST %s: status %d, want 303\n%s", path, res.StatusCode, body)
	}
	return res.Header.Get("Location")
}

// signUp creates an organisation with this browser's user as its owner,
// signed in, and returns the organisation's ID.
func (c *testClient) signUp(org, email string) string {
	c.t.Helper()
	c.postRedirect("/signup", url.Values{
		"organisation": {org}, "name": {"Owner of " + org}, "email": {email}, "password": {testPassword},
	})
	return c.app.tenantOf(email)
}

// signIn signs this browser in as email with testPassword.
func (c *testClient) signIn(email string) {
	c.t.Helper()
	c.postRedirect("/signin", url.Values{"email": {email}, "password": {testPassword}})
}

func (c *testClient) abs(path string) string {
	if strings.HasPrefix(path, "http://") || strings.HasPrefix(path, "https://") {
		return path
	}
	return c.app.URL + path
}
