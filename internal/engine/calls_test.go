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
// before the peer connects, and asks for the greeting (response.create),
// as interviewd does.
func connect(t *testing.T, srv *httptest.Server, dataChannel bool, instructions string) (*client, *sidebandClient, string) {
	t.Helper()
	cl := newClient(t, dataChannel)
	answer, callID := createCall(t, srv, cl.Offer(), testSession(instructions))
	sb := dialSideband(t, srv, callID)
	sb.send(t, peer.ResponseCreate())
	cl.Answer(answer)
	cl.WaitConnected()
	return cl, sb, callID
}

func TestHangupEndsCall(t *testing.T) {
	checkLeaks(t)
	e, srv := startEngine(t)
	cl, sb, callID := connect(t, srv, true, testInstructions)
	sb.events.until("response.done")
	hangup(t, srv, callID)
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
	cl.events.until("output_audio_buffer.stopped")
	greetItem := sb.events.response().itemID

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
	evs := cl.events.until("conversation.item.added")
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
	sb.events.response()
	sb.send(t, map[string]any{"type": "input_audio_buffer.commit"})
	evs := sb.events.until("conversation.item.input_audio_transcription.completed")
	types := []string{"input_audio_buffer.committed", "conversation.item.added", "conversation.item.done",
		"conversation.item.input_audio_transcription.completed"}
	for i, ev := range evs {
		if ev.Type != types[i] {
			t.Fatalf("event %d: %s, want %s", i, ev.Raw, types[i])
		}
	}
	if evs[3].Transcript != NoRecognizerText || !strings.Contains(evs[3].Note, "no speech recogniser") {
		t.Errorf("transcription %s", evs[3].Raw)
	}
	sb.events.expectQuiet(300 * time.Millisecond) // without turn detection, no response by itself
	sb.send(t, peer.ResponseCreate())
	if q := sb.events.response(); !strings.Contains(q.text, "Why do you want") {
		t.Errorf("next line %q", q.text)
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
	evs := sb.events.until("output_audio_buffer.stopped")
	if evs[0].Type != "response.created" {
		t.Errorf("first sideband event %s", evs[0].Raw)
	}
	sb.send(t, map[string]any{"type": "session.update", "session": map[string]any{
		"type": "realtime", "audio": map[string]any{"output": map[string]any{"voice": "marin"}}}})
	if ev := sb.events.next(); ev.Type != "session.updated" || ev.Session.Audio.Output.Voice != "marin" ||
		!strings.Contains(ev.Session.Instructions, "Ada Lovelace") {
		t.Errorf("session.update answered with %s", ev.Raw)
	}
	sb.send(t, peer.ResponseCreate())
	if q := sb.events.response(); !strings.HasPrefix(q.text, "Take your time.") || !strings.Contains(q.text, "Tell me about a project") {
		t.Errorf("response.create without an answer gave %q", q.text)
	}
}

// TestNoQuestions: instructions without the convention give a generic
// greeting; with the tools it calls end_interview after it, without them
// it says goodbye. The engine ends the call in neither case.
func TestNoQuestions(t *testing.T) {
	checkLeaks(t)
	e, srv := startEngine(t)
	_, sb, _ := connect(t, srv, true, "You are a helpful assistant.")
	if r := sb.events.response(); !strings.HasPrefix(r.text, "Hello, and thank you for joining.") ||
		!strings.HasSuffix(r.text, "Goodbye!") || len(r.calls) != 0 {
		t.Errorf("greeting %q, calls %v", r.text, r.calls)
	}
	cl := newClient(t, true)
	answer, callID := createCall(t, srv, cl.Offer(), toolSession("You are a helpful assistant."))
	tools := dialSideband(t, srv, callID)
	tools.send(t, peer.ResponseCreate())
	cl.Answer(answer)
	cl.WaitConnected()
	r := tools.events.response()
	if !strings.Contains(r.text, "no questions prepared") || r.call(t, "end_interview").Arguments != `{"reason":"no_questions"}` ||
		*r.calls[0].OutputIndex != 1 {
		t.Errorf("greeting %q, calls %v", r.text, r.calls)
	}
	replies, _ := peer.FunctionReplies(r.calls)
	sendAll(t, tools, replies)
	if bye := tools.events.response(); bye.text != "Thank you for your time. Goodbye!" {
		t.Errorf("goodbye %q", bye.text)
	}
	tools.events.expectQuiet(300*time.Millisecond, "conversation.item.added", "conversation.item.done")
	if e.ActiveCalls() != 2 {
		t.Errorf("%d calls active, want both", e.ActiveCalls())
	}
}

// TestResponseCancel cancels the greeting mid-line: the transcript holds
// what was sent, the response is cancelled by the client, the audio buffer
// stops after response.done, and the answer still counts.
func TestResponseCancel(t *testing.T) {
	checkLeaks(t)
	_, srv := startEngine(t, func(c *Config) { c.Turn.DeltaInterval = 50 * time.Millisecond })
	cl, sb, _ := connect(t, srv, true, testInstructions)
	start := sb.events.until("response.output_audio_transcript.delta")
	cl.SendEvent(map[string]any{"type": "response.cancel"})
	r := checkResponse(t, append(start, sb.events.until("output_audio_buffer.stopped")...))
	if !strings.HasPrefix(r.text, "Hello Ada") || strings.Contains(r.text, "proud") || r.done.Response.Status != "cancelled" ||
		r.done.Response.StatusDetails == nil || r.done.Response.StatusDetails.Reason != "client_cancelled" ||
		r.done.Response.Output[0].Status != "incomplete" {
		t.Errorf("cancelled line %q: %s", r.text, r.done.Raw)
	}
	sb.send(t, peer.UserMessage("An answer anyway."))
	sb.send(t, peer.ResponseCreate())
	if q := sb.events.response(); !strings.Contains(q.text, "Why do you want") {
		t.Errorf("next line %q", q.text)
	}
}
