package engine

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestApplySessionMerges(t *testing.T) {
	s, err := applySession(defaultSession(), []byte(testSession("Candidate: X")))
	if err != nil {
		t.Fatal(err)
	}
	if s.Voice != "cedar" || s.Language != "en" || s.Instructions != "Candidate: X" ||
		s.Turn.Type != "server_vad" || *s.Turn.SilenceDurationMS != 1200 {
		t.Fatalf("session %+v", s)
	}
	s, err = applySession(s, []byte(`{"type":"realtime","audio":{"input":{"turn_detection":null}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if s.Voice != "cedar" || s.Instructions != "Candidate: X" || s.Turn.Type != "" || string(s.TurnDetection) != "null" {
		t.Fatalf("update did not merge: %+v", s)
	}
	ev := encode(newSessionEvent("session.updated", "sess_1", s, time.Unix(1, 0)))
	if !json.Valid(ev) || !bytes.Contains(ev, []byte(`"turn_detection":null`)) {
		t.Errorf("session event %s", ev)
	}
}

func TestDecodeClientEvent(t *testing.T) {
	ev, err := decodeClientEvent([]byte(`{"type":"conversation.item.create","event_id":"e1","item":{"id":"item_mine","type":"message","role":"user","content":[{"type":"input_text","text":" Hi "},{"type":"input_text","text":"there"}]}}`), 1<<10)
	if err != nil || ev.item != (itemInput{ID: "item_mine", Type: "message", Text: "Hi there"}) {
		t.Fatalf("got %+v, %v", ev.item, err)
	}
	ev, err = decodeClientEvent([]byte(`{"type":"conversation.item.create","item":{"type":"function_call_output","call_id":"call_1","output":"{\"ok\":true}"}}`), 1<<10)
	if err != nil || ev.item != (itemInput{Type: "function_call_output", CallID: "call_1", Output: `{"ok":true}`}) {
		t.Fatalf("function_call_output: %+v, %v", ev.item, err)
	}
	if _, err := decodeClientEvent(bytes.Repeat([]byte(" "), 2<<10), 1<<10); err == nil || *err.Code != "invalid_event" {
		t.Errorf("oversized event: %v", err)
	}
	_, err = decodeClientEvent([]byte(`{"type":"conversation.item.create","item":{"id":"bad id!","type":"message","role":"user"}}`), 1<<10)
	if err == nil || *err.Param != "item.id" {
		t.Errorf("bad item id: %+v", err)
	}
}

func TestSidebandDropsSlowReader(t *testing.T) {
	s := &sideband{out: make(chan []byte, 2)}
	for i := range 2 {
		if !s.send([]byte("{}")) {
			t.Fatalf("send %d refused", i)
		}
	}
	if s.send([]byte("{}")) || !s.isSlow() || s.send([]byte("{}")) {
		t.Fatal("a full queue did not drop the sideband")
	}
	s.close(1000, "") // no-op after the drop, no panic
}

func TestIDs(t *testing.T) {
	if id := newID("event_"); len(id) != 27 || id[:6] != "event_" {
		t.Errorf("event id %q", id)
	}
	if id := newCallID(); !validCallID(id) {
		t.Errorf("call id %q is not valid", id)
	}
	for _, bad := range []string{"", "rtc_", "rtc_zz", "abc_0123456789abcdef0123456789abcdef"} {
		if validCallID(bad) {
			t.Errorf("%q accepted", bad)
		}
	}
}

// FuzzCallRequest feeds the POST body parser, the session parser and the
// offer check arbitrary parts; none may panic, and every refusal is an
// OpenAI error with a 4xx status.
func FuzzCallRequest(f *testing.F) {
	f.Add("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=rtpmap:111 opus/48000/2\r\n", testSession(testInstructions), "")
	f.Add("garbage", `{"type":"realtime","audio":{"input":{"turn_detection":{"type":"server_vad","silence_duration_ms":-1}}}}`, "x")
	f.Add("", `{"type":"realtime","voice":"alloy"}`, "")
	f.Add("m=audio 0 RTP 0", `null`, "z")
	f.Add("", toolSession(testInstructions), "")
	f.Add("", `{"type":"realtime","tools":[{"type":"function"}],"tool_choice":{"name":7}}`, "")
	f.Fuzz(func(t *testing.T, sdpPart, sessionPart, extra string) {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		_ = mw.WriteField("sdp", sdpPart)
		_ = mw.WriteField("session", sessionPart)
		if extra != "" {
			_ = mw.WriteField(extra, extra)
		}
		_ = mw.Close()
		r := httptest.NewRequest(http.MethodPost, "/v1/realtime/calls", &buf)
		r.Header.Set("Content-Type", mw.FormDataContentType())
		req, err := readCallRequest(httptest.NewRecorder(), r, Limits{}.withDefaults())
		if err == nil && req.session != nil {
			_, err = applySession(defaultSession(), req.session)
		}
		if err == nil {
			_, err = checkOffer(req.sdp)
		}
		if err != nil && (err.Status < 400 || err.Status > 499 || err.Type == "") {
			t.Fatalf("refusal %+v", err)
		}
	})
}

// FuzzClientEvent feeds the data channel / sideband event decoder.
func FuzzClientEvent(f *testing.F) {
	f.Add([]byte(`{"type":"conversation.item.create","item":{"type":"message","role":"user","content":[{"type":"input_text","text":"hi"}]}}`))
	f.Add([]byte(`{"type":"session.update","session":{"type":"realtime"}}`))
	f.Add([]byte(`{"type":null}`))
	f.Add([]byte(`{"type":"conversation.item.create","item":{"type":"function_call_output","call_id":"call_1","output":"{}"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		ev, err := decodeClientEvent(data, 1<<16)
		if err != nil {
			if !json.Valid(encode(newErrorEvent(err))) {
				t.Fatal("error event is not JSON")
			}
			return
		}
		if !clientEventTypes[ev.Type] {
			t.Fatalf("accepted type %q", ev.Type)
		}
		if ev.Type == "session.update" && len(ev.Session) > 0 {
			_, _ = applySession(defaultSession(), ev.Session)
		}
	})
}

// TestSessionTools: the session's tools are kept and echoed as sent; the
// interviewer calls only the function tools declared, and none with
// tool_choice "none"; a function without a name is refused.
func TestSessionTools(t *testing.T) {
	s, err := applySession(defaultSession(), []byte(toolSession("Candidate: X")))
	if err != nil {
		t.Fatal(err)
	}
	if !s.calls(toolQuestionAsked) || !s.calls(toolEndInterview) || s.calls("other") {
		t.Errorf("functions %v", s.Functions)
	}
	ev := string(encode(newSessionEvent("session.updated", "sess_1", s, time.Unix(1, 0))))
	if !strings.Contains(ev, `"tools":[{`) || !strings.Contains(ev, `"name":"end_interview"`) || !strings.Contains(ev, `"tool_choice":"auto"`) {
		t.Errorf("session event %s", ev)
	}
	none, err := applySession(s, []byte(`{"type":"realtime","tool_choice":"none"}`))
	if err != nil || none.calls(toolQuestionAsked) {
		t.Errorf("tool_choice none: %v %v", none.Functions, err)
	}
	one, _ := applySession(s, []byte(`{"type":"realtime","tool_choice":{"type":"function","name":"end_interview"}}`))
	if one.calls(toolQuestionAsked) || !one.calls(toolEndInterview) {
		t.Error("tool_choice naming a function")
	}
	cleared, _ := applySession(s, []byte(`{"type":"realtime","tools":null}`))
	if cleared.calls(toolEndInterview) || string(cleared.Tools) != "[]" {
		t.Errorf("tools null: %s", cleared.Tools)
	}
	if _, err := applySession(s, []byte(`{"type":"realtime","tools":[{"type":"function"}]}`)); err == nil || *err.Param != "session.tools" {
		t.Errorf("a function without a name: %+v", err)
	}
	if _, err := applySession(s, []byte(`{"type":"realtime","tools":{"type":"function"}}`)); err == nil {
		t.Error("tools as an object")
	}
	for _, bad := range []string{`"sometimes"`, `{"name":"x"}`, `{"type":"function"}`, `7`} {
		if _, err := applySession(s, []byte(`{"type":"realtime","tool_choice":`+bad+`}`)); err == nil || *err.Param != "session.tool_choice" {
			t.Errorf("tool_choice %s: %+v", bad, err)
		}
	}
}
