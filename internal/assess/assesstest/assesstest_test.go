package assesstest

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// recorder is a test that keeps its errors, to see the fake fail one.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func post(t *testing.T, url, body string) int {
	t.Helper()
	resp, err := http.Post(url+"/chat/completions", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

const strictSchema = `{"type":"object","additionalProperties":false,"required":["a"],"properties":{"a":{"type":"integer","maximum":5}}}`

func request(schema, text string) string {
	return `{"model":"m","messages":[{"role":"user","content":"` + text + `"}],
		"response_format":{"type":"json_schema","json_schema":{"name":"x","strict":true,"schema":` + schema + `}}}`
}

// TestServerHoldsRequestsToTheAPI: the fake refuses what the real API
// would, and catches a forbidden word and a mislabelled prepared answer.
func TestServerHoldsRequestsToTheAPI(t *testing.T) {
	tests := []struct {
		name, body, want string
		reply            Reply
	}{
		{"fine", request(strictSchema, "hello"), "", JSON(map[string]int{"a": 3})},
		{"not strict", request(`{"type":"object","properties":{"a":{"type":"integer"}}}`, "hi"), "additionalProperties", Reply{}},
		{"not all required", request(`{"type":"object","additionalProperties":false,"required":[],"properties":{"a":{"type":"integer"}}}`, "hi"), "requires every property", Reply{}},
		{"no schema", `{"model":"m","messages":[{"role":"user","content":"hi"}]}`, "not json_schema", Reply{}},
		{"forbidden", request(strictSchema, "I am Ada"), `forbidden "ada"`, Reply{}},
		{"invalid prepared answer", request(strictSchema, "hi"), "does not follow", JSON(map[string]int{"a": 9})},
		{"valid violating answer", request(strictSchema, "hi"), "follows the request's schema", Violating(map[string]int{"a": 1})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{TB: t}
			s := New(rec)
			s.Forbid("Ada")
			s.Push(tt.reply)
			post(t, s.URL, tt.body)
			got := strings.Join(rec.errs, "\n")
			if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
				t.Errorf("errors %q, want one with %q", got, tt.want)
			}
		})
	}
}

func TestServerAnswersErrors(t *testing.T) {
	s := New(t)
	s.Push(Status(http.StatusTooManyRequests, "3"))
	if code := post(t, s.URL, request(strictSchema, "x")); code != http.StatusTooManyRequests {
		t.Errorf("status %d", code)
	}
	if r := s.Requests(); len(r) != 1 || !bytes.Contains(r[0].SchemaJSON, []byte(`"maximum"`)) {
		t.Errorf("requests %+v", r)
	}
}
