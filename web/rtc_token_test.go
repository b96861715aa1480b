package web

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/coder/websocket"

	"github.com/interviewd/interviewd/internal/interview"
)

// TestRTCTokenSingleUse: a token admits one connection. The same token
// for a second and a third connection is refused with 401 before the
// upgrade, and so is every loser of a race for one token; a new token
// admits again.
func TestRTCTokenSingleUse(t *testing.T) {
	checkRTCLeaks(t)
	a := newRTCApp(t, rtcOptions{})
	v := a.newInterview(rtcQuestions...)
	tok := a.token(v)
	a.dial(tok, v.ID)
	for _, attempt := range []string{"second", "third"} {
		t.Run(attempt, func(t *testing.T) {
			_, resp, err := a.tryDial(tok, v.ID, a.URL)
			rtcCheckRefused(t, err, resp, "used already")
		})
	}
	t.Run("race", func(t *testing.T) {
		tok := a.token(v)
		var wg sync.WaitGroup
		var mu sync.Mutex
		admitted := 0
		for range 8 {
			wg.Go(func() {
				_, resp, err := a.tryDial(tok, v.ID, a.URL)
				mu.Lock()
				defer mu.Unlock()
				if err == nil {
					admitted++
				} else if resp == nil || resp.StatusCode != http.StatusUnauthorized {
					t.Errorf("refused with %v, want 401", resp)
				}
			})
		}
		wg.Wait()
		if admitted != 1 {
			t.Errorf("one token admitted %d connections", admitted)
		}
	})
	a.dial(a.token(v), v.ID) // a new token
	if s := a.session(v).Status; s != interview.StatusPending {
		t.Errorf("status %s", s)
	}
}

// rtcCheckRefused checks a 401 UNAUTHORIZED before the upgrade whose
// message contains want.
func rtcCheckRefused(t *testing.T, err error, resp *http.Response, want string) {
	t.Helper()
	if err == nil {
		t.Fatal("upgraded")
	}
	if resp == nil || resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("response %v, want 401", resp)
	}
	var body struct {
		Error struct{ Code, Message string } `json:"error"`
	}
	b, _ := io.ReadAll(resp.Body)
	if json.Unmarshal(b, &body) != nil || body.Error.Code != string(rtcUnauthorized) ||
		!strings.Contains(body.Error.Message, want) {
		t.Errorf("body %s, want %s with %q", b, rtcUnauthorized, want)
	}
}

// TestRTCEndBeforeOffer: a candidate who ends before the call started
// leaves the interview: it is abandoned, as the lifecycle API's end
// would, the connection closes with 1000 and the link admits no more.
func TestRTCEndBeforeOffer(t *testing.T) {
	checkRTCLeaks(t)
	a := newRTCApp(t, rtcOptions{})
	v := a.newInterview(rtcQuestions...)
	c := a.dial(a.token(v), v.ID)
	c.send(map[string]string{"type": msgEnd})
	status, msgs := c.closed()
	if status.Code != websocket.StatusNormalClosure || rtcHasError(msgs, rtcClosed) {
		t.Errorf("close %v after %+v, want 1000 without an error", status, msgs)
	}
	got := a.waitStatus(v, interview.StatusAbandoned)
	if got.EndReason != "candidate ended before it started" {
		t.Errorf("reason %q", got.EndReason)
	}
	if _, resp, err := a.tryDial(a.token(v), v.ID, a.URL); err == nil || resp.StatusCode != http.StatusConflict {
		t.Errorf("after the end: %v, want 409", resp)
	}
}

// TestDecodeClientMessageKeys: field names are matched exactly; a known
// field in another case is refused, an unknown field ignored.
func TestDecodeClientMessageKeys(t *testing.T) {
	cases := []struct {
		name, msg string
		ok        bool
	}{
		{"exact", `{"type":"end"}`, true},
		{"unknown field ignored", `{"type":"ping","interviewId":"x"}`, true},
		{"upper-case type", `{"TYPE":"end"}`, false},
		{"capitalised type", `{"Type":"ping"}`, false},
		{"a second type in another case", `{"type":"ping","tYpe":"end"}`, false},
		{"upper-case sdp", `{"type":"sdp_offer","SDP":"v=0"}`, false},
		{"capitalised candidate", `{"type":"ice_candidate","Candidate":{}}`, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := decodeClientMessage([]byte(tc.msg))
			if (err == nil) != tc.ok {
				t.Errorf("decode %s: %v, want ok=%v", tc.msg, err, tc.ok)
			}
		})
	}
}
