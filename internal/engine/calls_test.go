package engine

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/interviewd/interviewd/internal/testenv/peer"
)

// connect creates a call and connects it; with a sideband it is attached
// before the peer connects, as the provider client does.
func connect(t *testing.T, srv *httptest.Server, dataChannel bool, instructions string) (*client, *sidebandClient, string) {
	t.Helper()
	cl := newClient(t, dataChannel)
	answer, callID := createCall(t, srv, cl.Offer(), testSession(instructions))
	sb := dialSideband(t, srv, callID)
	cl.Answer(answer)
	cl.WaitConnected()
	return cl, sb, callID
}

func TestHangupEndsCall(t *testing.T) {
	checkLeaks(t)
	e, srv := startEngine(t)
	cl, sb, callID := connect(t, srv, true, testInstructions)
	sb.events.until("response.done")
	resp, body := post(t, srv.URL+"/v1/realtime/calls/"+callID+"/hangup", testKey, "", nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("hangup: %d %s", resp.StatusCode, body)
	}
	if code := sb.closeStatus(t); code != websocket.StatusNormalClosure {
		t.Errorf("sideband closed with %v", code)
	}
	if e.ActiveCalls() != 0 {
		t.Errorf("active calls after hangup: %d", e.ActiveCalls())
	}
	<-cl.DataChannelClosed()
	if resp, _ := post(t, srv.URL+"/v1/realtime/calls/"+callID+"/hangup", testKey, "", nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("second hangup: %d, want 404", resp.StatusCode)
	}
}

// TestInvalidEventsKeepCallAlive sends bad client events on both
// connections: each gets an error event, only on its own connection, and
// the interview goes on.
func TestInvalidEventsKeepCallAlive(t *testing.T) {
	checkLeaks(t)
	_, srv := startEngine(t)
	cl, sb, _ := connect(t, srv, true, testInstructions)
	cl.events.until("response.done")
	_, greetItem := checkResponse(t, sb.events.until("response.done"))

	bad := []struct {
		event any
		code  string
	}{
		{"this is not JSON", "invalid_json"},
		{map[string]any{"event_id": "evt_1"}, "invalid_event"},
		{map[string]any{"type": "response.dance", "event_id": "evt_2"}, "invalid_value"},
		{map[string]any{"type": 42}, "invalid_event"},
		{map[string]any{"type": "conversation.item.create", "item": map[string]any{"type": "message", "role": "assistant"}}, "invalid_value"},
		{map[string]any{"type": "session.update", "session": map[string]any{"instructions": "x"}}, "missing_required_parameter"},
		{map[string]any{"type": "response.cancel"}, "response_cancel_not_active"},
	}
	for _, b := range bad {
		if s, ok := b.event.(string); ok {
			_ = cl.SendText(s)
		} else {
			cl.SendEvent(b.event)
		}
		if ev := cl.events.next(); ev.Type != "error" || ev.Error == nil || ev.Error.Code != b.code || ev.Error.Type != "invalid_request_error" {
			t.Errorf("after %v: %s, want error %s", b.event, ev.Raw, b.code)
		}
	}
	sbWriteRaw(t, sb, "{not json")
	if ev := sb.events.next(); ev.Type != "error" || ev.Error.Code != "invalid_json" {
		t.Errorf("sideband: %s", ev.Raw)
	}
	cl.Say("Still here.")
	evs := cl.events.until("input_audio_buffer.committed")
	if len(evs) != 1 || *evs[0].PreviousItemID != greetItem {
		t.Errorf("the call did not go on cleanly: %v", evs)
	}
}

func sbWriteRaw(t *testing.T, sb *sidebandClient, s string) {
	t.Helper()
	if err := sb.conn.Write(t.Context(), websocket.MessageText, []byte(s)); err != nil {
		t.Fatal(err)
	}
}

// TestCommitWithoutRecognizer answers with input_audio_buffer.commit in
// text mode: the answer is acknowledged with a transcript and a note that
// say no recogniser is installed.
func TestCommitWithoutRecognizer(t *testing.T) {
	checkLeaks(t)
	_, srv := startEngine(t)
	cl, sb, _ := connect(t, srv, true, testInstructions)
	go cl.Send(peer.Silence(10 * peer.Frame)...)
	cl.events.until("response.done")
	sb.events.until("response.done")
	sb.send(t, map[string]any{"type": "input_audio_buffer.commit"})
	evs := sb.events.until("response.done")
	if evs[0].Type != "input_audio_buffer.committed" || evs[1].Type != "conversation.item.input_audio_transcription.completed" {
		t.Fatalf("events %s, %s", evs[0].Raw, evs[1].Raw)
	}
	if evs[1].Transcript != NoRecognizerText || !strings.Contains(evs[1].Note, "no speech recogniser") {
		t.Errorf("transcription %s", evs[1].Raw)
	}
	if q, _ := checkResponse(t, evs[2:]); !strings.Contains(q, "Why do you want") {
		t.Errorf("next line %q", q)
	}
}

// TestPeerGoneEndsCall closes the client's peer: the engine notices and
// frees the call without a hangup.
func TestPeerGoneEndsCall(t *testing.T) {
	checkLeaks(t)
	e, srv := startEngine(t)
	cl, sb, _ := connect(t, srv, true, testInstructions)
	sb.events.until("response.done")
	cl.Close()
	if code := sb.closeStatus(t); code != websocket.StatusNormalClosure {
		t.Errorf("sideband closed with %v", code)
	}
	waitFor(t, "the call to end", func() bool { return e.ActiveCalls() == 0 })
}

