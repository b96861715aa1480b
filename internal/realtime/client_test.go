package realtime

import (
	"context"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

const offer = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=rtpmap:111 opus/48000/2\r\n"
const answer = "v=0\r\no=- 3 4 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=setup:active\r\n"

// fakeOpenAI stands in for the OpenAI cloud, which these tests cannot reach.
// The happy path is tested against the local engine elsewhere.
func fakeOpenAI(t *testing.T, h http.HandlerFunc) *Client {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return NewClient(srv.URL+"/v1", "sk-test", &http.Client{Timeout: 500 * time.Millisecond})
}

func TestCreateCallSendsMultipartByteExact(t *testing.T) {
	var gotSDP, gotSession, gotAuth, gotPath string
	c := fakeOpenAI(t, func(w http.ResponseWriter, r *http.Request) {
		gotAuth, gotPath = r.Header.Get("Authorization"), r.URL.Path
		_, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		mr := multipart.NewReader(r.Body, params["boundary"])
		for {
			p, err := mr.NextPart()
			if err != nil {
				break
			}
			b, _ := io.ReadAll(p)
			switch p.FormName() {
			case "sdp":
				gotSDP = string(b)
				if p.Header.Get("Content-Type") != "application/sdp" {
					t.Errorf("sdp part type %q", p.Header.Get("Content-Type"))
				}
			case "session":
				gotSession = string(b)
			}
		}
		w.Header().Set("Location", "/v1/realtime/calls/rtc_abc123")
		w.Header().Set("Content-Type", "application/sdp")
		w.WriteHeader(http.StatusCreated)
		io.WriteString(w, answer)
	})
	call, err := c.CreateCall(context.Background(), offer, Session{Type: "realtime", Model: "gpt-realtime"})
	if err != nil {
		t.Fatal(err)
	}
	if gotSDP != offer {
		t.Errorf("offer changed on the way: %q", gotSDP)
	}
	if !strings.HasPrefix(gotSession, `{"type":"realtime"`) {
		t.Errorf("session part must be the bare session object: %s", gotSession)
	}
	if gotAuth != "Bearer sk-test" || gotPath != "/v1/realtime/calls" {
		t.Errorf("auth %q path %q", gotAuth, gotPath)
	}
	if call.ID != "rtc_abc123" || call.AnswerSDP != answer {
		t.Errorf("call %+v", call)
	}
}

func TestCreateCallFaults(t *testing.T) {
	cases := []struct {
		name     string
		h        http.HandlerFunc
		status   int
		rejected bool
	}{
		{"4xx json error", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(400)
			io.WriteString(w, `{"error":{"message":"Invalid SDP offer.","type":"invalid_request_error","code":"invalid_offer"}}`)
		}, 400, true},
		{"5xx", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(502) }, 502, false},
		{"timeout", func(w http.ResponseWriter, r *http.Request) { time.Sleep(2 * time.Second) }, 0, false},
		{"garbage answer", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Location", "/v1/realtime/calls/rtc_1")
			w.WriteHeader(201)
			io.WriteString(w, `{"error":"oops"}`)
		}, 502, false},
		{"no location", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(201)
			io.WriteString(w, answer)
		}, 502, false},
		{"200 instead of 201", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, answer) }, 200, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := fakeOpenAI(t, tc.h).CreateCall(context.Background(), offer, Session{Type: "realtime"})
			var ue *UpstreamError
			if !errors.As(err, &ue) {
				t.Fatalf("got %v, want *UpstreamError", err)
			}
			if ue.Status != tc.status || ue.Rejected() != tc.rejected {
				t.Errorf("status %d rejected %v: %v", ue.Status, ue.Rejected(), ue)
			}
			if strings.Contains(ue.Message, "{") {
				t.Errorf("raw body leaked into message %q", ue.Message)
			}
		})
	}
}

func TestHangup(t *testing.T) {
	var path string
	c := fakeOpenAI(t, func(w http.ResponseWriter, r *http.Request) { path = r.URL.Path })
	if err := c.Hangup(context.Background(), "rtc_9"); err != nil || path != "/v1/realtime/calls/rtc_9/hangup" {
		t.Errorf("hangup: %v %q", err, path)
	}
	if err := c.Hangup(context.Background(), "../../x"); err == nil {
		t.Error("path traversal in call ID accepted")
	}
}

func TestCallIDFromLocation(t *testing.T) {
	cases := map[string]string{
		"/v1/realtime/calls/rtc_u1_9c65":                   "rtc_u1_9c65",
		"/v1/realtime/calls/rtc_test?foo=bar":              "rtc_test",
		"https://api.example.com/v1/realtime/calls/rtc_42": "rtc_42",
		"":                        "",
		"/v1/realtime/calls/":     "",
		"/v1/realtime/calls/a b":  "",
		"/v1/realtime/calls/x%2F": "",
	}
	for in, want := range cases {
		if got := CallIDFromLocation(in); got != want {
			t.Errorf("CallIDFromLocation(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCheckSDP(t *testing.T) {
	if err := CheckSDP(offer, "offer"); err != nil {
		t.Fatal(err)
	}
	bad := []string{"", "hello", `{"error":{}}`, "v=0\r\ns=-\r\n", "v=0\r\nm=audio 9\r\nnot a line\r\n", "v=0\r\nm=audio 9 x\x00\r\n",
		"v=0\r\n" + strings.Repeat("a=x\r\n", MaxSDPSize/5+1) + "m=audio 9\r\n"}
	for _, s := range bad {
		if CheckSDP(s, "offer") == nil {
			t.Errorf("CheckSDP accepted %.40q", s)
		}
	}
}

func FuzzCheckSDP(f *testing.F) {
	f.Add(offer)
	f.Add("v=0\nm=audio")
	f.Fuzz(func(t *testing.T, s string) {
		if CheckSDP(s, "offer") == nil && !strings.Contains(s, "m=audio ") {
			t.Errorf("accepted SDP without audio: %q", s)
		}
	})
}

func FuzzDecodeEvent(f *testing.F) {
	f.Add([]byte(`{"type":"input_audio_buffer.committed","item_id":"a","previous_item_id":null}`))
	f.Add([]byte(`{"type":1}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		ev, err := DecodeEvent(b)
		if err == nil && ev.Type == "" {
			t.Error("accepted an event without a type")
		}
		o := NewOrdering(time.Second)
		o.Observe(ev, time.Now()) // must never panic
	})
}
