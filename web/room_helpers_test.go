package web

import (
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/interviewd/interviewd/internal/auth"
	"github.com/interviewd/interviewd/internal/calls"
	"github.com/interviewd/interviewd/internal/hiring"
	"github.com/interviewd/interviewd/internal/store"
)

// roomWiring is what a room test adds to the test app once its address and
// store are known: the local engine at /v1 and the calls manager that uses
// it (closed before the server stops, so that its hangups still arrive).
type roomWiring struct {
	engine http.Handler
	calls  *calls.Manager
}

// roomApp is a test app with the candidate's side: signalling tokens, the
// lifecycle API and, when wire gives one, live calls.
type roomApp struct {
	*testApp
	Tokens *auth.RTCSigner
}

// newRoomApp builds the test app as newTestApp does, plus the RTC signer,
// the lifecycle API and what wire adds (nil: no live calls). pinned sets
// TENANT_ID.
func newRoomApp(t *testing.T, st store.Store, pinned string, wire func(url string, st store.Store) roomWiring) *roomApp {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	app := &testApp{t: t, URL: "http://" + ln.Addr().String(), Store: st, Logs: &logBuffer{}}
	if app.Accounts, err = auth.NewAccounts(auth.AccountsConfig{Store: st}); err != nil {
		t.Fatalf("accounts: %v", err)
	}
	links, err := auth.NewJoinLinks(testSecret)
	if err != nil {
		t.Fatal(err)
	}
	tokens, err := auth.NewRTCSigner(rtcTestSecret, nil)
	if err != nil {
		t.Fatal(err)
	}
	app.Hiring = hiring.New(hiring.Config{Store: st, Links: links, PublicURL: app.URL})
	var w roomWiring
	if wire != nil {
		w = wire(app.URL, st)
	}
	d := Deps{
		Logger: slog.New(slog.NewJSONHandler(app.Logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Store:  st, Mode: Mode{Store: st.Dialect(), Provider: "local engine", Auth: "built-in"}, PublicURL: app.URL,
		Accounts: app.Accounts, Team: app.Accounts, Hiring: app.Hiring,
		Engine: w.engine, Calls: w.calls, RTCTokens: tokens, PinnedTenant: pinned,
	}
	app.Handler = withLifecycle(d, NewServer(d))
	srv := &httptest.Server{Listener: ln, Config: &http.Server{Handler: app.Handler}}
	srv.Start()
	t.Cleanup(srv.Close)
	if w.calls != nil {
		t.Cleanup(func() { _ = w.calls.Close() })
	}
	return &roomApp{testApp: app, Tokens: tokens}
}

// withLifecycle serves the lifecycle API in front of h until routes.go
// calls lifecycleRoutes itself; then h is returned as it is.
func withLifecycle(d Deps, h http.Handler) http.Handler {
	if h.(chi.Routes).Match(chi.NewRouteContext(), http.MethodPost, "/api/interviews/start") {
		return h
	}
	s := &server{log: d.Logger, store: d.Store, https: isHTTPS(d.PublicURL), accounts: d.Accounts, team: d.Team,
		hiring: d.Hiring, publicURL: d.PublicURL, calls: d.Calls, rtcTokens: d.RTCTokens, pinnedTenant: d.PinnedTenant}
	mux := chi.NewRouter()
	mux.Use(s.requestID)
	s.lifecycleRoutes(mux)
	mux.Handle("/*", h)
	return mux
}

// tokenOf is the join token at the end of a join link.
func tokenOf(link string) string { return path.Base(link) }

// consent ticks the consent box on link's landing page and wants the
// redirect to the room.
func consent(t *testing.T, c *testClient, link string) {
	t.Helper()
	loc := c.postRedirect(link, url.Values{"consent": {hiring.ConsentVersion}})
	if want := "/join/" + tokenOf(link) + "/room"; loc != want {
		t.Fatalf("consent redirects to %q, want %q", loc, want)
	}
}

// setCandidateCookie gives a browser a candidate cookie by hand, as if
// it had consented once (or is forging one).
func (c *testClient) setCandidateCookie(token string) {
	u, _ := url.Parse(c.app.URL)
	c.c.Jar.SetCookies(u, []*http.Cookie{{Name: candidateCookie, Value: token, Path: "/"}})
}

// call sends a JSON request with this browser's cookies, as a page's
// fetch does (same origin).
func (c *testClient) call(method, path, body string, header ...string) apiResponse {
	c.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, c.abs(path), rd)
	if err != nil {
		c.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := c.c.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return apiResponse{status: res.StatusCode, header: res.Header, body: b}
}
