package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/google/uuid"
	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/realtime"

	"github.com/interviewd/interviewd/internal/auth"
	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store/sqlite"
	"github.com/interviewd/interviewd/internal/testenv/peer"
)

// testEngineKey is an ENGINE_API_KEY of the shortest accepted length.
const testEngineKey = "sk-engine-test-0123456789abcdefg"

const testJWTSecret = "a-jwt-secret-for-the-engine-tests-32+"

// TestEngineCommandNeedsKey: the engine command refuses to start without
// ENGINE_API_KEY or with a short one, in one line naming the variable,
// before it listens.
func TestEngineCommandNeedsKey(t *testing.T) {
	for name, key := range map[string]string{"missing": "", "short": testEngineKey[:31]} {
		t.Run(name, func(t *testing.T) {
			env := map[string]string{"ADDR": "127.0.0.1:0", "ENGINE_API_KEY": key}
			var out bytes.Buffer
			err := run(context.Background(), []string{"interviewd", "engine"}, func(k string) (string, bool) { v, ok := env[k]; return v, ok }, &out, &out)
			if err == nil {
				t.Fatal("the engine started without a usable key")
			}
			if !strings.HasPrefix(err.Error(), "ENGINE_API_KEY:") || strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q should be one line starting with ENGINE_API_KEY:", err)
			}
			if strings.Contains(out.String(), "is running") {
				t.Error("served without a key")
			}
		})
	}
}

// TestEngineCommand: `interviewd engine` serves the engine's API under /v1
// and /healthz, nothing of the app, with ENGINE_API_KEY as its key, and
// stops cleanly.
func TestEngineCommand(t *testing.T) {
	base, out, stop := startCommand(t, []string{"interviewd", "engine"},
		map[string]string{"ADDR": "127.0.0.1:0", "ENGINE_API_KEY": testEngineKey})
	line := out.String()
	for _, want := range []string{"interviewd engine is running", "url=" + base + "/v1", "speech=\"recogniser=", "listen=127.0.0.1:"} {
		if !strings.Contains(line, want) {
			t.Errorf("start-up line lacks %s:\n%s", want, line)
		}
	}
	for _, tc := range []struct {
		key    string
		status int
	}{{"", http.StatusUnauthorized}, {"sk-wrong-key-0123456789abcdefghij", http.StatusUnauthorized}, {testEngineKey, http.StatusBadRequest}} {
		status, body := postOffer(t, base+"/v1/realtime/calls", tc.key, "not an offer")
		if status != tc.status || !strings.Contains(body, `"error":{`) {
			t.Errorf("key %q: %d %s, want %d in OpenAI's error shape", tc.key, status, body, tc.status)
		}
	}
	for _, path := range []string{"/", "/signin", "/rtc", "/api/v1/interviews", "/readyz"} {
		if got := getStatus(t, base+path); got != http.StatusNotFound {
			t.Errorf("GET %s = %d: the engine serves only /v1 and /healthz", path, got)
		}
	}
	if err := stop(); err != nil {
		t.Fatalf("clean stop returned %v", err)
	}
	if log := out.String(); !strings.Contains(log, "path=/v1/realtime/calls status=401") || !strings.Contains(log, "stopped") {
		t.Errorf("the engine's log lacks its requests or its stop:\n%s", log)
	}
}

