package realtime

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestToolsGAShape checks the tools against OpenAI's GA function tool
// shape (RealtimeFunctionTool: type, name, description, parameters) and
// the schemas the contract names, byte for byte as JSON values.
func TestToolsGAShape(t *testing.T) {
	s := BuildSession(Settings{Model: "gpt-realtime"}, brief())
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Tools      []map[string]any `json:"tools"`
		ToolChoice string           `json:"tool_choice"`
		Audio      struct {
			Input struct {
				TurnDetection map[string]any `json:"turn_detection"`
			} `json:"input"`
		} `json:"audio"`
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if got.ToolChoice != "auto" {
		t.Errorf("tool_choice %q, want auto", got.ToolChoice)
	}
	want := map[string]string{
		ToolQuestionAsked: `{"type":"object","properties":{"index":{"type":"integer","minimum":1,` +
			`"description":"the number of the question being asked, as numbered in the instructions"}},"required":["index"]}`,
		ToolEndInterview: `{"type":"object","properties":{"reason":{"type":"string",` +
			`"enum":["completed","candidate_request","no_questions"]}},"required":["reason"]}`,
	}
	if len(got.Tools) != len(want) {
		t.Fatalf("%d tools, want %d: %s", len(got.Tools), len(want), b)
	}
	for _, tool := range got.Tools {
		keys := make([]string, 0, len(tool))
		for k := range tool {
			keys = append(keys, k)
		}
		if len(keys) != 4 || tool["type"] != "function" || tool["description"] == "" {
			t.Errorf("tool %v: want exactly type function, name, description, parameters", tool)
		}
		name, _ := tool["name"].(string)
		var wantParams any
		if err := json.Unmarshal([]byte(want[name]), &wantParams); err != nil {
			t.Fatalf("tool %q: %v", name, err)
		}
		if !sameJSON(t, tool["parameters"], wantParams) {
			t.Errorf("tool %s parameters %v, want %s", name, tool["parameters"], want[name])
		}
	}
	td := got.Audio.Input.TurnDetection
	if td["idle_timeout_ms"] != float64(30000) || td["create_response"] != true || td["interrupt_response"] != true ||
		td["silence_duration_ms"] != float64(2500) || td["type"] != "server_vad" {
		t.Errorf("turn_detection %v", td)
	}
}

func sameJSON(t *testing.T, a, b any) bool {
	t.Helper()
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && string(x) == string(y)
}

// TestInstructionsTellWhenToCallTools: the prose names both tools, each
// reason, and that the goodbye comes after end_interview.
func TestInstructionsTellWhenToCallTools(t *testing.T) {
	text := Instructions(brief())
	for _, must := range []string{"question_asked", "end_interview", `"completed"`, `"candidate_request"`,
		`"no_questions"`, "You speak first", "goodbye"} {
		if !strings.Contains(text, must) {
			t.Errorf("instructions lack %q", must)
		}
	}
	rules := text[:strings.Index(text, "\nQuestions")]
	for _, l := range strings.Split(rules, "\n") {
		if q, ok := strings.CutPrefix(l, "- "); ok && q != "" && q[0] >= '0' && q[0] <= '9' {
			t.Errorf("a rule starts with a number, which the engine would read as a question: %q", l)
		}
	}
}

