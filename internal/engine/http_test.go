package engine

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/pion/webrtc/v4"

	"github.com/interviewd/interviewd/internal/testenv/peer"
)

// checkErrorBody checks OpenAI's error shape and returns the error's code.
func checkErrorBody(t *testing.T, resp *http.Response, body string) string {
	t.Helper()
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("error content type %q", ct)
	}
	if resp.Header.Get("Location") != "" {
		t.Errorf("error carries a Location header")
	}
	var e struct {
		Error map[string]any `json:"error"`
	}
	if err := json.Unmarshal([]byte(body), &e); err != nil || e.Error == nil {
		t.Fatalf("error body %q is not OpenAI's shape: %v", body, err)
	}
	for _, k := range []string{"message", "type", "code", "param"} {
		if _, ok := e.Error[k]; !ok {
			t.Errorf("error body lacks %q: %s", k, body)
		}
	}
	code, _ := e.Error["code"].(string)
	return code
}

func TestCreateCallRejectsBadRequests(t *testing.T) {
	checkLeaks(t)
	_, srv := startEngine(t)
	offer := newClient(t, true).Offer()
	dataOnly := dataChannelOnlyOffer(t)
	session := testSession(testInstructions)
	big := strings.Repeat("a=x-padding:"+strings.Repeat("x", 100)+"\r\n", 700)

	tests := []struct {
		name        string
		key         string
		contentType string
		parts       []part
		rawBody     string
		status      int
		code        string
	}{
		{name: "missing auth", parts: []part{{"sdp", "", offer}}, status: 401},
		{name: "wrong key", key: "sk-wrong", parts: []part{{"sdp", "", offer}}, status: 401, code: "invalid_api_key"},
		{name: "json body", key: testKey, contentType: "application/json", rawBody: `{"sdp":"v=0"}`, status: 415, code: "unsupported_content_type"},
		{name: "raw sdp body", key: testKey, contentType: "application/sdp", rawBody: offer, status: 415, code: "unsupported_content_type"},
		{name: "no sdp", key: testKey, parts: []part{{"session", "application/json", session}}, status: 400, code: "missing_required_parameter"},
		{name: "empty sdp", key: testKey, parts: []part{{"sdp", "application/sdp", "  \r\n"}}, status: 400, code: "missing_required_parameter"},
		{name: "session without type", key: testKey, parts: []part{{"sdp", "", offer}, {"session", "", `{"instructions":"hi"}`}}, status: 400, code: "missing_required_parameter"},
		{name: "transcription session", key: testKey, parts: []part{{"sdp", "", offer}, {"session", "", `{"type":"transcription"}`}}, status: 400, code: "invalid_value"},
		{name: "beta session field", key: testKey, parts: []part{{"sdp", "", offer}, {"session", "", `{"type":"realtime","voice":"alloy"}`}}, status: 400, code: "unknown_parameter"},
		{name: "session not json", key: testKey, parts: []part{{"sdp", "", offer}, {"session", "", `{"type":`}}, status: 400, code: "invalid_json"},
		{name: "bad turn detection", key: testKey, parts: []part{{"sdp", "", offer}, {"session", "", `{"type":"realtime","audio":{"input":{"turn_detection":{"type":"magic"}}}}`}}, status: 400, code: "invalid_value"},
		{name: "garbage sdp", key: testKey, parts: []part{{"sdp", "application/sdp", "hello, I am not SDP"}}, status: 400, code: "invalid_offer"},
		{name: "offer without audio", key: testKey, parts: []part{{"sdp", "application/sdp", dataOnly}}, status: 400, code: "invalid_offer"},
		{name: "unknown part", key: testKey, parts: []part{{"sdp", "", offer}, {"model", "", "gpt-realtime"}}, status: 400, code: "unknown_parameter"},
		{name: "duplicate sdp", key: testKey, parts: []part{{"sdp", "", offer}, {"sdp", "", offer}}, status: 400, code: "invalid_value"},
		{name: "oversized sdp", key: testKey, parts: []part{{"sdp", "application/sdp", offer + big}}, status: 413, code: "request_too_large"},
		{name: "oversized body", key: testKey, parts: []part{{"sdp", "", offer}, {"session", "", session}, {"session", "", strings.Repeat(" ", 200<<10)}}, status: 413, code: "request_too_large"},
		{name: "broken multipart", key: testKey, contentType: "multipart/form-data; boundary=xyz", rawBody: "--xyz\r\nno headers end", status: 400, code: "invalid_multipart"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ct, body := tc.contentType, io.Reader(strings.NewReader(tc.rawBody))
			if tc.parts != nil {
				var buf io.Reader
				ct, buf = multipartBodyReader(tc.parts...)
				body = buf
			}
			resp, got := post(t, srv.URL+"/v1/realtime/calls", tc.key, ct, body)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tc.status, got)
			}
			if code := checkErrorBody(t, resp, got); tc.code != "" && code != tc.code {
				t.Errorf("code %q, want %q: %s", code, tc.code, got)
			}
		})
	}
}

