// Package assesstest is a fake OpenAI-compatible Chat Completions server
// for the tests of the assessment engine: it holds each request to what
// the real API takes (decoded with openai-go's own request type, the
// response_format schema compiled and checked against strict mode's
// rules), checks that no forbidden word (the candidate's name, email)
// reaches it, and answers from a script.
package assesstest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openai/openai-go/v3"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Server is the fake. Its URL is the base URL to give a client (…/v1).
type Server struct {
	URL string

	t         testing.TB
	mu        sync.Mutex
	script    []Reply
	otherwise func(Request) Reply
	forbidden []string
	requests  []Request
	inflight  int
	peak      int
}

// Request is one request the server took.
type Request struct {
	Params        openai.ChatCompletionNewParams
	Body          []byte
	Authorization string
	Schema        *jsonschema.Schema // the compiled response_format schema
	SchemaJSON    []byte
	Text          string // every message's text, joined by newlines
}

// New starts a Server, closed when the test ends. With an empty script it
// fails the test on any request, until Push or Otherwise says what to
// answer.
func New(t testing.TB) *Server {
	s := &Server{t: t}
	srv := httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(srv.Close)
	s.URL = srv.URL + "/v1"
	return s
}

// Push queues replies, answered in order.
func (s *Server) Push(replies ...Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.script = append(s.script, replies...)
}

// Otherwise answers the requests that come when the queue is empty.
func (s *Server) Otherwise(fn func(Request) Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.otherwise = fn
}

// Forbid fails the test when a request holds any of words (ignoring case).
func (s *Server) Forbid(words ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, w := range words {
		if strings.TrimSpace(w) != "" {
			s.forbidden = append(s.forbidden, strings.ToLower(w))
		}
	}
}

// Requests returns the requests taken so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Peak is the most requests the server has had in flight at once.
func (s *Server) Peak() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.peak
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/chat/completions") {
		s.t.Errorf("assesstest: unexpected %s %s", r.Method, r.URL.Path)
		http.NotFound(w, r)
		return
	}
	req, err := s.decode(r)
	if err != nil {
		s.t.Errorf("assesstest: %v", err)
		writeError(w, http.StatusBadRequest, err.Error(), "")
		return
	}
	reply := s.take(req)
	defer s.leave()
	reply.check(s.t, req)
	reply.write(w, r, req)
}

// take records req and picks its reply.
func (s *Server) take(req Request) Reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, req)
	s.inflight++
	s.peak = max(s.peak, s.inflight)
	if len(s.script) > 0 {
		reply := s.script[0]
		s.script = s.script[1:]
		return reply
	}
	if s.otherwise != nil {
		return s.otherwise(req)
	}
	s.t.Errorf("assesstest: request %d has no reply scripted", len(s.requests))
	return Status(http.StatusInternalServerError, "")
}

func (s *Server) leave() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.inflight--
}

// decode reads and checks a request as the real API would take it.
func (s *Server) decode(r *http.Request) (Request, error) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return Request{}, err
	}
	req := Request{Body: body, Authorization: r.Header.Get("Authorization")}
	if err := json.Unmarshal(body, &req.Params); err != nil {
		return Request{}, fmt.Errorf("the body is not a ChatCompletionNewParams: %v", err)
	}
	if req.Params.Model == "" || len(req.Params.Messages) == 0 {
		return Request{}, fmt.Errorf("a request needs a model and messages")
	}
	if req.Text, err = messagesText(body); err != nil {
		return Request{}, err
	}
	if err := s.checkForbidden(body, req.Text); err != nil {
		return Request{}, err
	}
	if req.Schema, req.SchemaJSON, err = compileFormat(req.Params); err != nil {
		return Request{}, err
	}
	return req, nil
}

func (s *Server) checkForbidden(body []byte, text string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	lb, lt := bytes.ToLower(body), strings.ToLower(text)
	for _, w := range s.forbidden {
		if bytes.Contains(lb, []byte(w)) || strings.Contains(lt, w) {
			return fmt.Errorf("the request holds the forbidden %q", w)
		}
	}
	return nil
}

// messagesText joins the messages' text, whether a string or text parts.
func messagesText(body []byte) (string, error) {
	var raw struct {
		Messages []struct {
			Role    string          `json:"role"`
			Content json.RawMessage `json:"content"`
		} `json:"messages"`
	}
	if err := json.Unmarshal(body, &raw); err != nil {
		return "", err
	}
	var b strings.Builder
	for _, m := range raw.Messages {
		var text string
		if err := json.Unmarshal(m.Content, &text); err != nil {
			var parts []struct{ Text string }
			if err := json.Unmarshal(m.Content, &parts); err != nil {
				return "", fmt.Errorf("message content of %s is neither text nor parts", m.Role)
			}
			for _, p := range parts {
				text += p.Text
			}
		}
		b.WriteString(text + "\n")
	}
	return b.String(), nil
}

// compileFormat checks the response_format: a strict json_schema that
// compiles and keeps strict mode's rules.
func compileFormat(p openai.ChatCompletionNewParams) (*jsonschema.Schema, []byte, error) {
	f := p.ResponseFormat.OfJSONSchema
	if f == nil {
		return nil, nil, fmt.Errorf("response_format is not json_schema")
	}
	if !f.JSONSchema.Strict.Value || f.JSONSchema.Name == "" {
		return nil, nil, fmt.Errorf("response_format needs a name and strict: true")
	}
	doc, err := json.Marshal(f.JSONSchema.Schema)
	if err != nil {
		return nil, nil, err
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return nil, nil, err
	}
	if err := checkStrict(v, "schema"); err != nil {
		return nil, nil, err
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("schema.json", v); err != nil {
		return nil, nil, err
	}
	sch, err := c.Compile("schema.json")
	if err != nil {
		return nil, nil, fmt.Errorf("the schema does not compile: %v", err)
	}
	return sch, doc, nil
}

// checkStrict applies strict mode's rules: every object closed, with all
// its properties required.
func checkStrict(v any, at string) error {
	switch n := v.(type) {
	case []any:
		for i, e := range n {
			if err := checkStrict(e, fmt.Sprintf("%s[%d]", at, i)); err != nil {
				return err
			}
		}
	case map[string]any:
		if n["type"] == "object" {
			if n["additionalProperties"] != false {
				return fmt.Errorf("%s: an object needs additionalProperties: false in strict mode", at)
			}
			props, _ := n["properties"].(map[string]any)
			req, _ := n["required"].([]any)
			if len(req) != len(props) {
				return fmt.Errorf("%s: strict mode requires every property (%d required of %d)", at, len(req), len(props))
			}
		}
		for k, e := range n {
			if err := checkStrict(e, at+"."+k); err != nil {
				return err
			}
		}
	}
	return nil
}

// Wait bounds how long a test helper waits for something the server sees.
const Wait = 10 * time.Second
