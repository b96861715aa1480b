package assesstest

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/openai/openai-go/v3"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Reply is what the server answers one request.
type Reply struct {
	Content      string
	Refusal      string
	FinishReason string // empty means stop
	Status       int    // an error status instead of an answer
	RetryAfter   string // with Status
	Delay        time.Duration
	// valid and invalid say that Content must (or must not) follow the
	// request's schema; the server fails the test otherwise, so that a
	// test's prepared answer is what it claims to be.
	valid, invalid bool
}

// JSON answers v as structured output that must follow the schema.
func JSON(v any) Reply {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return Reply{Content: string(b), valid: true}
}

// Malformed answers content that is not JSON.
func Malformed() Reply { return Reply{Content: `{"competencies": [{"key": "`} }

// Violating answers JSON that must break the schema (a missing field, a
// score out of range…).
func Violating(v any) Reply {
	r := JSON(v)
	r.valid, r.invalid = false, true
	return r
}

// Refusal answers with the model's refusal.
func Refusal(msg string) Reply { return Reply{Refusal: msg} }

// Status answers an HTTP error, with a Retry-After header when given.
func Status(code int, retryAfter string) Reply { return Reply{Status: code, RetryAfter: retryAfter} }

// Slow answers after d (or when the client gives up first).
func Slow(d time.Duration, then Reply) Reply {
	then.Delay = d
	return then
}

// check holds the prepared content to what it claims against req's schema.
func (r Reply) check(t testing.TB, req Request) {
	if !r.valid && !r.invalid {
		return
	}
	v, err := jsonschema.UnmarshalJSON(strings.NewReader(r.Content))
	if err == nil {
		err = req.Schema.Validate(v)
	}
	switch {
	case r.valid && err != nil:
		t.Errorf("assesstest: a prepared answer does not follow the request's schema: %v", err)
	case r.invalid && err == nil:
		t.Errorf("assesstest: a schema-violating answer follows the request's schema: %s", r.Content)
	}
}

func (r Reply) write(w http.ResponseWriter, hr *http.Request, req Request) {
	if r.Delay > 0 {
		select {
		case <-time.After(r.Delay):
		case <-hr.Context().Done():
			return
		}
	}
	if r.Status != 0 {
		writeError(w, r.Status, http.StatusText(r.Status), r.RetryAfter)
		return
	}
	finish := r.FinishReason
	if finish == "" {
		finish = "stop"
	}
	var refusal any
	if r.Refusal != "" {
		refusal = r.Refusal
	}
	body, _ := json.Marshal(map[string]any{
		"id": "chatcmpl-assesstest", "object": "chat.completion", "created": time.Now().Unix(), "model": req.Params.Model,
		"choices": []any{map[string]any{
			"index": 0, "finish_reason": finish, "logprobs": nil,
			"message": map[string]any{"role": "assistant", "content": r.Content, "refusal": refusal},
		}},
		"usage": map[string]any{"prompt_tokens": len(req.Body) / 4, "completion_tokens": len(r.Content) / 4, "total_tokens": (len(req.Body) + len(r.Content)) / 4},
	})
	var check openai.ChatCompletion
	if err := json.Unmarshal(body, &check); err != nil {
		panic("assesstest: an answer openai-go cannot read: " + err.Error())
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(body)
}

// writeError answers as the API does: {"error": {"message", "type", "code"}}.
func writeError(w http.ResponseWriter, code int, msg, retryAfter string) {
	if retryAfter != "" {
		w.Header().Set("Retry-After", retryAfter)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	kind := "server_error"
	if code == http.StatusTooManyRequests {
		kind = "rate_limit_exceeded"
	} else if code < 500 {
		kind = "invalid_request_error"
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"message": msg, "type": kind, "code": kind}})
}
