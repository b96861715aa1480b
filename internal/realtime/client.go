package realtime

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"path"
	"strings"
	"time"
)

// Limits on what the client sends and accepts.
const (
	MaxSDPSize        = 64 << 10 // an offer or answer larger than this is refused
	maxErrorBody      = 16 << 10
	defaultCallTimout = 15 * time.Second
)

// Client talks to an OpenAI-compatible realtime provider.
type Client struct {
	baseURL string // e.g. https://api.openai.com/v1, no trailing slash
	apiKey  string
	http    *http.Client
}

// NewClient returns a client for the provider at baseURL. A nil httpClient
// means one with a 15-second timeout.
func NewClient(baseURL, apiKey string, httpClient *http.Client) *Client {
	if httpClient == nil {
		httpClient = &http.Client{Timeout: defaultCallTimout}
	}
	return &Client{baseURL: strings.TrimRight(baseURL, "/"), apiKey: apiKey, http: httpClient}
}

// Call is a created realtime call.
type Call struct {
	ID        string // rtc_…, from the Location header
	AnswerSDP string // passed to the browser byte for byte
}

// UpstreamError is a provider's refusal or failure. Status is 0 when the
// provider could not be reached or did not answer in time.
type UpstreamError struct {
	Status  int
	Code    string // the provider's error.code, when it gave one
	Message string // safe to show: never the provider's raw body
}

func (e *UpstreamError) Error() string {
	if e.Status == 0 {
		return "realtime provider unreachable: " + e.Message
	}
	return fmt.Sprintf("realtime provider answered %d %s: %s", e.Status, e.Code, e.Message)
}

// Rejected reports whether the provider refused the request itself (a 4xx),
// as opposed to being unavailable.
func (e *UpstreamError) Rejected() bool { return e.Status >= 400 && e.Status < 500 }

// CreateCall sends the offer and session to POST {base}/realtime/calls as
// multipart and returns the call's ID and SDP answer. The offer goes
// upstream byte for byte; only a 201 whose body is an SDP is an answer.
func (c *Client) CreateCall(ctx context.Context, offerSDP string, s Session) (Call, error) {
	if len(offerSDP) > MaxSDPSize {
		return Call{}, &UpstreamError{Status: http.StatusRequestEntityTooLarge, Message: "SDP offer too large"}
	}
	body, contentType, err := callBody(offerSDP, s)
	if err != nil {
		return Call{}, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.baseURL+"/realtime/calls", body)
	if err != nil {
		return Call{}, err
	}
	req.Header.Set("Content-Type", contentType)
	resp, err := c.do(req)
	if err != nil {
		return Call{}, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		return Call{}, upstreamError(resp)
	}
	return readAnswer(resp)
}

// callBody encodes the multipart body: an "sdp" part (application/sdp) and a
// "session" part holding the bare session object (application/json).
func callBody(offerSDP string, s Session) (io.Reader, string, error) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	sessionJSON, err := json.Marshal(s)
	if err != nil {
		return nil, "", fmt.Errorf("encode session: %w", err)
	}
	parts := []struct{ name, ctype, body string }{
		{"sdp", "application/sdp", offerSDP},
		{"session", "application/json", string(sessionJSON)},
	}
	for _, p := range parts {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q`, p.name))
		h.Set("Content-Type", p.ctype)
		w, err := mw.CreatePart(h)
		if err != nil {
			return nil, "", err
		}
		if _, err := io.WriteString(w, p.body); err != nil {
			return nil, "", err
		}
	}
	if err := mw.Close(); err != nil {
		return nil, "", err
	}
	return &buf, mw.FormDataContentType(), nil
}

func readAnswer(resp *http.Response) (Call, error) {
	b, err := io.ReadAll(io.LimitReader(resp.Body, MaxSDPSize+1))
	if err != nil {
		return Call{}, &UpstreamError{Message: "reading the SDP answer: " + err.Error()}
	}
	answer := string(b)
	if len(b) > MaxSDPSize || CheckSDP(answer, "answer") != nil {
		return Call{}, &UpstreamError{Status: http.StatusBadGateway, Code: "bad_answer", Message: "the provider's answer is not an SDP"}
	}
	id := CallIDFromLocation(resp.Header.Get("Location"))
	if id == "" {
		return Call{}, &UpstreamError{Status: http.StatusBadGateway, Code: "no_call_id", Message: "the provider gave no call ID"}
	}
	return Call{ID: id, AnswerSDP: answer}, nil
}

// CallIDFromLocation returns the call ID from a Location header such as
// /v1/realtime/calls/rtc_123?x=y, or "" when there is none.
func CallIDFromLocation(loc string) string {
	loc, _, _ = strings.Cut(loc, "?")
	if u, err := url.Parse(loc); err == nil {
		loc = u.EscapedPath()
	}
	id := path.Base(loc)
	if id == "." || id == "/" || id == "calls" || !validCallID(id) {
		return ""
	}
	return id
}

func validCallID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for _, r := range id {
		ok := r == '_' || r == '-' || (r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')
		if !ok {
			return false
		}
	}
	return true
}

// Hangup ends a call: POST {base}/realtime/calls/{id}/hangup.
func (c *Client) Hangup(ctx context.Context, callID string) error {
	if !validCallID(callID) {
		return fmt.Errorf("hangup: bad call ID %q", callID)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.baseURL+"/realtime/calls/"+callID+"/hangup", nil)
	if err != nil {
		return err
	}
	resp, err := c.do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return upstreamError(resp)
	}
	return nil
}

func (c *Client) do(req *http.Request) (*http.Response, error) {
	req.Header.Set("Authorization", "Bearer "+c.apiKey)
	resp, err := c.http.Do(req)
	if err != nil {
		msg := "request failed"
		if errors.Is(err, context.DeadlineExceeded) || isTimeout(err) {
			msg = "timed out"
		}
		return nil, &UpstreamError{Message: msg}
	}
	return resp, nil
}

func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}

// upstreamError reads OpenAI's {"error":{"message","type","code"}} from a
// failed response. The message is kept short and never contains the raw
// body, which might echo what we sent.
func upstreamError(resp *http.Response) error {
	b, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	var e struct {
		Error struct {
			Message string `json:"message"`
			Code    string `json:"code"`
			Type    string `json:"type"`
		} `json:"error"`
	}
	ue := &UpstreamError{Status: resp.StatusCode, Message: http.StatusText(resp.StatusCode)}
	if json.Unmarshal(b, &e) == nil && e.Error.Message != "" {
		ue.Code = firstNonEmpty(e.Error.Code, e.Error.Type)
		ue.Message = truncate(e.Error.Message, 300)
	}
	return ue
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
