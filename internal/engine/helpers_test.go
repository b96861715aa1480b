package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"path"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"go.uber.org/goleak"

	"github.com/interviewd/interviewd/internal/testenv/peer"
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
		Turn: Turn{DeltaInterval: time.Millisecond, SidebandWait: 300 * time.Millisecond}}
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

// event is a server event as a test reads it, from the data channel or a
// sideband.
type event = peer.Event

func decodeEvent(t testing.TB, data []byte) event {
	ev, err := peer.DecodeEvent(data)
	if err != nil {
		t.Error(err)
	}
	return ev
}

// events is a stream of server events with a blocking, timed read.
type events struct {
	t  testing.TB
	ch <-chan event
}

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

// client is a pion peer that behaves like a browser calling OpenAI
// (peer.Peer): an audio track and an oai-events data channel, created
// before the offer. Its events are read as a sideband's are.
type client struct {
	*peer.Peer
	t          testing.TB
	events     *events
	audioLevel bool
}

func newClient(t testing.TB, withDataChannel bool) *client {
	t.Helper()
	return newPeerClient(t, peer.Options{NoDataChannel: !withDataChannel})
}

func newPeerClient(t testing.TB, o peer.Options) *client {
	t.Helper()
	p := peer.New(t, o)
	return &client{Peer: p, t: t, events: &events{t: t, ch: p.Events()}, audioLevel: o.AudioLevel}
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

// sidebandClient is a test's WebSocket attached to a call.
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
	ch := make(chan event, 1024)
	s := &sidebandClient{conn: conn, events: &events{t: t, ch: ch}, status: make(chan websocket.StatusCode, 1)}
	t.Cleanup(func() { _ = conn.CloseNow() })
	go func() {
		for {
			_, data, err := conn.Read(context.Background())
			if err != nil {
				s.status <- websocket.CloseStatus(err)
				close(ch)
				return
			}
			ch <- decodeEvent(t, data)
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
