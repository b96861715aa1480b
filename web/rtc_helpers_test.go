package web

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/google/uuid"
	"go.uber.org/goleak"

	"github.com/interviewd/interviewd/internal/auth"
	"github.com/interviewd/interviewd/internal/calls"
	"github.com/interviewd/interviewd/internal/engine"
	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/realtime"
	"github.com/interviewd/interviewd/internal/store"
	"github.com/interviewd/interviewd/internal/store/sqlite"
	"github.com/interviewd/interviewd/internal/testenv/peer"
)

const (
	rtcTestSecret = "rtc test secret of at least thirty-two bytes"
	rtcEngineKey  = "sk-local-test"
)

// checkRTCLeaks fails the test if a goroutine started during it outlives
// it. Register it first: cleanups run last-in first-out.
func checkRTCLeaks(t testing.TB) {
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) })
}

// rtcOptions shape an rtcApp.
type rtcOptions struct {
	upstream        string        // a fake provider's base URL; empty means the engine
	providerTimeout time.Duration // the provider client's timeout (default 5 s)
	calls           calls.Config  // knobs; Store, Provider, Settings are filled in
	limits          RTCLimits
	pinnedTenant    string
	dbPath          string    // the SQLite file; empty means a new one (a restart reuses one)
	clientIPs       ClientIPs // trusted proxies; zero means the peer is the client
}

// rtcApp is interviewd's live side as cmd/interviewd wires it with the
// local engine: a SQLite store, the engine mounted at /v1 and reached over
// HTTP by the realtime client, the calls manager and the web server, on a
// loopback port that is also PUBLIC_URL.
type rtcApp struct {
	t      testing.TB
	URL    string
	Store  store.Store
	Engine *engine.Engine
	Calls  *calls.Manager
	Tokens *auth.RTCSigner
	Logs   *logBuffer
	dbPath string
}

