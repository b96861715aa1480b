package realtime

import (
	"encoding/json"
	"fmt"
)

// The function tools every interview session declares. The model calls
// question_asked in the response that asks a question, and end_interview
// (with no audio) when the interview is over; interviewd answers both on
// the sideband (internal/calls).
const (
	ToolQuestionAsked = "question_asked"
	ToolEndInterview  = "end_interview"
)

// The reasons end_interview takes.
const (
	EndCompleted        = "completed"         // the last question has been answered
	EndCandidateRequest = "candidate_request" // the candidate asked to stop
	EndNoQuestions      = "no_questions"      // the position has no questions
)

// Tool is a function tool in OpenAI's GA session shape:
// {"type":"function","name":…,"description":…,"parameters":{JSON schema}}.
type Tool struct {
	Type        string `json:"type"` // always "function"
	Name        string `json:"name"`
	Description string `json:"description"`
	Parameters  Schema `json:"parameters"`
}

// Schema is the part of JSON Schema the tools' parameters use.
type Schema struct {
	Type        string            `json:"type"`
	Description string            `json:"description,omitempty"`
	Properties  map[string]Schema `json:"properties,omitempty"`
	Required    []string          `json:"required,omitempty"`
	Minimum     *int              `json:"minimum,omitempty"`
	Enum        []string          `json:"enum,omitempty"`
}

// InterviewTools returns the two function tools of an interview session.
func InterviewTools() []Tool {
	one := 1
	return []Tool{
		{
			Type: "function", Name: ToolQuestionAsked,
			Description: "Record that you are asking an interview question. Call it in the same response in which you ask the question.",
			Parameters: Schema{Type: "object", Required: []string{"index"}, Properties: map[string]Schema{
				"index": {Type: "integer", Minimum: &one,
					Description: "the number of the question being asked, as numbered in the instructions"},
			}},
		},
		{
			Type: "function", Name: ToolEndInterview,
			Description: "End the interview. Call it alone, without speaking, once the last question has been answered or when the candidate asks to stop.",
			Parameters: Schema{Type: "object", Required: []string{"reason"}, Properties: map[string]Schema{
				"reason": {Type: "string", Enum: []string{EndCompleted, EndCandidateRequest, EndNoQuestions}},
			}},
		},
	}
}

// FunctionCall is a function call the model made, as interviewd reads it
// from response.function_call_arguments.done or a function_call item.
type FunctionCall struct {
	CallID     string
	Name       string
	Arguments  string // JSON text, as the model wrote it
	ResponseID string
}

// FunctionCallOf returns the function call an event carries, if any:
// response.function_call_arguments.done, or a completed function_call item
// in response.output_item.done. response.done is read with
// FunctionCallsOf.
func FunctionCallOf(ev Event) (FunctionCall, bool) {
	switch {
	case ev.Type == EvFunctionArgsDone && ev.CallID != "":
		return FunctionCall{CallID: ev.CallID, Name: ev.Name, Arguments: ev.Arguments, ResponseID: ev.ResponseID}, true
	case ev.Type == EvOutputItemDone && ev.Item != nil && ev.Item.Type == "function_call" && ev.Item.CallID != "":
		return FunctionCall{CallID: ev.Item.CallID, Name: ev.Item.Name, Arguments: ev.Item.Arguments, ResponseID: ev.ResponseID}, true
	}
	return FunctionCall{}, false
}

// FunctionCallsOf returns the function calls in a response.done's output.
func FunctionCallsOf(ev Event) []FunctionCall {
	if ev.Type != EvResponseDone || ev.Response == nil {
		return nil
	}
	var out []FunctionCall
	for _, it := range ev.Response.Output {
		if it.Type == "function_call" && it.CallID != "" {
			out = append(out, FunctionCall{CallID: it.CallID, Name: it.Name, Arguments: it.Arguments, ResponseID: ev.Response.ID})
		}
	}
	return out
}

// QuestionAskedArgs are question_asked's arguments.
type QuestionAskedArgs struct {
	Index *int `json:"index"` // nil when the model left it out
}

// EndInterviewArgs are end_interview's arguments.
type EndInterviewArgs struct {
	Reason string `json:"reason"`
}

// DecodeArgs parses a function call's arguments into v, refusing text that
// is not one JSON object.
func DecodeArgs(arguments string, v any) error {
	if err := json.Unmarshal([]byte(arguments), v); err != nil {
		return fmt.Errorf("arguments are not a JSON object: %w", err)
	}
	return nil
}

// ConversationItemCreate is the conversation.item.create client event.
type ConversationItemCreate struct {
	Type string     `json:"type"` // always "conversation.item.create"
	Item OutputItem `json:"item"`
}

// OutputItem is a function_call_output conversation item.
type OutputItem struct {
	Type   string `json:"type"` // always "function_call_output"
	CallID string `json:"call_id"`
	Output string `json:"output"`
}

// NewFunctionCallOutput answers the function call callID with output (JSON
// text, as OpenAI expects it).
func NewFunctionCallOutput(callID, output string) ConversationItemCreate {
	return ConversationItemCreate{Type: "conversation.item.create",
		Item: OutputItem{Type: "function_call_output", CallID: callID, Output: output}}
}

// ResponseCreate is the response.create client event with no other
// fields: the model answers with the session's configuration.
type ResponseCreate struct {
	Type string `json:"type"` // always "response.create"
}

// NewResponseCreate asks the model to respond.
func NewResponseCreate() ResponseCreate { return ResponseCreate{Type: "response.create"} }
