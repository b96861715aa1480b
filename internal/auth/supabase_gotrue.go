package auth

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/supabase-community/gotrue-go"

	"github.com/interviewd/interviewd/internal/interview"
)

// gotrueMaxBody bounds what interviewd reads of an answer of Supabase Auth.
const gotrueMaxBody = 1 << 20

// The answers to every failure of Supabase Auth that is not a refusal.
var (
	errSupabaseDown = interview.Errorf(interview.CodeUnavailable,
		"the sign-in service is unavailable; try again in a minute")
	// errSupabaseBusy answers Supabase Auth's 429s: over_request_rate_limit
	// (every request comes from interviewd's address, so its per-address
	// limits count all recruiters together) and, outside sign-up,
	// over_email_send_rate_limit.
	errSupabaseBusy = interview.Errorf(interview.CodeRateLimited,
		"the sign-in service has had too many requests; wait a minute and try again")
)

// gotrueCall is the transport of one call to Supabase Auth. gotrue-go's
// methods take no context, so the transport gives each request the call's
// context (its deadline and cancellation); it bounds the answer, and keeps
// its status and body so that a failure can be told apart from a refusal.
type gotrueCall struct {
	ctx    context.Context
	base   http.RoundTripper
	status int // 0 until an answer arrives
	body   []byte
}

// client returns auth with c as its transport. Redirects are not followed,
// so that a password is only ever sent to the configured URL.
func (c *gotrueCall) client(auth gotrue.Client) gotrue.Client {
	return auth.WithClient(http.Client{
		Transport:     c,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	})
}

// RoundTrip sends r with the call's context and reads the whole answer.
func (c *gotrueCall) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := c.base.RoundTrip(r.WithContext(c.ctx))
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, gotrueMaxBody+1))
	if err != nil {
		return nil, err
	}
	if len(body) > gotrueMaxBody {
		return nil, errors.New("answer too large")
	}
	c.status, c.body = resp.StatusCode, body
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}

// gotrueRefusal is what Supabase Auth said when it did not answer with
// success: its status, error code and message, and the reasons of a
// weak_password answer.
type gotrueRefusal struct {
	status  int
	code    string // error_code (current GoTrue), or error (its OAuth answers)
	msg     string
	reasons []string
}

// answer reads what Supabase Auth said in an error body: its legacy shape
// {"code":N,"error_code","msg"} (what it answers clients that name no API
// version, as gotrue-go does), the 2024-01-01 shape {"code","message"}, or
// the OAuth one {"error","error_description"}. A body that is not JSON
// leaves only the status.
func (c *gotrueCall) answer() gotrueRefusal {
	var b struct {
		Code         json.RawMessage `json:"code"`
		ErrorCode    string          `json:"error_code"`
		Error        string          `json:"error"`
		Description  string          `json:"error_description"`
		Msg          string          `json:"msg"`
		Message      string          `json:"message"`
		WeakPassword struct {
			Reasons []string `json:"reasons"`
		} `json:"weak_password"`
	}
	_ = json.Unmarshal(c.body, &b)
	var code string
	_ = json.Unmarshal(b.Code, &code) // a string only in the 2024-01-01 shape
	return gotrueRefusal{
		status: c.status,
		code:   cmp.Or(b.ErrorCode, code, b.Error),
		msg:    cmp.Or(b.Msg, b.Description, b.Message),
		// bounded by gotrueMaxBody; only known reasons are ever shown
		reasons: b.WeakPassword.Reasons,
	}
}

// refusal returns what Supabase Auth said, and whether the call failed
// because it refused the request (a 4xx other than 429) rather than
// because it could not be reached, was overloaded or rate limited.
func (c *gotrueCall) refusal() (gotrueRefusal, bool) {
	if c.status < 400 || c.status >= 500 || c.status == http.StatusTooManyRequests {
		return gotrueRefusal{}, false
	}
	return c.answer(), true
}

// failed maps a call that was not refused to a domain error that keeps the
// cause for the log: rate limited for a 429, unavailable for anything else
// (no answer, a timeout, a 5xx, a redirect, an answer that is not JSON).
func (c *gotrueCall) failed(op string, cause error) error {
	domain := errSupabaseDown
	if c.status == http.StatusTooManyRequests {
		domain = errSupabaseBusy
	}
	return fmt.Errorf("supabase auth: %s: %w (status %d: %v)", op, domain, c.status, cause)
}

// String describes the refusal for the log.
func (r gotrueRefusal) String() string {
	return fmt.Sprintf("status %d, %s: %s", r.status, cmp.Or(r.code, "no code"), r.shown())
}

// is reports whether the refusal has one of codes, or, from versions of
// GoTrue that send no code, a message containing one of texts.
func (r gotrueRefusal) is(codes []string, texts ...string) bool {
	if slices.Contains(codes, r.code) {
		return true
	}
	msg := strings.ToLower(r.msg)
	return slices.ContainsFunc(texts, func(t string) bool { return strings.Contains(msg, t) })
}

// shown is the refusal's message, fit to show to the person who caused it.
func (r gotrueRefusal) shown() string {
	msg := strings.Map(func(c rune) rune {
		if c < ' ' || c == utf8.RuneError {
			return -1
		}
		return c
	}, r.msg)
	if len(msg) > 200 {
		msg = strings.ToValidUTF8(msg[:200], "") + "…"
	}
	return cmp.Or(msg, "the request was refused")
}