func TestFunctionCallOf(t *testing.T) {
	cases := []struct {
		name, event string
		want        FunctionCall
		ok          bool
	}{
		{"arguments done", `{"type":"response.function_call_arguments.done","event_id":"e1","response_id":"resp_1",` +
			`"item_id":"item_1","output_index":0,"call_id":"call_1","name":"question_asked","arguments":"{\"index\":2}"}`,
			FunctionCall{CallID: "call_1", Name: "question_asked", Arguments: `{"index":2}`, ResponseID: "resp_1"}, true},
		{"output item done", `{"type":"response.output_item.done","response_id":"resp_2","output_index":0,` +
			`"item":{"id":"item_2","type":"function_call","status":"completed","name":"end_interview","call_id":"call_2","arguments":"{\"reason\":\"completed\"}"}}`,
			FunctionCall{CallID: "call_2", Name: "end_interview", Arguments: `{"reason":"completed"}`, ResponseID: "resp_2"}, true},
		{"message item", `{"type":"response.output_item.done","response_id":"resp_3","item":{"id":"item_3","type":"message","role":"assistant"}}`,
			FunctionCall{}, false},
		{"other event", `{"type":"response.function_call_arguments.delta","call_id":"call_1","delta":"{"}`, FunctionCall{}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ev, err := DecodeEvent([]byte(tc.event))
			if err != nil {
				t.Fatal(err)
			}
			got, ok := FunctionCallOf(ev)
			if ok != tc.ok || got != tc.want {
				t.Errorf("got %+v %v, want %+v %v", got, ok, tc.want, tc.ok)
			}
		})
	}
	ev, err := DecodeEvent([]byte(`{"type":"response.done","response":{"id":"resp_4","status":"completed","output":[` +
		`{"id":"item_4","type":"message","role":"assistant","content":[{"type":"output_audio","transcript":"Hi"}]},` +
		`{"id":"item_5","type":"function_call","name":"question_asked","call_id":"call_5","arguments":"{\"index\":1}"}]}}`))
	if err != nil {
		t.Fatal(err)
	}
	calls := FunctionCallsOf(ev)
	if len(calls) != 1 || calls[0] != (FunctionCall{CallID: "call_5", Name: "question_asked", Arguments: `{"index":1}`, ResponseID: "resp_4"}) {
		t.Errorf("response.done calls %+v", calls)
	}
}

// TestClientEvents: the events interviewd sends, in OpenAI's shape.
func TestClientEvents(t *testing.T) {
	for _, tc := range []struct {
		event any
		want  string
	}{
		{NewResponseCreate(), `{"type":"response.create"}`},
		{NewFunctionCallOutput("call_1", `{"ok":true}`),
			`{"type":"conversation.item.create","item":{"type":"function_call_output","call_id":"call_1","output":"{\"ok\":true}"}}`},
	} {
		b, err := json.Marshal(tc.event)
		if err != nil || string(b) != tc.want {
			t.Errorf("got %s (%v), want %s", b, err, tc.want)
		}
	}
	var args QuestionAskedArgs
	if err := DecodeArgs(`{"index":3}`, &args); err != nil || args.Index == nil || *args.Index != 3 {
		t.Errorf("args %+v, %v", args, err)
	}
	if err := DecodeArgs(`{"index":`, &args); err == nil {
		t.Error("broken arguments accepted")
	}
}

// FuzzFunctionCall: whatever a provider sends, reading function calls and
// their arguments never panics, and every call read has a call ID.
func FuzzFunctionCall(f *testing.F) {
	f.Add([]byte(`{"type":"response.function_call_arguments.done","call_id":"call_1","name":"question_asked","arguments":"{\"index\":2}"}`))
	f.Add([]byte(`{"type":"response.done","response":{"id":"r","output":[{"type":"function_call","call_id":"c","arguments":"{\"reason\":\"completed\"}"}]}}`))
	f.Add([]byte(`{"type":"response.output_item.done","item":{"type":"function_call","call_id":"","arguments":"[]"}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		ev, err := DecodeEvent(b)
		if err != nil {
			return
		}
		calls := FunctionCallsOf(ev)
		if fc, ok := FunctionCallOf(ev); ok {
			calls = append(calls, fc)
		}
		for _, fc := range calls {
			if fc.CallID == "" {
				t.Errorf("a call without an ID from %s", b)
			}
			var q QuestionAskedArgs
			var e EndInterviewArgs
			_ = DecodeArgs(fc.Arguments, &q)
			_ = DecodeArgs(fc.Arguments, &e)
		}
	})
}
