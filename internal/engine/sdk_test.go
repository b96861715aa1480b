package engine_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/realtime"
	"github.com/openai/openai-go/v3/responses"

	"github.com/interviewd/interviewd/internal/engine"
	"github.com/interviewd/interviewd/internal/testenv/peer"
)

// The engine driven with OpenAI's official Go SDK (openai-go v3), which
// nobody here wrote: call creation with a pion offer, the sideband with
// call_id, hangup, and every server event decoded through the SDK's
// server-event union. The SDK's decode returns no error for an unknown
// type or a field of the wrong type, so each event is checked for a typed
// variant and for every field the SDK requires, decoded as the SDK types it.

const sdkKey = "sk-sdk-test-0123456789abcdefghijkl"

const sdkInstructions = `You are a friendly interviewer for Example Corp.
Candidate: Ada Lovelace
Position: Backend Engineer

Ask these questions in order, one at a time:
1. Tell me about a project you are proud of.
2. Why do you want to work with us?
`

// sdkSession is the session interviewd sends (the contract's tools and
// turn detection), written with the SDK's own types.
func sdkSession() realtime.RealtimeSessionCreateRequestParam {
	tool := func(name, desc string, params map[string]any) realtime.RealtimeToolsConfigUnionParam {
		return realtime.RealtimeToolsConfigUnionParam{OfFunction: &realtime.RealtimeFunctionToolParam{
			Type: realtime.RealtimeFunctionToolTypeFunction, Name: openai.String(name),
			Description: openai.String(desc), Parameters: params}}
	}
	return realtime.RealtimeSessionCreateRequestParam{
		Model:        "gpt-realtime",
		Instructions: openai.String(sdkInstructions),
		Tools: realtime.RealtimeToolsConfigParam{
			tool("question_asked", "Call in the same response in which you ask a question.", map[string]any{
				"type": "object", "required": []string{"index"},
				"properties": map[string]any{"index": map[string]any{"type": "integer", "minimum": 1,
					"description": "the number of the question being asked, as numbered in the instructions"}}}),
			tool("end_interview", "Call once the last question is answered or the candidate asks to stop.", map[string]any{
				"type": "object", "required": []string{"reason"},
				"properties": map[string]any{"reason": map[string]any{"type": "string",
					"enum": []string{"completed", "candidate_request", "no_questions"}}}}),
		},
		ToolChoice: realtime.RealtimeToolChoiceConfigUnionParam{OfToolChoiceMode: openai.Opt(responses.ToolChoiceOptionsAuto)},
		Audio: realtime.RealtimeAudioConfigParam{Input: realtime.RealtimeAudioConfigInputParam{
			TurnDetection: realtime.RealtimeAudioInputTurnDetectionUnionParam{OfServerVad: &realtime.RealtimeAudioInputTurnDetectionServerVadParam{
				CreateResponse: openai.Bool(true), InterruptResponse: openai.Bool(true), SilenceDurationMs: openai.Int(800)}}}},
	}
}

// toneSynth voices every line as a 440 Hz tone of the given length, so the
// engine sends real audio without a speech program.
type toneSynth struct{ length time.Duration }

func (toneSynth) Name() string { return "sdk-test-tone" }
func (s toneSynth) Synthesize(context.Context, engine.Line) (engine.PCM, error) {
	p := engine.PCM{Rate: 8000, Samples: make([]int16, int(s.length.Seconds()*8000))}
	for i := range p.Samples {
		p.Samples[i] = int16(8000 * math.Sin(2*math.Pi*440*float64(i)/8000))
	}
	return p, nil
}