// postOffer posts a multipart offer as OpenAI's clients do and returns the
// status and body.
func postOffer(t *testing.T, url, key, sdp string) (int, string) {
	t.Helper()
	var body bytes.Buffer
	body.WriteString("--b\r\nContent-Disposition: form-data; name=\"sdp\"\r\n\r\n" + sdp + "\r\n--b--\r\n")
	req, err := http.NewRequest(http.MethodPost, url, &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "multipart/form-data; boundary=b")
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestServeEngineAPIKey: in the single process, ENGINE_API_KEY is the
// built-in engine's key, so the official SDK can create a call at
// PUBLIC_URL/v1 with it and hang it up; another key is refused.
func TestServeEngineAPIKey(t *testing.T) {
	base, _, stop := start(t, map[string]string{"DATA_DIR": t.TempDir(), "ADDR": "127.0.0.1:0", "ENGINE_API_KEY": testEngineKey})
	defer stop()
	p := peer.New(t, peer.Options{})
	sdk := openai.NewClient(option.WithBaseURL(base+"/v1/"), option.WithAPIKey(testEngineKey), option.WithMaxRetries(0))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	offer := p.Offer()
	resp, err := sdk.Realtime.Calls.New(ctx, realtime.CallNewParams{Sdp: offer, Session: realtime.RealtimeSessionCreateRequestParam{
		Instructions: openai.String("Ask these questions in order, one at a time:\n1. Why?\n")}})
	if err != nil {
		t.Fatalf("Calls.New with ENGINE_API_KEY: %v", err)
	}
	answer, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	callID := callIDOf(resp)
	if resp.StatusCode != http.StatusCreated || !strings.HasPrefix(string(answer), "v=0") || !strings.HasPrefix(callID, "rtc_") {
		t.Fatalf("Calls.New: %d %q, answer %.40q", resp.StatusCode, callID, answer)
	}
	if err := sdk.Realtime.Calls.Hangup(ctx, callID); err != nil {
		t.Errorf("Calls.Hangup: %v", err)
	}
	other := openai.NewClient(option.WithBaseURL(base+"/v1/"), option.WithAPIKey("sk-another-key-0123456789abcdefgh"), option.WithMaxRetries(0))
	if _, err := other.Realtime.Calls.New(ctx, realtime.CallNewParams{Sdp: offer}); err == nil || !strings.Contains(err.Error(), "401") {
		t.Errorf("another key: %v, want 401", err)
	}
}

// callIDOf is the call's ID, the last segment of the Location header, as
// OpenAI's clients read it.
func callIDOf(resp *http.Response) string {
	loc := resp.Header.Get("Location")
	return loc[strings.LastIndex(loc, "/")+1:]
}

// TestServeWithStandaloneEngine: a standalone `interviewd engine` is a
// second interviewd's provider through OPENAI_BASE_URL and OPENAI_API_KEY.
// An interview's call, offered through /rtc, is created, heard on its
// sideband and hung up on the standalone engine.
func TestServeWithStandaloneEngine(t *testing.T) {
	engineURL, engineLog, stopEngine := startCommand(t, []string{"interviewd", "engine"},
		map[string]string{"ADDR": "127.0.0.1:0", "ENGINE_API_KEY": testEngineKey})
	defer stopEngine()
	dir := t.TempDir()
	v := addPendingInterview(t, filepath.Join(dir, "interviewd.db"))
	base, out, stop := start(t, map[string]string{"DATA_DIR": dir, "ADDR": "127.0.0.1:0", "JWT_SECRET": testJWTSecret,
		"OPENAI_BASE_URL": engineURL + "/v1", "OPENAI_API_KEY": testEngineKey})
	defer stop()
	if line := out.String(); !strings.Contains(line, "provider=\"openai at "+engineURL+"/v1\"") {
		t.Errorf("the start-up line does not name the standalone engine:\n%s", line)
	}
	if got := getStatus(t, base+"/v1/realtime"); got == http.StatusUnauthorized {
		t.Error("interviewd serves an engine of its own besides the standalone one")
	}

	began := time.Now()
	p := peer.New(t, peer.Options{OpenMic: true})
	ws := dialRTC(t, base, v)
	sendJSON(t, ws, map[string]string{"type": "sdp_offer", "sdp": p.Offer()})
	p.Answer(readUntil(t, ws, "sdp_answer").SDP)
	callID := readUntil(t, ws, "session").CallID
	p.WaitConnected()
	// The interviewer's greeting, spoken by the standalone engine on the
	// call interviewd created there.
	greeting := p.Until("response.done", 20*time.Second)
	if len(greeting) == 0 {
		t.Fatal("no greeting")
	}
	t.Logf("greeting's response.done %v after the offer", time.Since(began).Round(time.Millisecond))
	waitFor(t, "the greeting stored from the sideband", func() bool { return len(transcriptOf(t, dir, v)) > 0 })
	t.Logf("greeting stored %v after the offer", time.Since(began).Round(time.Millisecond))
	sendJSON(t, ws, map[string]string{"type": "end"})
	waitFor(t, "the hangup at the standalone engine", func() bool {
		return strings.Contains(engineLog.String(), "path=/v1/realtime/calls/"+callID+"/hangup status=200")
	})
	// The sideband's request is logged when its handler returns, after
	// the hangup has closed it: wait for the line rather than read once.
	for _, want := range []string{"path=/v1/realtime/calls status=201", "path=/v1/realtime status=101"} {
		waitFor(t, "the standalone engine's log line "+want, func() bool { return strings.Contains(engineLog.String(), want) })
	}
	if e := transcriptOf(t, dir, v)[0]; e.Speaker != interview.SpeakerInterviewer || e.Text == "" {
		t.Errorf("first stored line %+v, want the interviewer's greeting", e)
	}
}

// addPendingInterview stores an organisation, a position with two
// questions, a candidate and a pending interview in a new SQLite file.
func addPendingInterview(t *testing.T, dbPath string) interview.Session {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ten := interview.Tenant{Name: "Acme"}
	p := interview.Position{Title: "Backend engineer", Questions: []string{"Tell me about a project you are proud of.", "Why do you want to work with us?"}, MaxMinutes: 10}
	p.Normalize()
	c := interview.Candidate{Name: "Ada Lovelace", Email: "ada@example.com"}
	v := interview.Session{ID: uuid.NewString(), Status: interview.StatusPending, JoinVersion: 1,
		JoinExpiresAt: time.Now().Add(time.Hour), JoinTokenHash: auth.HashToken(uuid.NewString())}
	steps := []func() error{
		func() error { return st.CreateTenant(ctx, &ten, "") },
		func() error { p.TenantID = ten.ID; return st.CreatePosition(ctx, &p) },
		func() error { c.TenantID = ten.ID; return st.CreateCandidate(ctx, &c) },
		func() error {
			v.TenantID, v.PositionID, v.CandidateID = ten.ID, p.ID, c.ID
			return st.CreateSession(ctx, &v)
		},
	}
	for _, step := range steps {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	return v
}

func transcriptOf(t *testing.T, dir string, v interview.Session) []interview.TranscriptEntry {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(dir, "interviewd.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	entries, err := st.ListTranscript(context.Background(), v.TenantID, v.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	return entries
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 20 s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// rtcMessage is a /rtc server message, as docs/signaling.md lists them.
type rtcMessage struct {
	Type   string `json:"type"`
	SDP    string `json:"sdp"`
	CallID string `json:"callId"`
	Code   string `json:"code"`
}

// dialRTC opens /rtc for interview v as an integration's client does (no
// Origin), with a token signed with JWT_SECRET.
func dialRTC(t *testing.T, base string, v interview.Session) *websocket.Conn {
	t.Helper()
	signer, err := auth.NewRTCSigner(testJWTSecret, nil)
	if err != nil {
		t.Fatal(err)
	}
	tok, _, err := signer.Issue(v.ID, v.TenantID, "candidate", 10*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(base, "http")+"/rtc?token="+tok+"&session="+v.ID, nil)
	if err != nil {
		t.Fatalf("dial /rtc: %v", err)
	}
	ws.SetReadLimit(1 << 20)
	t.Cleanup(func() { _ = ws.CloseNow() })
	return ws
}

func sendJSON(t *testing.T, ws *websocket.Conn, v any) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := ws.Write(ctx, websocket.MessageText, b); err != nil {
		t.Fatalf("write /rtc: %v", err)
	}
}

// readUntil reads /rtc messages up to the first of type typ; an error
// message fails the test.
func readUntil(t *testing.T, ws *websocket.Conn, typ string) rtcMessage {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for {
		_, b, err := ws.Read(ctx)
		if err != nil {
			t.Fatalf("waiting for %s on /rtc: %v", typ, err)
		}
		var m rtcMessage
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("/rtc message is not JSON: %s", b)
		}
		if m.Type == typ {
			return m
		}
		if m.Type == "error" {
			t.Fatalf("/rtc error while waiting for %s: %s", typ, b)
		}
	}
}
