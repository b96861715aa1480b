package engine

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/interviewd/interviewd/internal/testenv/peer"
)

// The GA order of a response's events: a function call item and a spoken
// message (deltas collapsed).
var (
	callTypes = []string{"response.output_item.added", "conversation.item.added",
		"response.function_call_arguments.delta", "response.function_call_arguments.done",
		"response.output_item.done", "conversation.item.done"}
	messageTypes = []string{"response.output_item.added", "conversation.item.added", "response.content_part.added",
		"output_audio_buffer.started", "response.output_audio_transcript.delta", "response.output_audio.done",
		"response.output_audio_transcript.done", "response.content_part.done", "response.output_item.done",
		"conversation.item.done"}
)

// spoken is one response as a test reads it.
type spoken struct {
	text, itemID string  // the message's transcript and item; "" without one
	calls        []event // response.function_call_arguments.done, in output order
	done         event   // response.done
}

// call returns the response's call of the function name, or fails.
func (s spoken) call(t *testing.T, name string) event {
	t.Helper()
	for _, c := range s.calls {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no %s call in the response %s", name, s.done.Raw)
	return event{}
}

// response reads the next response (events before it are skipped): up to
// response.done, and the output_audio_buffer.stopped that follows a
// message's audio. It checks the events' order.
func (s *events) response() spoken {
	s.t.Helper()
	evs := s.until("response.done")
	i := len(evs) - 1
	for i > 0 && evs[i].Type != "response.created" {
		i--
	}
	evs = evs[i:]
	if hasType(evs, "output_audio_buffer.started") {
		evs = append(evs, s.next())
	}
	return checkResponse(s.t, evs)
}

func hasType(evs []event, typ string) bool {
	for _, ev := range evs {
		if ev.Type == typ {
			return true
		}
	}
	return false
}

// checkResponse checks one response's events, from response.created, in
// GA order; items the client added meanwhile (function call outputs) are
// left out. The trailing output_audio_buffer.stopped is optional.
func checkResponse(t testing.TB, evs []event) spoken {
	t.Helper()
	var got, want []string
	var deltas strings.Builder
	var r spoken
	want = append(want, "response.created", "rate_limits.updated")
	for _, ev := range evs {
		switch {
		case ev.Item != nil && (ev.Item.Type == "function_call_output" || ev.Item.Role == "user"):
			continue
		case ev.Type == "response.output_item.added" && ev.Item.Type == "function_call":
			want = append(want, callTypes...)
		case ev.Type == "response.output_item.added":
			want = append(want, messageTypes...)
			r.itemID = ev.Item.ID
		case ev.Type == "response.function_call_arguments.done":
			r.calls = append(r.calls, ev)
		case ev.Type == "response.output_audio_transcript.delta":
			deltas.WriteString(ev.Delta)
			if n := len(got); n > 0 && got[n-1] == ev.Type {
				continue
			}
		case ev.Type == "response.output_audio_transcript.done":
			r.text = ev.Transcript
		case ev.Type == "response.done":
			r.done = ev
		}
		got = append(got, ev.Type)
	}
	want = append(want, "response.done")
	if r.itemID != "" && got[len(got)-1] == "output_audio_buffer.stopped" {
		want = append(want, "output_audio_buffer.stopped")
	}
	if !hasType(evs, "response.output_audio_transcript.delta") && r.text == "" {
		want = removeType(want, "response.output_audio_transcript.delta")
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("response events:\n got %v\nwant %v", got, want)
	}
	if r.text != deltas.String() || r.done.Response == nil || !strings.HasPrefix(r.done.Response.ID, "resp_") {
		t.Fatalf("transcript %q does not match the deltas %q, or response.done %s", r.text, deltas.String(), r.done.Raw)
	}
	return r
}

func removeType(types []string, typ string) []string {
	var out []string
	for _, x := range types {
		if x != typ {
			out = append(out, x)
		}
	}
	return out
}

// expectQuiet fails if an event other than the allowed types arrives
// within d.
func (s *events) expectQuiet(d time.Duration, allowed ...string) {
	s.t.Helper()
	deadline := time.After(d)
	for {
		select {
		case ev, ok := <-s.ch:
			if !ok {
				s.t.Fatal("event stream closed")
			}
			if !strings.Contains(" "+strings.Join(allowed, " ")+" ", " "+ev.Type+" ") {
				s.t.Fatalf("unexpected event %s", ev.Raw)
			}
		case <-deadline:
			return
		}
	}
}

// toolSession is testSession with interviewd's two function tools.
func toolSession(instructions string) string {
	var s map[string]any
	_ = json.Unmarshal([]byte(testSession(instructions)), &s)
	s["tools"] = []map[string]any{
		{"type": "function", "name": "question_asked", "description": "a question is asked",
			"parameters": map[string]any{"type": "object", "properties": map[string]any{
				"index": map[string]any{"type": "integer", "minimum": 1}}, "required": []string{"index"}}},
		{"type": "function", "name": "end_interview", "description": "the interview is over",
			"parameters": map[string]any{"type": "object", "properties": map[string]any{
				"reason": map[string]any{"type": "string", "enum": []string{"completed", "candidate_request", "no_questions"}}},
				"required": []string{"reason"}}},
	}
	s["tool_choice"] = "auto"
	b, _ := json.Marshal(s)
	return string(b)
}

// TestInterviewRunsToTheEnd is a whole text-mode interview as interviewd
// drives it: silence until response.create on the sideband, the greeting
// with question_asked first, text answers that start nothing until
// response.create, end_interview, the goodbye after its output, and no
// hangup by the engine: the call lasts until the client hangs up. The data
// channel and the sideband hear the same events.
func TestInterviewRunsToTheEnd(t *testing.T) {
	checkLeaks(t)
	e, srv := startEngine(t, func(c *Config) { c.Turn.DeltaInterval = 20 * time.Millisecond })
	cl := newClient(t, true)
	answer, callID := createCall(t, srv, cl.Offer(), toolSession(testInstructions))
	sb := dialSideband(t, srv, callID)
	cl.Answer(answer)
	cl.WaitConnected()

	created := cl.events.next()
	if created.Type != "session.created" || created.Session == nil || created.Session.Audio.Output.Voice != "cedar" ||
		!strings.Contains(created.Raw, `"name":"question_asked"`) || !strings.Contains(created.Raw, `"tool_choice":"auto"`) {
		t.Fatalf("first data channel event: %s", created.Raw)
	}
	sb.events.expectQuiet(500 * time.Millisecond) // never speaks at connect
	sb.send(t, peer.ResponseCreate())
	greetDC, greetSB := cl.events.until("response.done"), sb.events.until("response.done")
	sameEvents(t, greetDC, greetSB)
	greet := checkResponse(t, greetDC)
	for _, want := range []string{"Ada Lovelace", "Backend Engineer", "Tell me about a project you are proud of."} {
		if !strings.Contains(greet.text, want) {
			t.Errorf("greeting %q lacks %q", greet.text, want)
		}
	}
	q1 := greet.call(t, "question_asked")
	if q1.Arguments != `{"index":1}` || *q1.OutputIndex != 0 || !strings.HasPrefix(q1.CallID, "call_") || q1.ItemID == "" {
		t.Errorf("question_asked %s", q1.Raw)
	}
	if out := greet.done.Response.Output; len(out) != 2 || out[0].Type != "function_call" || out[1].Type != "message" {
		t.Errorf("response.done output %s", greet.done.Raw)
	}
	if ev := sb.events.next(); ev.Type != "output_audio_buffer.stopped" || ev.ResponseID != greet.done.Response.ID {
		t.Fatalf("after the greeting's response.done: %s", ev.Raw)
	}
	sb.send(t, peer.FunctionOutput(q1.CallID, `{"ok":true}`))
	checkUserItem(t, sb.events, "function_call_output", greet.itemID)

	cl.Say("I built a compiler for a tiny language.")
	checkUserItem(t, sb.events, "message", "")
	sb.events.expectQuiet(300 * time.Millisecond) // a text item starts nothing
	sb.send(t, peer.ResponseCreate())
	// interviewd answers question_asked at once, during the response.
	start := sb.events.until("response.function_call_arguments.done")
	replies, _ := peer.FunctionReplies(start[len(start)-1:])
	sendAll(t, sb, replies)
	rest := sb.events.until("output_audio_buffer.stopped")
	if !outputBefore(rest, "response.done") {
		t.Errorf("function_call_output during the response was not added before response.done: %v", eventTypes(rest))
	}
	q2 := checkResponse(t, append(start, rest...))
	if q2.done.Response.Output[0].Type != "function_call" {
		t.Errorf("question_asked is not first: %s", q2.done.Raw)
	}
	if !strings.Contains(q2.text, "Why do you want to work with us?") || q2.call(t, "question_asked").Arguments != `{"index":2}` {
		t.Errorf("second question %q, calls %v", q2.text, q2.calls)
	}

	cl.Reply("Because I like your product.")
	end := sb.events.response()
	if end.itemID != "" || len(end.calls) != 1 || end.calls[0].Name != "end_interview" ||
		end.calls[0].Arguments != `{"reason":"completed"}` {
		t.Fatalf("after the last answer: %q, calls %v", end.text, end.calls)
	}
	replies, ended := peer.FunctionReplies(end.calls)
	if !ended {
		t.Fatal("end_interview not seen")
	}
	sendAll(t, sb, replies)
	bye := sb.events.response()
	if !strings.Contains(bye.text, "Thank you, Ada Lovelace") || !strings.Contains(bye.text, "Goodbye") || len(bye.calls) != 0 {
		t.Errorf("goodbye %q, calls %v", bye.text, bye.calls)
	}
	sb.events.expectQuiet(500*time.Millisecond, "conversation.item.added", "conversation.item.done")
	if e.ActiveCalls() != 1 {
		t.Fatal("the engine ended the call by itself")
	}
	hangup(t, srv, callID)
	if code := sb.closeStatus(t); code != websocket.StatusNormalClosure {
		t.Errorf("sideband closed with %v, want 1000", code)
	}
	waitFor(t, "the call to end", func() bool { return e.ActiveCalls() == 0 })
	<-cl.DataChannelClosed()
}

// checkUserItem reads conversation.item.added and .done of an item the
// client created (or a user audio item) and returns its id.
func checkUserItem(t *testing.T, s *events, typ, prev string) string {
	t.Helper()
	added, done := s.next(), s.next()
	if added.Type != "conversation.item.added" || done.Type != "conversation.item.done" || added.Item == nil ||
		added.Item.Type != typ || done.Item.ID != added.Item.ID {
		t.Fatalf("item events %s / %s, want a %s", added.Raw, done.Raw, typ)
	}
	if prev != "" && (added.PreviousItemID == nil || *added.PreviousItemID != prev) {
		t.Errorf("item %s, want previous_item_id %s", added.Raw, prev)
	}
	return added.Item.ID
}

// outputBefore reports whether a function_call_output item was added and
// done before the first event of type typ.
func outputBefore(evs []event, typ string) bool {
	n := 0
	for _, ev := range evs {
		if ev.Type == typ {
			break
		}
		if ev.Item != nil && ev.Item.Type == "function_call_output" {
			n++
		}
	}
	return n == 2
}

func sendAll(t *testing.T, sb *sidebandClient, evs []map[string]any) {
	t.Helper()
	for _, ev := range evs {
		sb.send(t, ev)
	}
}

// hangup ends the call as interviewd does, and checks the reply.
func hangup(t *testing.T, srv *httptest.Server, callID string) {
	t.Helper()
	resp, body := post(t, srv.URL+"/v1/realtime/calls/"+callID+"/hangup", testKey, "", nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("hangup: %d %s", resp.StatusCode, body)
	}
}

// sameEvents checks that two connections heard the same events in order.
func sameEvents(t *testing.T, a, b []event) {
	t.Helper()
	if len(a) != len(b) {
		t.Fatalf("data channel heard %d events, sideband %d", len(a), len(b))
	}
	for i := range a {
		if a[i].EventID != b[i].EventID {
			t.Fatalf("event %d differs: %s vs %s", i, a[i].Raw, b[i].Raw)
		}
	}
}