func multipartBodyReader(parts ...part) (string, io.Reader) {
	ct, buf := multipartBody(parts...)
	return ct, buf
}

func TestRoutesAnswerWithOpenAIErrors(t *testing.T) {
	checkLeaks(t)
	_, srv := startEngine(t)
	unknown := "rtc_00000000000000000000000000000000"
	tests := []struct {
		name, method, path, key string
		status                  int
		code                    string
	}{
		{"get calls", http.MethodGet, "/v1/realtime/calls", testKey, 405, "method_not_allowed"},
		{"post sideband", http.MethodPost, "/v1/realtime?call_id=" + unknown, testKey, 405, "method_not_allowed"},
		{"unknown path", http.MethodGet, "/v1/models", testKey, 404, "not_found"},
		{"hangup unknown call", http.MethodPost, "/v1/realtime/calls/" + unknown + "/hangup", testKey, 404, "call_not_found"},
		{"hangup malformed id", http.MethodPost, "/v1/realtime/calls/rtc_x'%22/hangup", testKey, 404, "call_not_found"},
		{"hangup without auth", http.MethodPost, "/v1/realtime/calls/" + unknown + "/hangup", "", 401, ""},
		{"sideband unknown call", http.MethodGet, "/v1/realtime?call_id=" + unknown, testKey, 404, "call_not_found"},
		{"sideband without call id", http.MethodGet, "/v1/realtime", testKey, 400, "missing_required_parameter"},
		{"sideband without auth", http.MethodGet, "/v1/realtime?call_id=" + unknown, "", 401, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(tc.method, srv.URL+tc.path, nil)
			if tc.key != "" {
				req.Header.Set("Authorization", "Bearer "+tc.key)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tc.status, body)
			}
			if code := checkErrorBody(t, resp, string(body)); code != tc.code {
				t.Errorf("code %q, want %q", code, tc.code)
			}
		})
	}
}

// TestCreateCallAcceptsPlainFormFields posts the way OpenAI's Node sample
// does: FormData string fields with no per-part content type.
func TestCreateCallAcceptsPlainFormFields(t *testing.T) {
	checkLeaks(t)
	e, srv := startEngine(t)
	cl := newClient(t, true)
	ct, body := multipartBody(part{"sdp", "", cl.Offer()}, part{"session", "", `{"type":"realtime","model":"gpt-realtime","audio":{"output":{"voice":"marin"}}}`})
	resp, answer := post(t, srv.URL+"/v1/realtime/calls", testKey, ct, body)
	if resp.StatusCode != http.StatusCreated || !strings.HasPrefix(answer, "v=0") {
		t.Fatalf("status %d: %s", resp.StatusCode, answer)
	}
	if !strings.Contains(answer, "m=audio") || !strings.Contains(answer, "a=sendrecv") || !strings.Contains(answer, "opus/48000/2") {
		t.Errorf("answer lacks a sendrecv Opus audio section:\n%s", answer)
	}
	if e.ActiveCalls() != 1 {
		t.Errorf("active calls %d, want 1", e.ActiveCalls())
	}
	hangup := resp.Header.Get("Location") + "/hangup"
	if r, b := post(t, srv.URL+hangup, testKey, "", nil); r.StatusCode != http.StatusOK {
		t.Fatalf("hangup: %d %s", r.StatusCode, b)
	}
	if e.ActiveCalls() != 0 {
		t.Errorf("active calls after hangup %d", e.ActiveCalls())
	}
}

// dataChannelOnlyOffer is the offer OpenAI refuses: events, no microphone.
func dataChannelOnlyOffer(t *testing.T) string {
	api, err := peer.NewAPI(peer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	pc, err := api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	if _, err := pc.CreateDataChannel(eventsLabel, nil); err != nil {
		t.Fatal(err)
	}
	o, err := pc.CreateOffer(nil)
	if err != nil {
		t.Fatal(err)
	}
	return o.SDP
}
