package web

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/interviewd/interviewd/internal/calls"
	"github.com/interviewd/interviewd/internal/interview"
)

// rtcStaticOffer is enough of a browser's offer for a fake provider.
const rtcStaticOffer = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=fingerprint:sha-256 AA:BB:CC\r\n" +
	"m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\na=rtpmap:111 opus/48000/2\r\n"

const rtcFakeAnswer = "v=0\r\no=- 3 4 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=setup:active\r\n"

// fakeProvider stands in for OpenAI, which tests cannot reach: create
// answers as told, the sideband runs side, hangup always succeeds.
func rtcFakeProvider(t *testing.T, create http.HandlerFunc, side func(ctx context.Context, ws *websocket.Conn)) string {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/realtime/calls", create)
	mux.HandleFunc("POST /v1/realtime/calls/{id}/hangup", func(w http.ResponseWriter, r *http.Request) {})
	mux.HandleFunc("GET /v1/realtime", func(w http.ResponseWriter, r *http.Request) {
		ws, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer ws.CloseNow()
		if _, _, err := ws.Read(r.Context()); err != nil { // session.update
			return
		}
		side(r.Context(), ws)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL + "/v1"
}

func rtcProviderCreated(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	w.Header().Set("Location", "/v1/realtime/calls/rtc_fake1")
	w.Header().Set("Content-Type", "application/sdp")
	w.WriteHeader(http.StatusCreated)
	_, _ = io.WriteString(w, rtcFakeAnswer)
}

func rtcProviderError(status int, code string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, `{"error":{"message":"refused by the fake","type":"invalid_request_error","code":"`+code+`"}}`)
	}
}

// TestRTCUpstreamFaults: every provider failure gives the candidate a
// clear code and leaves the interview in the documented status.
func TestRTCUpstreamFaults(t *testing.T) {
	checkRTCLeaks(t)
	closeAt := func(ctx context.Context, ws *websocket.Conn) { _ = ws.Close(websocket.StatusNormalClosure, "") }
	spokeThenClose := func(ctx context.Context, ws *websocket.Conn) {
		for _, ev := range []string{
			`{"type":"response.output_item.added","item":{"id":"item_1","type":"message","role":"assistant"}}`,
			`{"type":"response.output_audio_transcript.done","item_id":"item_1","transcript":"Hello Ada."}`,
		} {
			_ = ws.Write(ctx, websocket.MessageText, []byte(ev))
		}
		_ = ws.Close(websocket.StatusNormalClosure, "")
	}
	cases := []struct {
		name     string
		create   http.HandlerFunc
		side     func(context.Context, *websocket.Conn)
		code     rtcCode
		close    websocket.StatusCode // 0: the connection stays open
		status   interview.Status
		answered bool
	}{
		{name: "4xx refusing the session", create: rtcProviderError(400, "invalid_value"),
			code: rtcRejected, close: closeFailed, status: interview.StatusFailed},
		{name: "4xx refusing the offer", create: rtcProviderError(400, "invalid_offer"),
			code: rtcRejected, status: interview.StatusPending},
		{name: "401 bad key", create: rtcProviderError(401, "invalid_api_key"),
			code: rtcRejected, status: interview.StatusPending},
		{name: "5xx", create: func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(502) },
			code: rtcUnavailable, status: interview.StatusPending},
		{name: "timeout", create: func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		}, code: rtcUnavailable, status: interview.StatusPending},
		{name: "garbage SDP answer", create: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Location", "/v1/realtime/calls/rtc_fake1")
			w.WriteHeader(201)
			_, _ = io.WriteString(w, `{"error":"not an sdp"}`)
		}, code: rtcUnavailable, status: interview.StatusPending},
		{name: "sideband closing at once", create: rtcProviderCreated, side: closeAt, answered: true,
			code: rtcUnavailable, close: closeFailed, status: interview.StatusFailed},
		{name: "sideband closing after the interviewer spoke", create: rtcProviderCreated, side: spokeThenClose, answered: true,
			close: websocket.StatusNormalClosure, status: interview.StatusCompleted},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			up := rtcFakeProvider(t, tc.create, tc.side)
			a := newRTCApp(t, rtcOptions{upstream: up, providerTimeout: 300 * time.Millisecond,
				calls: calls.Config{Settle: 50 * time.Millisecond}})
			v := a.newInterview(rtcQuestions...)
			c := a.dial(a.token(v), v.ID)
			c.send(map[string]string{"type": msgSDPOffer, "sdp": rtcStaticOffer})
			if tc.answered {
				if ans := c.until(msgSDPAnswer); ans.SDP != rtcFakeAnswer {
					t.Errorf("answer changed on the way: %q", ans.SDP)
				}
			}
			var msgs []serverMessage
			if tc.close == 0 {
				m := c.next()
				msgs = append(msgs, m)
				c.send(map[string]string{"type": msgPing})
				if p := c.next(); p.Type != msgPong {
					t.Errorf("connection not usable after a retryable error: %+v", p)
				}
			} else {
				var st websocket.CloseError
				st, msgs = c.closed()
				if st.Code != tc.close {
					t.Errorf("close %v, want %d", st, tc.close)
				}
			}
			if tc.code != "" && !rtcHasError(msgs, tc.code) {
				t.Errorf("messages %+v, want error %s", msgs, tc.code)
			}
			for _, m := range msgs {
				if m.Type == msgError && (m.Message == "" || strings.Contains(m.Message, "{")) {
					t.Errorf("unclear error message %q", m.Message)
				}
			}
			a.waitStatus(v, tc.status)
		})
	}
}

