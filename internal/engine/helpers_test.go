package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"path"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/pion/ice/v4"
	"github.com/pion/webrtc/v4"
	"github.com/pion/webrtc/v4/pkg/media"
	"go.uber.org/goleak"
)

const testKey = "sk-test-engine"

const testInstructions = `You are a friendly interviewer for Example Corp.
Candidate: Ada Lovelace
Position: Backend Engineer

Ask these questions in order, one at a time:
1. Tell me about a project you are proud of.
2. Why do you want to work with us?
`

func testSession(instructions string) string {
	b, _ := json.Marshal(map[string]any{
		"type": "realtime", "model": "gpt-realtime", "instructions": instructions,
		"audio": map[string]any{
			"input": map[string]any{
				"transcription":  map[string]any{"model": "gpt-4o-transcribe", "language": "en"},
				"turn_detection": map[string]any{"type": "server_vad", "silence_duration_ms": 1200},
			},
			"output": map[string]any{"voice": "cedar"},
		},
	})
	return string(b)
}

// checkLeaks fails the test if any goroutine outlives it. Register it first:
// cleanups run last-in first-out, so it runs after every other cleanup.
func checkLeaks(t testing.TB) {
	ignore := goleak.IgnoreCurrent() // a benchmark runs beside its parent's goroutines
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) })
}

// startEngine serves a loopback-only engine with fast timing.
func startEngine(t testing.TB, tweak ...func(*Config)) (*Engine, *httptest.Server) {
	t.Helper()
	cfg := Config{APIKey: testKey, ICE: ICE{LoopbackOnly: true},
		Turn: Turn{DeltaInterval: time.Millisecond, SidebandWait: 300 * time.Millisecond, HangupDelay: 100 * time.Millisecond}}
	for _, f := range tweak {
		f(&cfg)
	}
	e, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(e.Handler())
	t.Cleanup(func() {
		_ = e.Close()
		srv.Close()
	})
	return e, srv
}

// event is a server event as a test reads it.
type event struct {
	Type           string  `json:"type"`
	EventID        string  `json:"event_id"`
	ItemID         string  `json:"item_id"`
	ResponseID     string  `json:"response_id"`
	PreviousItemID *string `json:"previous_item_id"`
	Delta          string  `json:"delta"`
	Transcript     string  `json:"transcript"`
	Note           string  `json:"note"`
	Error          *struct {
		Type    string `json:"type"`
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
	Session *struct {
		ID           string `json:"id"`
		Instructions string `json:"instructions"`
		Audio        struct {
			Output struct {
				Voice string `json:"voice"`
			} `json:"output"`
		} `json:"audio"`
	} `json:"session"`
	Raw string `json:"-"`
}

func decodeEvent(t testing.TB, data []byte) event {
	var ev event
	if err := json.Unmarshal(data, &ev); err != nil {
		t.Errorf("server event is not JSON: %v: %s", err, data)
	}
	ev.Raw = string(data)
	return ev
}

// events is a stream of server events with a blocking, timed read.
type events struct {
	t  testing.TB
	ch chan event
}

func newEvents(t testing.TB) *events { return &events{t: t, ch: make(chan event, 1024)} }

func (s *events) next() event {
	s.t.Helper()
	select {
	case ev, ok := <-s.ch:
		if !ok {
			s.t.Fatal("event stream closed")
		}
		return ev
	case <-time.After(10 * time.Second):
		s.t.Fatal("no event within 10 s")
	}
	return event{}
}

// until reads events up to and including the first of type typ.
func (s *events) until(typ string) []event {
	s.t.Helper()
	var out []event
	for {
		ev := s.next()
		out = append(out, ev)
		if ev.Type == typ {
			return out
		}
	}
}

// client is a pion peer that behaves like a browser calling OpenAI: an
// audio track and an oai-events data channel, created before the offer.
type client struct {
	t         testing.TB
	pc        *webrtc.PeerConnection
	dc        *webrtc.DataChannel
	track     *webrtc.TrackLocalStaticSample
	events    *events
	connected chan struct{}
	dcClosed  chan struct{}
}

func loopbackAPI(t testing.TB) *webrtc.API {
	var se webrtc.SettingEngine
	se.SetIncludeLoopbackCandidate(true)
	se.SetIPFilter(func(ip net.IP) bool { return ip.IsLoopback() && ip.To4() != nil })
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	m := &webrtc.MediaEngine{}
	if err := m.RegisterDefaultCodecs(); err != nil {
		t.Fatal(err)
	}
	return webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithSettingEngine(se))
}

func newClient(t testing.TB, withDataChannel bool) *client {
	t.Helper()
	pc, err := loopbackAPI(t).NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	c := &client{t: t, pc: pc, events: newEvents(t), connected: make(chan struct{}), dcClosed: make(chan struct{})}
	t.Cleanup(func() { _ = pc.Close() })
	c.track, err = webrtc.NewTrackLocalStaticSample(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2}, "mic", "candidate")
	if err != nil {
		t.Fatal(err)
	}
	sender, err := pc.AddTrack(c.track)
	if err != nil {
		t.Fatal(err)
	}
	go drainRTCP(sender.ReadRTCP)
	var once sync.Once
	pc.OnConnectionStateChange(func(s webrtc.PeerConnectionState) {
		if s == webrtc.PeerConnectionStateConnected {
			once.Do(func() { close(c.connected) })
		}
	})
	pc.OnTrack(func(tr *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		for {
			if _, _, err := tr.ReadRTP(); err != nil {
				return
			}
		}
	})
	if withDataChannel {
		c.openDataChannel()
	}
	return c
}

