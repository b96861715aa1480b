package web

import (
	"io"
	"net/http"
	"net/url"
	"path"
	"strings"
	"testing"
	"time"

	"github.com/interviewd/interviewd/internal/auth"
	"github.com/interviewd/interviewd/internal/calls"
	"github.com/interviewd/interviewd/internal/engine"
	"github.com/interviewd/interviewd/internal/hiring"
	"github.com/interviewd/interviewd/internal/realtime"
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

// newRoomApp builds the test app as newTestApp does, plus the RTC signer
// and what wire adds (nil: no live calls). pinned sets TENANT_ID.
func newRoomApp(t *testing.T, st store.Store, pinned string, wire func(url string, st store.Store) roomWiring) *roomApp {
	t.Helper()
	tokens, err := auth.NewRTCSigner(rtcTestSecret, nil)
	if err != nil {
		t.Fatal(err)
	}
	var w roomWiring
	app := newTestAppWith(t, st, func(app *testApp, d *Deps) {
		if wire != nil {
			w = wire(app.URL, st)
		}
		d.Engine, d.Calls, d.RTCTokens, d.PinnedTenant = w.engine, w.calls, tokens, pinned
	})
	if w.calls != nil {
		t.Cleanup(func() { _ = w.calls.Close() })
	}
	return &roomApp{testApp: app, Tokens: tokens}
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

// newLiveRoomApp is a room app with live calls, wired as cmd/interviewd
// does with the local engine: the engine from ecfg (its key and loopback
// ICE filled in) mounted at /v1, reached over HTTP by a calls manager from
// ccfg (store, provider, sidebands and settings filled in). It returns the
// engine too, for tests that look inside it.
func newLiveRoomApp(t *testing.T, ecfg engine.Config, ccfg calls.Config) (*roomApp, *engine.Engine) {
	t.Helper()
	var eng *engine.Engine
	app := newRoomApp(t, openSQLiteStore(t), "", func(url string, st store.Store) roomWiring {
		ecfg.APIKey, ecfg.ICE.LoopbackOnly = rtcEngineKey, true
		var err error
		if eng, err = engine.New(ecfg); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = eng.Close() }) // after the server has stopped
		tr := &http.Transport{}
		t.Cleanup(tr.CloseIdleConnections)
		ccfg.Store = st
		ccfg.Provider = realtime.NewClient(url+"/v1", rtcEngineKey, &http.Client{Timeout: 10 * time.Second, Transport: tr})
		ccfg.Sidebands = realtime.NewClient(url+"/v1", rtcEngineKey, &http.Client{Timeout: 10 * time.Second})
		ccfg.Settings = realtime.Settings{Model: "gpt-realtime", Voice: "marin", TranscribeModel: "gpt-4o-transcribe"}
		m, err := calls.New(ccfg)
		if err != nil {
			t.Fatal(err)
		}
		return roomWiring{engine: eng.Handler(), calls: m}
	})
	return app, eng
}