// TestRTCProviderEndedUnanswered: the provider ends the call while the
// connection stays attached but no longer answers (a browser cut off by an
// outage, which has given the call up and will offer a new one): the end
// is not taken as the interviewer's. The connection is let go after its
// unanswered ping and the reconnect window decides; a new connection's
// offer continues the interview.
func TestRTCProviderEndedUnanswered(t *testing.T) {
	spokeThenClose := func(ctx context.Context, ws *websocket.Conn) {
		_ = ws.Write(ctx, websocket.MessageText, []byte(`{"type":"response.output_audio_transcript.done","item_id":"item_1","transcript":"Hello Ada."}`))
		time.Sleep(100 * time.Millisecond)
		_ = ws.Close(websocket.StatusNormalClosure, "")
	}
	up := rtcFakeProvider(t, rtcProviderCreated, spokeThenClose)
	a := newRTCApp(t, rtcOptions{upstream: up, providerTimeout: 300 * time.Millisecond,
		calls: calls.Config{Settle: 50 * time.Millisecond}})
	v := a.newInterview(rtcQuestions...)

	// A client that reads its answer, then nothing: it answers no ping.
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, a.rtcURL(a.token(v), v.ID), &websocket.DialOptions{HTTPHeader: http.Header{"Origin": {a.URL}}})
	rtcMust(t, err)
	defer ws.CloseNow()
	rtcMust(t, ws.Write(ctx, websocket.MessageText, []byte(`{"type":"sdp_offer","sdp":"`+strings.ReplaceAll(rtcStaticOffer, "\r\n", `\r\n`)+`"}`)))
	for {
		_, b, err := ws.Read(ctx)
		rtcMust(t, err)
		if strings.Contains(string(b), `"sdp_answer"`) {
			break
		}
	}
	a.waitStatus(v, interview.StatusInProgress)
	rtcWait(t, "the unanswered connection let go", func() bool {
		return strings.Contains(a.Logs.String(), "the provider ended the call and the connection does not answer")
	})
	if got := a.session(v); got.Status != interview.StatusInProgress {
		t.Fatalf("after the provider's end with an unanswering connection the interview is %s (%s), want in progress", got.Status, got.EndReason)
	}
	// Within the window a new connection's offer continues it.
	c := a.dial(a.token(v), v.ID)
	c.send(map[string]string{"type": msgSDPOffer, "sdp": rtcStaticOffer})
	if ans := c.until(msgSDPAnswer); ans.SDP != rtcFakeAnswer {
		t.Errorf("the new offer's answer: %q", ans.SDP)
	}
}
