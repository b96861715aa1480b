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
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/google/uuid"
	"github.com/pion/ice/v4"
	"github.com/pion/webrtc/v4"
	"github.com/pion/webrtc/v4/pkg/media"
	"go.uber.org/goleak"

	"github.com/interviewd/interviewd/internal/auth"
	"github.com/interviewd/interviewd/internal/calls"
	"github.com/interviewd/interviewd/internal/engine"
	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/realtime"
	"github.com/interviewd/interviewd/internal/store"
	"github.com/interviewd/interviewd/internal/store/sqlite"
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
	dbPath          string // the SQLite file; empty means a new one (a restart reuses one)
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
		Turn: engine.Turn{DeltaInterval: time.Millisecond, SidebandWait: 300 * time.Millisecond, HangupDelay: 100 * time.Millisecond}})
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
		Calls: a.Calls, RTCTokens: a.Tokens, PinnedTenant: o.pinnedTenant, RTCLimits: o.limits})
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

// until reads messages up to the first of type typ, skipping transcript echoes.
func (c *rtcClient) until(typ string) serverMessage {
	c.t.Helper()
	for {
		m := c.next()
		if m.Type == typ {
			return m
		}
		if m.Type != msgTranscript {
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

// rtcPeer is a candidate's browser as pion: an Opus track sending silence
// and an oai-events data channel, both made before the offer.
type rtcPeer struct {
	t         testing.TB
	pc        *webrtc.PeerConnection
	dc        *webrtc.DataChannel
	track     *webrtc.TrackLocalStaticSample
	events    chan realtime.Event
	connected chan struct{}
	stop      chan struct{}
	wg        sync.WaitGroup
}

func newRTCPeer(t testing.TB) *rtcPeer {
	t.Helper()
	var se webrtc.SettingEngine
	se.SetIncludeLoopbackCandidate(true)
	se.SetIPFilter(func(ip net.IP) bool { return ip.IsLoopback() && ip.To4() != nil })
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	me := &webrtc.MediaEngine{}
	rtcMust(t, me.RegisterDefaultCodecs())
	pc, err := webrtc.NewAPI(webrtc.WithMediaEngine(me), webrtc.WithSettingEngine(se)).NewPeerConnection(webrtc.Configuration{})
	rtcMust(t, err)
	p := &rtcPeer{t: t, pc: pc, events: make(chan realtime.Event, 1024), connected: make(chan struct{}), stop: make(chan struct{})}
	t.Cleanup(p.close)
	p.track, err = webrtc.NewTrackLocalStaticSample(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2}, "mic", "candidate")
	rtcMust(t, err)
	sender, err := pc.AddTrack(p.track)
	rtcMust(t, err)
	p.wg.Go(func() {
		buf := make([]byte, 1500)
		for {
			if _, _, err := sender.Read(buf); err != nil {
				return
			}
		}
	})
	var once sync.Once
	pc.OnConnectionStateChange(func(s webrtc.PeerConnectionState) {
		if s == webrtc.PeerConnectionStateConnected {
			once.Do(func() {
				close(p.connected)
				p.wg.Go(p.sendSilence)
			})
		}
	})
	pc.OnTrack(func(tr *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		for {
			if _, _, err := tr.ReadRTP(); err != nil {
				return
			}
		}
	})
	p.dc, err = pc.CreateDataChannel("oai-events", nil)
	rtcMust(t, err)
	p.dc.OnMessage(func(m webrtc.DataChannelMessage) {
		if ev, err := realtime.DecodeEvent(m.Data); err == nil {
			select {
			case p.events <- ev:
			default:
			}
		}
	})
	return p
}

// sendSilence sends 20 ms Opus silence frames, as a muted microphone does.
func (p *rtcPeer) sendSilence() {
	t := time.NewTicker(20 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-t.C:
			if err := p.track.WriteSample(media.Sample{Data: []byte{0xf8, 0xff, 0xfe}, Duration: 20 * time.Millisecond}); err != nil {
				return
			}
		}
	}
}

func (p *rtcPeer) close() {
	select {
	case <-p.stop:
	default:
		close(p.stop)
	}
	_ = p.pc.Close()
	p.wg.Wait()
}

// offer creates the offer and waits for gathering, as a non-trickle browser.
func (p *rtcPeer) offer() string {
	p.t.Helper()
	o, err := p.pc.CreateOffer(nil)
	rtcMust(p.t, err)
	gathered := webrtc.GatheringCompletePromise(p.pc)
	rtcMust(p.t, p.pc.SetLocalDescription(o))
	<-gathered
	return p.pc.LocalDescription().SDP
}

func (p *rtcPeer) answer(sdp string) {
	p.t.Helper()
	rtcMust(p.t, p.pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: sdp}))
}

func (p *rtcPeer) waitConnected() {
	p.t.Helper()
	select {
	case <-p.connected:
	case <-time.After(10 * time.Second):
		p.t.Fatal("peer did not connect within 10 s")
	}
}

// waitEvent reads data channel events up to the first of type typ.
func (p *rtcPeer) waitEvent(typ string) realtime.Event {
	p.t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case ev := <-p.events:
			if ev.Type == typ {
				return ev
			}
		case <-timeout:
			p.t.Fatalf("no %s on the data channel within 10 s", typ)
		}
	}
}

// say answers in text, as the engine's text mode takes answers.
func (p *rtcPeer) say(text string) {
	p.t.Helper()
	b, _ := json.Marshal(map[string]any{"type": "conversation.item.create", "item": map[string]any{
		"type": "message", "role": "user", "content": []map[string]any{{"type": "input_text", "text": text}}}})
	rtcMust(p.t, p.dc.SendText(string(b)))
}