// startSDKEngine serves a loopback-only engine, with synth (nil: text
// mode), and returns the SDK client for it.
func startSDKEngine(t *testing.T, synth engine.Synthesizer) openai.Client {
	t.Helper()
	e, err := engine.New(engine.Config{APIKey: sdkKey, ICE: engine.ICE{LoopbackOnly: true}, Synthesizer: synth,
		Turn: engine.Turn{DeltaInterval: 5 * time.Millisecond, SidebandWait: 300 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(e.Handler())
	t.Cleanup(func() {
		_ = e.Close()
		srv.Close()
	})
	return openai.NewClient(option.WithBaseURL(srv.URL+"/v1/"), option.WithAPIKey(sdkKey), option.WithMaxRetries(0))
}

// sdkCall is one call made with the SDK: the pion peer, the call's ID and
// the sideband's events, each checked against the SDK's types as it comes.
type sdkCall struct {
	t      *testing.T
	sdk    openai.Client
	id     string
	peer   *peer.Peer
	conn   *realtime.RealtimeConnection
	events chan realtime.RealtimeServerEventUnion
	closed chan error // the sideband's end, once
}

// dialSDK creates a call with Realtime.Calls.New and a pion offer, opens
// its sideband with Realtime.Connect and call_id, and waits until the peer
// is connected.
func dialSDK(t *testing.T, sdk openai.Client, o peer.Options) *sdkCall {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	p := peer.New(t, o)
	resp, err := sdk.Realtime.Calls.New(ctx, realtime.CallNewParams{Sdp: p.Offer(), Session: sdkSession()})
	if err != nil {
		t.Fatalf("Realtime.Calls.New: %v", err)
	}
	answer, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	id := loc[strings.LastIndex(loc, "/")+1:]
	if err != nil || resp.StatusCode != http.StatusCreated || !strings.HasPrefix(id, "rtc_") || resp.Header.Get("Content-Type") != "application/sdp" {
		t.Fatalf("Calls.New: %d %q %q %v", resp.StatusCode, loc, resp.Header.Get("Content-Type"), err)
	}
	conn, err := sdk.Realtime.Connect(ctx, realtime.RealtimeConnectionOptions{}, option.WithQuery("call_id", id))
	if err != nil {
		t.Fatalf("Realtime.Connect with call_id: %v", err)
	}
	t.Cleanup(conn.Abort)
	c := &sdkCall{t: t, sdk: sdk, id: id, peer: p, conn: conn,
		events: make(chan realtime.RealtimeServerEventUnion, 4096), closed: make(chan error, 1)}
	go c.read()
	p.Answer(string(answer))
	p.WaitConnected()
	return c
}

// read receives the sideband's events through the SDK until it ends.
func (c *sdkCall) read() {
	for {
		ev, err := c.conn.Recv(context.Background())
		if err != nil {
			c.closed <- err
			close(c.events)
			return
		}
		if problem := checkTyped(ev); problem != "" {
			c.t.Errorf("%s: %s", problem, ev.RawJSON())
		}
		c.events <- ev
	}
}

// send writes a client event with the SDK.
func (c *sdkCall) send(ev realtime.RealtimeClientEventUnionParam) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.conn.Send(ctx, ev); err != nil {
		c.t.Fatalf("send: %v", err)
	}
}

func (c *sdkCall) responseCreate() {
	c.send(realtime.RealtimeClientEventUnionParam{OfResponseCreate: &realtime.ResponseCreateEventParam{}})
}

func (c *sdkCall) userText(text string) {
	c.send(realtime.RealtimeClientEventUnionParam{OfConversationItemCreate: &realtime.ConversationItemCreateEventParam{
		Item: realtime.ConversationItemUnionParam{OfRealtimeUserMessageItem: &realtime.RealtimeConversationItemUserMessageParam{
			Content: []realtime.RealtimeConversationItemUserMessageContentParam{{Type: "input_text", Text: openai.String(text)}}}}}})
}

func (c *sdkCall) functionOutput(callID, output string) {
	c.send(realtime.RealtimeClientEventUnionParam{OfConversationItemCreate: &realtime.ConversationItemCreateEventParam{
		Item: realtime.ConversationItemUnionParam{OfFunctionCallOutput: &realtime.RealtimeConversationItemFunctionCallOutputParam{
			CallID: callID, Output: output}}}})
}

// next returns the next event, failing the test after within.
func (c *sdkCall) next(within time.Duration) realtime.RealtimeServerEventUnion {
	c.t.Helper()
	select {
	case ev, ok := <-c.events:
		if !ok {
			c.t.Fatalf("the sideband ended: %v", <-c.closed)
		}
		return ev
	case <-time.After(within):
		c.t.Fatalf("no event within %v", within)
	}
	return realtime.RealtimeServerEventUnion{}
}

// until returns the events up to and including the first of type typ.
func (c *sdkCall) until(typ string) []realtime.RealtimeServerEventUnion {
	c.t.Helper()
	var out []realtime.RealtimeServerEventUnion
	for {
		ev := c.next(15 * time.Second)
		out = append(out, ev)
		if ev.Type == typ {
			return out
		}
	}
}

// quiet returns what arrives within d: a test asserts it is nothing, or
// nothing that starts a response.
func (c *sdkCall) quiet(d time.Duration) []realtime.RealtimeServerEventUnion {
	var out []realtime.RealtimeServerEventUnion
	timeout := time.After(d)
	for {
		select {
		case ev, ok := <-c.events:
			if !ok {
				return out
			}
			out = append(out, ev)
		case <-timeout:
			return out
		}
	}
}

// sequence is the events' types, a run of one delta type shown once with
// "…".
func sequence(evs []realtime.RealtimeServerEventUnion) []string {
	var out []string
	for _, ev := range evs {
		typ := ev.Type
		if strings.HasSuffix(typ, ".delta") {
			typ += "…"
			if len(out) > 0 && out[len(out)-1] == typ {
				continue
			}
		}
		out = append(out, typ)
	}
	return out
}

// sdkKnownDifferences are the fields where openai-go v3.102.0's types do
// not match OpenAI's API reference, so a correct value does not decode:
// response.status_details is an object ({type, reason, error}) in the API
// reference and on the wire, but a string enum (RealtimeResponseStatus) in
// the SDK.
var sdkKnownDifferences = map[string]bool{"RealtimeResponse.StatusDetails": true}

// checkTyped says what is wrong with an event as the SDK sees it: no
// typed variant for its type, or a field the SDK requires missing or of
// the wrong type, at any depth ("" when nothing is).
func checkTyped(ev realtime.RealtimeServerEventUnion) string {
	v := ev.AsAny()
	if v == nil {
		return fmt.Sprintf("event type %q has no typed variant in the SDK", ev.Type)
	}
	rv := reflect.ValueOf(v)
	if got := rv.FieldByName("Type"); !got.IsValid() || got.String() != ev.Type {
		return fmt.Sprintf("event %q decoded as %T", ev.Type, v)
	}
	return checkFields(rv, 0)
}

// checkFields walks a decoded SDK struct: each field its JSON metadata
// marks invalid (present with a type the SDK cannot decode), each field
// tagged api:"required" that is missing, then the nested structs. Unions
// are left to the assertions that pick their variant.
func checkFields(v reflect.Value, depth int) string {
	meta := v.FieldByName("JSON")
	if depth > 6 || !meta.IsValid() || strings.HasSuffix(v.Type().Name(), "Union") {
		return ""
	}
	for i := 0; i < v.NumField(); i++ {
		f := v.Type().Field(i)
		m := meta.FieldByName(f.Name)
		if f.Name == "JSON" || !f.IsExported() || !m.IsValid() {
			continue
		}
		where := v.Type().Name() + "." + f.Name
		raw := m.MethodByName("Raw").Call(nil)[0].String()
		valid := m.MethodByName("Valid").Call(nil)[0].Bool()
		switch {
		case raw != "" && raw != "null" && !valid && !sdkKnownDifferences[where]:
			return fmt.Sprintf("%s = %s does not decode as the SDK's %s", where, raw, f.Type)
		case raw == "" && strings.Contains(string(f.Tag), `api:"required"`):
			return fmt.Sprintf("%s (%s) is missing", where, f.Tag.Get("json"))
		}
		if problem := checkNested(v.Field(i), depth); problem != "" {
			return problem
		}
	}
	return ""
}

func checkNested(f reflect.Value, depth int) string {
	switch f.Kind() {
	case reflect.Struct:
		return checkFields(f, depth+1)
	case reflect.Slice:
		for j := 0; j < f.Len(); j++ {
			if e := f.Index(j); e.Kind() == reflect.Struct {
				if problem := checkFields(e, depth+1); problem != "" {
					return problem
				}
			}
		}
	}
	return ""
}

// functionCall is a response.function_call_arguments.done, as the SDK
// types it.
type functionCall = realtime.ResponseFunctionCallArgumentsDoneEvent

// response sums up one response's events: its function calls, the
// message's transcript and the response.done.
type response struct {
	events  []realtime.RealtimeServerEventUnion
	calls   []functionCall
	created realtime.ResponseCreatedEvent
	done    realtime.ResponseDoneEvent
	text    string // the transcript.done's
}

func summarise(evs []realtime.RealtimeServerEventUnion) response {
	r := response{events: evs}
	for _, ev := range evs {
		switch v := ev.AsAny().(type) {
		case realtime.ResponseFunctionCallArgumentsDoneEvent:
			r.calls = append(r.calls, v)
		case realtime.ResponseCreatedEvent:
			r.created = v
		case realtime.ResponseDoneEvent:
			r.done = v
		case realtime.ResponseAudioTranscriptDoneEvent:
			r.text = v.Transcript
		}
	}
	return r
}

// The GA order, as the contract and OpenAI's Realtime API give it.
var (
	gaResponseStart = []string{"response.created", "rate_limits.updated"}
	gaFunctionCall  = []string{"response.output_item.added", "conversation.item.added",
		"response.function_call_arguments.delta…", "response.function_call_arguments.done",
		"response.output_item.done", "conversation.item.done"}
	gaSpokenMessage = []string{"response.output_item.added", "conversation.item.added", "response.content_part.added",
		"output_audio_buffer.started", "response.output_audio_transcript.delta…", "response.output_audio.done",
		"response.output_audio_transcript.done", "response.content_part.done", "response.output_item.done",
		"conversation.item.done"}
	gaResponseEnd = []string{"response.done"}
)

func concat(parts ...[]string) []string {
	var out []string
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// checkOrder compares a response's event types with the GA order.
func checkOrder(t *testing.T, what string, evs []realtime.RealtimeServerEventUnion, want []string) {
	t.Helper()
	got := sequence(evs)
	t.Logf("%s: %s", what, strings.Join(got, " → "))
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("%s: events\n got %v\nwant %v", what, got, want)
	}
}

// checkQuestionAsked asserts that a response asks question n: its first
// output (output_index 0) is question_asked {"index": n}, with a call_…
// ID, and its spoken message (output_index 1) follows the call in the
// conversation.
func checkQuestionAsked(t *testing.T, r response, n int) functionCall {
	t.Helper()
	if len(r.calls) != 1 {
		t.Fatalf("response %s: %d function calls, want question_asked", r.created.Response.ID, len(r.calls))
	}
	fc := r.calls[0]
	var args struct {
		Index int `json:"index"`
	}
	if err := json.Unmarshal([]byte(fc.Arguments), &args); err != nil || fc.Name != "question_asked" || args.Index != n {
		t.Errorf("function call %s(%s), want question_asked {\"index\":%d}", fc.Name, fc.Arguments, n)
	}
	if fc.OutputIndex != 0 || !strings.HasPrefix(fc.CallID, "call_") || fc.ResponseID != r.created.Response.ID {
		t.Errorf("question_asked at output_index %d, call_id %q, response %q", fc.OutputIndex, fc.CallID, fc.ResponseID)
	}
	var messagePrev string
	for _, ev := range r.events {
		if v, ok := ev.AsAny().(realtime.ConversationItemAdded); ok && v.Item.Type == "message" {
			messagePrev = v.PreviousItemID
		}
		if v, ok := ev.AsAny().(realtime.ResponseContentPartAddedEvent); ok && (v.OutputIndex != 1 || v.Part.Type != "audio") {
			t.Errorf("the message's content part at output_index %d, type %q; want 1, audio", v.OutputIndex, v.Part.Type)
		}
	}
	if messagePrev != fc.ItemID {
		t.Errorf("the message's previous_item_id %q, want the function call %q", messagePrev, fc.ItemID)
	}
	return fc
}

// checkDone asserts response.done: status, usage, and its output as the
// SDK's item union reads it (function calls, then an assistant message
// with output_audio content carrying the transcript).
func checkDone(t *testing.T, r response, status realtime.RealtimeResponseStatus, calls int, message bool) {
	t.Helper()
	d := r.done.Response
	if d.ID != r.created.Response.ID || d.Status != status || !d.JSON.Usage.Valid() || d.Object != "realtime.response" {
		t.Errorf("response.done id %q (created %q), status %q (want %s), usage %s", d.ID, r.created.Response.ID, d.Status, status, d.JSON.Usage.Raw())
	}
	want := calls
	if message {
		want++
	}
	if len(d.Output) != want {
		t.Fatalf("response.done has %d output items, want %d: %s", len(d.Output), want, r.done.RawJSON())
	}
	for i, item := range d.Output {
		switch v := item.AsAny().(type) {
		case realtime.RealtimeConversationItemFunctionCall:
			if i >= calls || v.Name == "" || v.CallID == "" {
				t.Errorf("output %d: function call %+v out of place", i, v)
			}
		case realtime.RealtimeConversationItemAssistantMessage:
			if i != calls || len(v.Content) != 1 || v.Content[0].Type != "output_audio" || v.Content[0].Transcript != r.text {
				t.Errorf("output %d: assistant message %s, want output_audio with %q", i, item.RawJSON(), r.text)
			}
		default:
			t.Errorf("output %d: %T %s", i, v, item.RawJSON())
		}
	}
}

// checkRateLimits asserts rate_limits.updated's shape: requests and tokens.
func checkRateLimits(t *testing.T, evs []realtime.RealtimeServerEventUnion) {
	t.Helper()
	for _, ev := range evs {
		if v, ok := ev.AsAny().(realtime.RateLimitsUpdatedEvent); ok {
			var names []string
			for _, l := range v.RateLimits {
				names = append(names, l.Name)
			}
			if strings.Join(names, ",") != "requests,tokens" {
				t.Errorf("rate_limits.updated names %v, want requests and tokens", names)
			}
			return
		}
	}
	t.Error("no rate_limits.updated")
}

// startsResponse says whether an event belongs to a response or a
// user turn, which a text item or a function output must not start.
func startsResponse(typ string) bool {
	return strings.HasPrefix(typ, "response.") || strings.HasPrefix(typ, "output_audio_buffer.") ||
		strings.HasPrefix(typ, "input_audio_buffer.")
}

// checkItemOnly asserts that a conversation.item.create brought
// conversation.item.added and .done of an item of type typ, and nothing
// else within a second.
func checkItemOnly(t *testing.T, c *sdkCall, what, typ string) {
	t.Helper()
	evs := c.until("conversation.item.done")
	evs = append(evs, c.quiet(time.Second)...)
	got := sequence(evs)
	if strings.Join(got, " ") != "conversation.item.added conversation.item.done" {
		t.Errorf("%s: %v, want conversation.item.added and .done only", what, got)
		return
	}
	if item := evs[0].AsConversationItemAdded().Item; item.Type != typ {
		t.Errorf("%s: item %s", what, item.RawJSON())
	}
}

// TestSDKInterview drives a whole interview with the SDK, in text mode
// (the engine's events are the same as with speech, without the audio):
// silence until response.create, the greeting with question_asked first,
// text items and function outputs that start nothing, the next question,
// end_interview alone, the goodbye after its output and response.create,
// no hangup by the engine, and Calls.Hangup closing the sideband.
func TestSDKInterview(t *testing.T) {
	sdk := startSDKEngine(t, nil)
	c := dialSDK(t, sdk, peer.Options{NoDataChannel: true})

	for _, ev := range c.quiet(1500 * time.Millisecond) {
		if startsResponse(ev.Type) || strings.HasPrefix(ev.Type, "conversation.") {
			t.Errorf("before response.create: %s", ev.RawJSON())
		}
	}

	c.responseCreate()
	greeting := summarise(append(c.until("response.done"), c.until("output_audio_buffer.stopped")...))
	checkOrder(t, "greeting", greeting.events, concat(gaResponseStart, gaFunctionCall, gaSpokenMessage, gaResponseEnd,
		[]string{"output_audio_buffer.stopped"}))
	checkRateLimits(t, greeting.events)
	q1 := checkQuestionAsked(t, greeting, 1)
	checkDone(t, greeting, realtime.RealtimeResponseStatusCompleted, 1, true)
	if !strings.Contains(greeting.text, "Ada") || !strings.Contains(greeting.text, "proud") {
		t.Errorf("greeting %q lacks the candidate or question 1", greeting.text)
	}

	c.functionOutput(q1.CallID, `{"ok":true}`)
	checkItemOnly(t, c, "question_asked's output", "function_call_output")
	c.userText("I built the payment service for a bank.")
	checkItemOnly(t, c, "a user text item", "message")

	c.responseCreate()
	second := summarise(append(c.until("response.done"), c.until("output_audio_buffer.stopped")...))
	checkOrder(t, "question 2", second.events, concat(gaResponseStart, gaFunctionCall, gaSpokenMessage, gaResponseEnd,
		[]string{"output_audio_buffer.stopped"}))
	q2 := checkQuestionAsked(t, second, 2)
	if !strings.Contains(second.text, "Why do you want") {
		t.Errorf("question 2: %q", second.text)
	}
	c.functionOutput(q2.CallID, `{"ok":true}`)
	checkItemOnly(t, c, "question_asked's output", "function_call_output")

	c.userText("Because I like the team.")
	checkItemOnly(t, c, "the last answer", "message")
	c.responseCreate()
	end := summarise(c.until("response.done"))
	checkOrder(t, "end_interview", end.events, concat(gaResponseStart, gaFunctionCall, gaResponseEnd))
	checkDone(t, end, realtime.RealtimeResponseStatusCompleted, 1, false)
	if len(end.calls) != 1 || end.calls[0].Name != "end_interview" || end.calls[0].Arguments != `{"reason":"completed"}` {
		t.Fatalf("after the last answer: %+v, want end_interview {\"reason\":\"completed\"} alone", end.calls)
	}
	for _, ev := range c.quiet(time.Second) {
		t.Errorf("after end_interview, before its output: %s", ev.RawJSON())
	}

	c.functionOutput(end.calls[0].CallID, `{"ok":true,"note":"The interview is over. Say a short goodbye."}`)
	c.responseCreate()
	goodbye := summarise(append(c.until("response.done"), c.until("output_audio_buffer.stopped")...))
	if got := sequence(goodbye.events); len(got) < 2 || got[0] != "conversation.item.added" || got[1] != "conversation.item.done" {
		t.Errorf("function_call_output before the goodbye: %v", got)
	} else {
		checkOrder(t, "goodbye", goodbye.events[2:], concat(gaResponseStart, gaSpokenMessage, gaResponseEnd,
			[]string{"output_audio_buffer.stopped"}))
	}
	checkDone(t, goodbye, realtime.RealtimeResponseStatusCompleted, 0, true)
	if len(goodbye.calls) != 0 || goodbye.text == "" {
		t.Errorf("goodbye: %q with calls %+v", goodbye.text, goodbye.calls)
	}

	// The engine never ends the call itself; the client hangs up.
	for _, ev := range c.quiet(2 * time.Second) {
		t.Errorf("after the goodbye: %s", ev.RawJSON())
	}
	select {
	case err := <-c.closed:
		t.Fatalf("the engine ended the sideband by itself: %v", err)
	default:
	}
	c.hangup()
}

// hangup ends the call with Calls.Hangup and asserts that the sideband
// closes.
func (c *sdkCall) hangup() {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.sdk.Realtime.Calls.Hangup(ctx, c.id); err != nil {
		c.t.Fatalf("Calls.Hangup: %v", err)
	}
	timeout := time.After(5 * time.Second)
	for {
		select {
		case _, ok := <-c.events:
			if !ok {
				c.t.Logf("sideband ended after hangup: %v", <-c.closed)
				return
			}
		case <-timeout:
			c.t.Fatal("the sideband is still open 5 s after Calls.Hangup")
		}
	}
}

// TestSDKBargeIn: the candidate (a pion peer whose packets carry RFC 6464
// speech levels, as Chromium's do) speaks while the greeting's audio
// plays: speech_started, output_audio_buffer.cleared, the response done as
// cancelled (turn_detected) with only the text heard, and
// conversation.item.truncated with the audio played so far.
func TestSDKBargeIn(t *testing.T) {
	sdk := startSDKEngine(t, toneSynth{3 * time.Second})
	c := dialSDK(t, sdk, peer.Options{NoDataChannel: true, AudioLevel: true})
	c.responseCreate()
	evs := c.until("response.output_audio_transcript.delta")
	speech := make([]peer.Packet, 40) // 800 ms at a speaking level
	for i := range speech {
		speech[i] = peer.Packet{Payload: []byte{0xf8, 0xff, 0xfe}, Level: 20}
	}
	c.peer.Play(append(speech, peer.Silence(2*time.Second)...)...)
	evs = append(evs, c.until("conversation.item.truncated")...)
	got := sequence(evs)
	t.Logf("barge-in: %s", strings.Join(got, " → "))
	at := map[string]int{}
	for i, typ := range got {
		if _, seen := at[typ]; !seen {
			at[typ] = i
		}
	}
	order := []string{"output_audio_buffer.started", "input_audio_buffer.speech_started", "output_audio_buffer.cleared",
		"response.output_audio_transcript.done", "response.done", "conversation.item.truncated"}
	for i := 1; i < len(order); i++ {
		a, okA := at[order[i-1]]
		b, okB := at[order[i]]
		if !okA || !okB || a > b {
			t.Errorf("barge-in: %s should come before %s", order[i-1], order[i])
		}
	}
	if _, stopped := at["output_audio_buffer.stopped"]; stopped {
		t.Error("output_audio_buffer.stopped for a response whose audio was cleared")
	}
	r := summarise(evs)
	details := r.done.Response.JSON.StatusDetails.Raw()
	if r.done.Response.Status != realtime.RealtimeResponseStatusCancelled || !strings.Contains(details, `"turn_detected"`) {
		t.Errorf("response.done status %q, status_details %s", r.done.Response.Status, details)
	}
	var heard strings.Builder
	for _, ev := range evs {
		if v, ok := ev.AsAny().(realtime.ResponseAudioTranscriptDeltaEvent); ok {
			heard.WriteString(v.Delta)
		}
	}
	if r.text != heard.String() || strings.Contains(r.text, "proud") {
		t.Errorf("transcript.done %q, deltas heard %q", r.text, heard.String())
	}
	trunc := evs[len(evs)-1].AsConversationItemTruncatedEvent()
	if trunc.AudioEndMs <= 0 || trunc.AudioEndMs >= 3000 || trunc.ContentIndex != 0 {
		t.Errorf("truncated %s", trunc.RawJSON())
	}
	started := evs[at["input_audio_buffer.speech_started"]].AsInputAudioBufferSpeechStartedEvent()
	checkUserTurn(t, started, c.until("response.created"))
	c.hangup()
}

// checkUserTurn asserts a user audio turn's events after speech_started,
// up to the response it starts (create_response): speech_stopped,
// committed, the user item added (input_audio, transcript null) and done,
// its transcription, then response.created.
func checkUserTurn(t *testing.T, started realtime.InputAudioBufferSpeechStartedEvent, evs []realtime.RealtimeServerEventUnion) {
	t.Helper()
	got := sequence(evs)
	t.Logf("user turn: %s", strings.Join(got, " → "))
	want := "input_audio_buffer.speech_stopped input_audio_buffer.committed conversation.item.added conversation.item.done"
	if len(got) < 6 || strings.Join(got[:4], " ") != want || got[len(got)-1] != "response.created" ||
		!strings.HasPrefix(got[len(got)-2], "conversation.item.input_audio_transcription.") {
		t.Errorf("user turn: %v, want %s, a transcription event, response.created", got, want)
		return
	}
	stopped, committed := evs[0].AsInputAudioBufferSpeechStoppedEvent(), evs[1].AsInputAudioBufferCommittedEvent()
	added := evs[2].AsConversationItemAdded()
	if started.ItemID == "" || stopped.ItemID != started.ItemID || committed.ItemID != started.ItemID ||
		stopped.AudioEndMs <= started.AudioStartMs || !committed.JSON.PreviousItemID.Valid() {
		t.Errorf("turn ids and times: started %s, stopped %s, committed %s", started.RawJSON(), stopped.RawJSON(), committed.RawJSON())
	}
	user, ok := added.Item.AsAny().(realtime.RealtimeConversationItemUserMessage)
	if !ok || user.ID != started.ItemID || len(user.Content) != 1 || user.Content[0].Type != "input_audio" ||
		user.Content[0].JSON.Transcript.Raw() != "null" || added.PreviousItemID != committed.PreviousItemID {
		t.Errorf("user item added: %s", added.RawJSON())
	}
}