func TestUnconnectedCallTimesOut(t *testing.T) {
	checkLeaks(t)
	e, srv := startEngine(t, func(c *Config) { c.Limits.ConnectTimeout = 200 * time.Millisecond })
	cl := newClient(t, true)
	_, callID := createCall(t, srv, cl.Offer(), testSession(testInstructions))
	sb := dialSideband(t, srv, callID)
	if code := sb.closeStatus(t); code != websocket.StatusNormalClosure {
		t.Errorf("sideband closed with %v", code)
	}
	waitFor(t, "the call to end", func() bool { return e.ActiveCalls() == 0 })
}

func TestSessionExpires(t *testing.T) {
	checkLeaks(t)
	_, srv := startEngine(t, func(c *Config) { c.Limits.MaxDuration = 700 * time.Millisecond })
	cl, sb, _ := connect(t, srv, true, testInstructions)
	cl.events.until("error")
	evs := sb.events.until("error")
	if last := evs[len(evs)-1]; last.Error.Code != "session_expired" {
		t.Errorf("error %s", last.Raw)
	}
	if code := sb.closeStatus(t); code != websocket.StatusGoingAway {
		t.Errorf("sideband closed with %v, want 1001", code)
	}
}

func TestServerBusy(t *testing.T) {
	checkLeaks(t)
	_, srv := startEngine(t, func(c *Config) { c.Limits.MaxCalls = 1 })
	createCall(t, srv, newClient(t, true).Offer(), testSession(testInstructions))
	ct, body := multipartBody(part{"sdp", "", newClient(t, true).Offer()})
	resp, got := post(t, srv.URL+"/v1/realtime/calls", testKey, ct, body)
	if resp.StatusCode != http.StatusServiceUnavailable || checkErrorBody(t, resp, got) != "server_busy" {
		t.Errorf("second call: %d %s", resp.StatusCode, got)
	}
}

func TestCloseEndsEveryCall(t *testing.T) {
	checkLeaks(t)
	e, srv := startEngine(t)
	_, sb, _ := connect(t, srv, true, testInstructions)
	sb.events.until("response.done")
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	if code := sb.closeStatus(t); code != websocket.StatusGoingAway {
		t.Errorf("sideband closed with %v, want 1001", code)
	}
	ct, body := multipartBody(part{"sdp", "", newClient(t, true).Offer()})
	if resp, got := post(t, srv.URL+"/v1/realtime/calls", testKey, ct, body); resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("call after Close: %d %s", resp.StatusCode, got)
	}
}

// TestSidebandOnlyCall has no data channel, as the hello-realtime sample:
// the sideband alone starts the interview and gets no session.created.
func TestSidebandOnlyCall(t *testing.T) {
	checkLeaks(t)
	_, srv := startEngine(t)
	_, sb, _ := connect(t, srv, false, testInstructions)
	evs := sb.events.until("response.done")
	if evs[0].Type != "response.created" {
		t.Errorf("first sideband event %s", evs[0].Raw)
	}
	sb.send(t, map[string]any{"type": "session.update", "session": map[string]any{
		"type": "realtime", "audio": map[string]any{"output": map[string]any{"voice": "marin"}}}})
	if ev := sb.events.next(); ev.Type != "session.updated" || ev.Session.Audio.Output.Voice != "marin" ||
		!strings.Contains(ev.Session.Instructions, "Ada Lovelace") {
		t.Errorf("session.update answered with %s", ev.Raw)
	}
	sb.send(t, map[string]any{"type": "response.create"})
	if q, _ := checkResponse(t, sb.events.until("response.done")); !strings.Contains(q, "repeat the question: Tell me about a project") {
		t.Errorf("response.create while waiting gave %q", q)
	}
}

// TestNoQuestionsGreetsAndCloses: instructions without the convention give
// a generic greeting, and the call ends by itself.
func TestNoQuestionsGreetsAndCloses(t *testing.T) {
	checkLeaks(t)
	e, srv := startEngine(t)
	_, sb, _ := connect(t, srv, true, "You are a helpful assistant.")
	text, _ := checkResponse(t, sb.events.until("response.done"))
	if !strings.HasPrefix(text, "Hello, and thank you for joining.") {
		t.Errorf("greeting %q", text)
	}
	if code := sb.closeStatus(t); code != websocket.StatusNormalClosure {
		t.Errorf("sideband closed with %v", code)
	}
	waitFor(t, "the call to end", func() bool { return e.ActiveCalls() == 0 })
}

// TestResponseCancel cancels the greeting mid-line: the transcript holds
// what was sent, the response is cancelled, and the answer still counts.
func TestResponseCancel(t *testing.T) {
	checkLeaks(t)
	_, srv := startEngine(t, func(c *Config) { c.Turn.DeltaInterval = 50 * time.Millisecond })
	cl, sb, _ := connect(t, srv, true, testInstructions)
	sb.events.until("response.output_audio_transcript.delta")
	cl.SendEvent(map[string]any{"type": "response.cancel"})
	evs := sb.events.until("response.done")
	done, last := evs[len(evs)-4], evs[len(evs)-1]
	if !strings.HasPrefix(done.Transcript, "Hello Ada") || strings.Contains(done.Transcript, "proud") ||
		!strings.Contains(last.Raw, `"status":"cancelled"`) {
		t.Errorf("cancelled line: %s / %s", done.Raw, last.Raw)
	}
	sb.send(t, peer.UserMessage("An answer anyway."))
	if q, _ := checkResponse(t, sb.events.until("response.done")[2:]); !strings.Contains(q, "Why do you want") {
		t.Errorf("next line %q", q)
	}
}