func (c *client) openDataChannel() {
	dc, err := c.pc.CreateDataChannel(eventsLabel, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	c.dc = dc
	dc.OnMessage(func(m webrtc.DataChannelMessage) { c.events.ch <- decodeEvent(c.t, m.Data) })
	dc.OnClose(func() { close(c.dcClosed) })
}

// offer creates the offer and waits for gathering, as a non-trickle client.
func (c *client) offer() string {
	c.t.Helper()
	o, err := c.pc.CreateOffer(nil)
	if err != nil {
		c.t.Fatal(err)
	}
	gathered := webrtc.GatheringCompletePromise(c.pc)
	if err := c.pc.SetLocalDescription(o); err != nil {
		c.t.Fatal(err)
	}
	<-gathered
	return c.pc.LocalDescription().SDP
}

func (c *client) answer(sdp string) {
	c.t.Helper()
	if err := c.pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: sdp}); err != nil {
		c.t.Fatal(err)
	}
}

func (c *client) waitConnected() {
	c.t.Helper()
	select {
	case <-c.connected:
	case <-time.After(10 * time.Second):
		c.t.Fatal("peer did not connect within 10 s")
	}
}

// sendSilence sends a few 20 ms Opus silence frames, as a muted microphone does.
func (c *client) sendSilence(n int) {
	for range n {
		if err := c.track.WriteSample(media.Sample{Data: []byte{0xf8, 0xff, 0xfe}, Duration: 20 * time.Millisecond}); err != nil {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (c *client) send(v any) {
	c.t.Helper()
	b, _ := json.Marshal(v)
	if err := c.dc.SendText(string(b)); err != nil {
		c.t.Fatal(err)
	}
}

// part is one multipart part; an empty contentType sends a plain form field.
type part struct{ name, contentType, body string }

func multipartBody(parts ...part) (string, *bytes.Buffer) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, p := range parts {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="`+p.name+`"`)
		if p.contentType != "" {
			h.Set("Content-Type", p.contentType)
		}
		w, _ := mw.CreatePart(h)
		_, _ = io.WriteString(w, p.body)
	}
	_ = mw.Close()
	return mw.FormDataContentType(), &buf
}

func post(t testing.TB, url, key, contentType string, body io.Reader) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, body)
	if err != nil {
		t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// createCall posts an offer with a session and returns the answer and call id.
func createCall(t testing.TB, srv *httptest.Server, offer, session string) (string, string) {
	t.Helper()
	ct, body := multipartBody(part{"sdp", "application/sdp", offer}, part{"session", "application/json", session})
	resp, answer := post(t, srv.URL+"/v1/realtime/calls", testKey, ct, body)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("create call: %d %s", resp.StatusCode, answer)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/sdp" {
		t.Fatalf("answer content type %q", ct)
	}
	loc := resp.Header.Get("Location")
	if !strings.HasPrefix(loc, "/v1/realtime/calls/rtc_") {
		t.Fatalf("Location %q", loc)
	}
	return answer, path.Base(loc)
}

// sideband is a test's WebSocket attached to a call.
type sidebandClient struct {
	conn   *websocket.Conn
	events *events
	status chan websocket.StatusCode
}

func dialSideband(t testing.TB, srv *httptest.Server, callID string) *sidebandClient {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	url := "ws" + strings.TrimPrefix(srv.URL, "http") + "/v1/realtime?call_id=" + callID
	conn, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{
		HTTPHeader: http.Header{"Authorization": {"Bearer " + testKey}}})
	if err != nil {
		t.Fatal(err)
	}
	s := &sidebandClient{conn: conn, events: newEvents(t), status: make(chan websocket.StatusCode, 1)}
	t.Cleanup(func() { _ = conn.CloseNow() })
	go func() {
		for {
			_, data, err := conn.Read(context.Background())
			if err != nil {
				s.status <- websocket.CloseStatus(err)
				close(s.events.ch)
				return
			}
			s.events.ch <- decodeEvent(t, data)
		}
	}()
	return s
}

func (s *sidebandClient) send(t testing.TB, v any) {
	t.Helper()
	b, _ := json.Marshal(v)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.conn.Write(ctx, websocket.MessageText, b); err != nil {
		t.Fatal(err)
	}
}

func (s *sidebandClient) closeStatus(t testing.TB) websocket.StatusCode {
	t.Helper()
	select {
	case code := <-s.status:
		return code
	case <-time.After(10 * time.Second):
		t.Fatal("sideband not closed within 10 s")
	}
	return 0
}

func userMessage(text string) map[string]any {
	return map[string]any{"type": "conversation.item.create", "item": map[string]any{
		"type": "message", "role": "user",
		"content": []map[string]any{{"type": "input_text", "text": text}}}}
}

func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
