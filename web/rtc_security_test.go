package web

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/google/uuid"

	"github.com/interviewd/interviewd/internal/auth"
	"github.com/interviewd/interviewd/internal/interview"
)

// TestRTCRefusedBeforeUpgrade: every bad token, a wrong Origin, another
// tenant under TENANT_ID, and a missing or ended interview are refused
// with a JSON error before the WebSocket exists.
func TestRTCRefusedBeforeUpgrade(t *testing.T) {
	checkRTCLeaks(t)
	pinned := uuid.NewString()
	a := newRTCApp(t, rtcOptions{pinnedTenant: pinned})
	v := a.newInterviewIn(pinned, rtcQuestions...)
	other := a.newInterviewIn(pinned, rtcQuestions...)
	foreign := a.newInterview(rtcQuestions...) // another tenant
	ended := a.newInterviewIn(pinned, rtcQuestions...)
	_, err := a.Store.TransitionSession(context.Background(), pinned, ended.ID, interview.StatusAbandoned, "test", time.Now())
	rtcMust(t, err)

	past, _ := auth.NewRTCSigner(rtcTestSecret, func() time.Time { return time.Now().Add(-2 * time.Hour) })
	expired, _, _ := past.Issue(v.ID, pinned, "candidate", 10*time.Minute)
	forger, _ := auth.NewRTCSigner("another secret of at least thirty-two bytes!", nil)
	forged, _, _ := forger.Issue(v.ID, pinned, "candidate", 10*time.Minute)
	cases := []struct {
		name, token, session, origin string
		status                       int
		code                         rtcCode
	}{
		{"missing token", "", v.ID, a.URL, 401, rtcUnauthorized},
		{"garbage token", "not.a.jwt", v.ID, a.URL, 401, rtcUnauthorized},
		{"expired token", expired, v.ID, a.URL, 401, rtcUnauthorized},
		{"forged token", forged, v.ID, a.URL, 401, rtcUnauthorized},
		{"alg none", algNone(v.ID, pinned), v.ID, a.URL, 401, rtcUnauthorized},
		{"token for another interview", a.token(other), v.ID, a.URL, 401, rtcUnauthorized},
		{"another tenant under TENANT_ID", a.token(foreign), foreign.ID, a.URL, 401, rtcUnauthorized},
		{"wrong origin", a.token(v), v.ID, "https://evil.example", 403, rtcForbidden},
		{"origin with another port", a.token(v), v.ID, "http://127.0.0.1:1", 403, rtcForbidden},
		{"interview not found", tokenFor(t, a, uuid.NewString(), pinned), "", a.URL, 404, rtcNotFound},
		{"interview ended", a.token(ended), ended.ID, a.URL, 409, rtcClosed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			session := tc.session
			if session == "" { // the token's own interview
				session = claimsOf(t, a, tc.token).InterviewID
			}
			_, resp, err := a.tryDial(tc.token, session, tc.origin)
			if err == nil {
				t.Fatal("upgraded")
			}
			if resp == nil || resp.StatusCode != tc.status {
				t.Fatalf("response %v, want %d", resp, tc.status)
			}
			var body struct {
				Error struct{ Code, Message string } `json:"error"`
			}
			b, _ := io.ReadAll(resp.Body)
			if json.Unmarshal(b, &body) != nil || body.Error.Code != string(tc.code) || body.Error.Message == "" {
				t.Errorf("body %s, want code %s", b, tc.code)
			}
		})
	}
	if s := a.session(v).Status; s != interview.StatusPending {
		t.Errorf("a refused connection changed the interview: %s", s)
	}
}

func tokenFor(t *testing.T, a *rtcApp, interviewID, tenantID string) string {
	tok, _, err := a.Tokens.Issue(interviewID, tenantID, "candidate", time.Minute)
	rtcMust(t, err)
	return tok
}

func claimsOf(t *testing.T, a *rtcApp, tok string) auth.RTCClaims {
	c, err := a.Tokens.Verify(tok)
	rtcMust(t, err)
	return c
}

// algNone is an unsigned token with valid claims.
func algNone(interviewID, tenantID string) string {
	enc := base64.RawURLEncoding.EncodeToString
	now := time.Now().Unix()
	claims, _ := json.Marshal(map[string]any{"interviewId": interviewID, "tenantId": tenantID, "iss": "interviewd",
		"aud": []string{"rtc"}, "sub": "x", "iat": now, "nbf": now, "exp": now + 600})
	return enc([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + enc(claims) + "."
}

// TestRTCBadMessages: bad messages get BAD_MESSAGE and the connection
// stays; too large a message closes with 1009, too many bad ones with 1008.
func TestRTCBadMessages(t *testing.T) {
	checkRTCLeaks(t)
	a := newRTCApp(t, rtcOptions{limits: RTCLimits{MaxBadMessages: 5}})
	v := a.newInterview(rtcQuestions...)
	c := a.dial(a.token(v), v.ID)
	for _, bad := range []string{`{"type":`, `[1,2]`, `{"type":"dance"}`, `{"type":"sdp_offer","sdp":"hello"}`} {
		c.sendRaw([]byte(bad))
		if m := c.next(); m.Type != msgError || m.Code != rtcBadMessage {
			t.Errorf("%s: got %+v", bad, m)
		}
	}
	c.send(map[string]any{"type": msgICECandidate, "candidate": map[string]any{"candidate": "candidate:1 1 udp 1 127.0.0.1 9 typ host"}})
	c.send(map[string]string{"type": msgPing})
	if m := c.next(); m.Type != msgPong {
		t.Fatalf("after bad messages and an ICE candidate: %+v", m)
	}
	c.sendRaw([]byte(`nope`)) // the fifth
	st, msgs := c.closed()
	if st.Code != websocket.StatusPolicyViolation || !rtcHasError(msgs, rtcBadMessage) {
		t.Errorf("close %v, messages %+v", st, msgs)
	}

	c = a.dial(a.token(v), v.ID)
	c.sendRaw([]byte(`{"type":"ping","pad":"` + strings.Repeat("x", 300<<10) + `"}`))
	st, msgs = c.closed()
	if st.Code != websocket.StatusMessageTooBig || !rtcHasError(msgs, rtcTooLarge) {
		t.Errorf("oversized: close %v, messages %+v", st, msgs)
	}
	if s := a.session(v).Status; s != interview.StatusPending {
		t.Errorf("status %s", s)
	}
}

// TestRTCRateLimits: connections per IP and messages per second.
func TestRTCRateLimits(t *testing.T) {
	checkRTCLeaks(t)
	a := newRTCApp(t, rtcOptions{limits: RTCLimits{ConnsPerIPPerMinute: 2, MessagesPerSecond: 2}})
	v := a.newInterview(rtcQuestions...)
	c := a.dial(a.token(v), v.ID)
	for range 8 {
		c.send(map[string]string{"type": msgPing})
	}
	limited := false
	for range 5 {
		if m := c.next(); m.Type == msgError && m.Code == rtcRateLimited {
			limited = true
			break
		}
	}
	if !limited {
		t.Error("no RATE_LIMITED for a burst of messages")
	}
	a.dial(a.token(v), v.ID)
	_, resp, err := a.tryDial(a.token(v), v.ID, a.URL)
	if err == nil || resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("third connection in a minute: %v %v", err, resp)
	}
}