func newRTCApp(t testing.TB, o rtcOptions) *rtcApp {
	t.Helper()
	if o.dbPath == "" {
		o.dbPath = filepath.Join(t.TempDir(), "interviewd.db")
	}
	st, err := sqlite.Open(context.Background(), o.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	a := &rtcApp{t: t, URL: "http://" + ln.Addr().String(), Store: st, Logs: &logBuffer{}, dbPath: o.dbPath}
	logger := slog.New(slog.NewJSONHandler(a.Logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	a.Engine, err = engine.New(engine.Config{APIKey: rtcEngineKey, ICE: engine.ICE{LoopbackOnly: true},
		Turn: engine.Turn{DeltaInterval: time.Millisecond, SidebandWait: 300 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	if a.Tokens, err = auth.NewRTCSigner(rtcTestSecret, nil); err != nil {
		t.Fatal(err)
	}
	base := a.URL + "/v1"
	if o.upstream != "" {
		base = o.upstream
	}
	if o.providerTimeout == 0 {
		o.providerTimeout = 5 * time.Second
	}
	tr := &http.Transport{}
	cfg := o.calls
	cfg.Store, cfg.Logger = st, logger
	cfg.Provider = realtime.NewClient(base, rtcEngineKey, &http.Client{Timeout: o.providerTimeout, Transport: tr})
	cfg.Sidebands = realtime.NewClient(base, rtcEngineKey, &http.Client{Timeout: o.providerTimeout})
	cfg.Settings = realtime.Settings{Model: "gpt-realtime", Voice: "marin", TranscribeModel: "gpt-4o-transcribe"}
	if a.Calls, err = calls.New(cfg); err != nil {
		t.Fatal(err)
	}
	h := NewServer(Deps{Logger: logger, Store: st, PublicURL: a.URL, Engine: a.Engine.Handler(),
		Calls: a.Calls, RTCTokens: a.Tokens, PinnedTenant: o.pinnedTenant, RTCLimits: o.limits, ClientIPs: o.clientIPs})
	srv := &httptest.Server{Listener: ln, Config: &http.Server{Handler: h}}
	srv.Start()
	t.Cleanup(func() {
		srv.Close()
		tr.CloseIdleConnections()
	})
	t.Cleanup(func() { _ = a.Engine.Close() })
	t.Cleanup(func() { _ = a.Calls.Close() })
	return a
}

// newInterview stores an organisation, a position with questions, a
// candidate and a pending interview, and returns the interview.
func (a *rtcApp) newInterview(questions ...string) interview.Session {
	return a.newInterviewIn("", questions...)
}

func (a *rtcApp) newInterviewIn(tenantID string, questions ...string) interview.Session {
	a.t.Helper()
	ctx := context.Background()
	ten := interview.Tenant{ID: tenantID, Name: "Acme"}
	if _, err := a.Store.GetTenant(ctx, tenantID); tenantID == "" || err != nil {
		rtcMust(a.t, a.Store.CreateTenant(ctx, &ten, ""))
	}
	p := interview.Position{TenantID: ten.ID, Title: "Backend engineer", Questions: questions, MaxMinutes: 10}
	p.Normalize()
	rtcMust(a.t, a.Store.CreatePosition(ctx, &p))
	c := interview.Candidate{TenantID: ten.ID, Name: "Ada Lovelace", Email: "ada@example.com"}
	rtcMust(a.t, a.Store.CreateCandidate(ctx, &c))
	v := interview.Session{ID: uuid.NewString(), TenantID: ten.ID, PositionID: p.ID, CandidateID: c.ID,
		Status: interview.StatusPending, JoinVersion: 1, JoinExpiresAt: time.Now().Add(time.Hour),
		JoinTokenHash: auth.HashToken(uuid.NewString())}
	rtcMust(a.t, a.Store.CreateSession(ctx, &v))
	return v
}

func rtcMust(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func (a *rtcApp) token(v interview.Session) string {
	a.t.Helper()
	tok, _, err := a.Tokens.Issue(v.ID, v.TenantID, "candidate", 10*time.Minute)
	rtcMust(a.t, err)
	return tok
}

func (a *rtcApp) session(v interview.Session) interview.Session {
	a.t.Helper()
	got, err := a.Store.GetSession(context.Background(), v.TenantID, v.ID)
	rtcMust(a.t, err)
	return got
}

func (a *rtcApp) transcript(v interview.Session) []interview.TranscriptEntry {
	a.t.Helper()
	got, err := a.Store.ListTranscript(context.Background(), v.TenantID, v.ID, 0)
	rtcMust(a.t, err)
	return got
}

func (a *rtcApp) waitStatus(v interview.Session, want interview.Status) interview.Session {
	a.t.Helper()
	var got interview.Session
	rtcWait(a.t, "status "+string(want), func() bool {
		got = a.session(v)
		return got.Status == want
	})
	return got
}

func rtcWait(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// rtcURL is the signalling URL for a token and an interview.
func (a *rtcApp) rtcURL(token, session string) string {
	return "ws" + strings.TrimPrefix(a.URL, "http") + "/rtc?token=" + token + "&session=" + session
}

// rtcClient is a browser's signalling connection as a test drives it.
type rtcClient struct {
	t      testing.TB
	ws     *websocket.Conn
	msgs   chan serverMessage
	status chan websocket.CloseError
}

// dial opens /rtc with the app's own Origin and fails the test if refused.
func (a *rtcApp) dial(token, session string) *rtcClient {
	a.t.Helper()
	c, resp, err := a.tryDial(token, session, a.URL)
	if err != nil {
		a.t.Fatalf("dial /rtc: %v (%v)", err, resp)
	}
	return c
}

func (a *rtcApp) tryDial(token, session, origin string) (*rtcClient, *http.Response, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	h := http.Header{}
	if origin != "" {
		h.Set("Origin", origin)
	}
	ws, resp, err := websocket.Dial(ctx, a.rtcURL(token, session), &websocket.DialOptions{HTTPHeader: h})
	if err != nil {
		return nil, resp, err
	}
	ws.SetReadLimit(1 << 20)
	c := &rtcClient{t: a.t, ws: ws, msgs: make(chan serverMessage, 256), status: make(chan websocket.CloseError, 1)}
	a.t.Cleanup(func() { _ = ws.CloseNow() })
	go c.read()
	return c, resp, nil
}

func (c *rtcClient) read() {
	for {
		_, b, err := c.ws.Read(context.Background())
		if err != nil {
			var ce websocket.CloseError
			errors.As(err, &ce)
			c.status <- ce
			close(c.msgs)
			return
		}
		var m serverMessage
		if err := json.Unmarshal(b, &m); err != nil {
			c.t.Errorf("server message is not JSON: %s", b)
		}
		c.msgs <- m
	}
}

func (c *rtcClient) send(v any) {
	c.t.Helper()
	b, err := json.Marshal(v)
	rtcMust(c.t, err)
	c.sendRaw(b)
}

func (c *rtcClient) sendRaw(b []byte) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.ws.Write(ctx, websocket.MessageText, b); err != nil {
		c.t.Fatalf("write: %v", err)
	}
}

func (c *rtcClient) next() serverMessage {
	c.t.Helper()
	select {
	case m, ok := <-c.msgs:
		if !ok {
			c.t.Fatal("signalling closed")
		}
		return m
	case <-time.After(10 * time.Second):
		c.t.Fatal("no message within 10 s")
	}
	return serverMessage{}
}

// until reads messages up to the first of type typ, skipping transcript
// echoes and progress.
func (c *rtcClient) until(typ string) serverMessage {
	c.t.Helper()
	for {
		m := c.next()
		if m.Type == typ {
			return m
		}
		if m.Type != msgTranscript && m.Type != msgProgress {
			c.t.Fatalf("got %+v while waiting for %s", m, typ)
		}
	}
}

// closed waits for the server's close and returns its code and reason,
// with every message that came before.
func (c *rtcClient) closed() (websocket.CloseError, []serverMessage) {
	c.t.Helper()
	var msgs []serverMessage
	timeout := time.After(10 * time.Second)
	for {
		select {
		case m, ok := <-c.msgs:
			if ok {
				msgs = append(msgs, m)
				continue
			}
			return <-c.status, msgs
		case <-timeout:
			c.t.Fatal("signalling not closed within 10 s")
		}
	}
}

// offerCall sends an offer and returns the answer and session messages.
func (c *rtcClient) offerCall(sdp string) (serverMessage, serverMessage) {
	c.t.Helper()
	c.send(map[string]string{"type": msgSDPOffer, "sdp": sdp})
	return c.until(msgSDPAnswer), c.until(msgSession)
}

// rtcPeer is a candidate's browser as pion (peer.Peer): an Opus track
// sending silence and an oai-events data channel, both made before the
// offer.
type rtcPeer struct {
	*peer.Peer
	t testing.TB
}

func newRTCPeer(t testing.TB) *rtcPeer {
	t.Helper()
	return &rtcPeer{Peer: peer.New(t, peer.Options{OpenMic: true}), t: t}
}

// offer creates the offer and waits for gathering, as a non-trickle browser.
func (p *rtcPeer) offer() string {
	p.t.Helper()
	return p.Offer()
}

func (p *rtcPeer) answer(sdp string) {
	p.t.Helper()
	p.Answer(sdp)
}

func (p *rtcPeer) waitConnected() {
	p.t.Helper()
	p.WaitConnected()
}

// waitEvent reads data channel events up to the first of type typ.
func (p *rtcPeer) waitEvent(typ string) peer.Event {
	p.t.Helper()
	evs := p.Until(typ, 10*time.Second)
	return evs[len(evs)-1]
}

// say answers in text as a client of OpenAI does: the user message, then
// response.create (the engine's text mode takes answers).
func (p *rtcPeer) say(text string) {
	p.t.Helper()
	p.Reply(text)
}

func (p *rtcPeer) close() { p.Close() }
