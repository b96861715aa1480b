// Package apivideo keeps finalised recordings on api.video
// (https://docs.api.video): a recording.Publisher that uploads a segment
// as a private video in parts, streams its MP4 asset back, and deletes it.
package apivideo

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// DefaultURL is api.video's production API (API_VIDEO_URL overrides it;
// https://sandbox.api.video is the sandbox).
const DefaultURL = "https://ws.api.video"

// MinPartSize is the smallest part of a progressive upload api.video
// takes, except the last; DefaultPartSize is what Upload sends.
const (
	MinPartSize     = 5 << 20
	DefaultPartSize = 50 << 20
)

// partTries is how many times one part is sent before the upload fails.
const partTries = 4

// Client talks to api.video with an API key, exchanged for an access
// token (POST /auth/api-key) that is refreshed before it expires and on a
// 401. Safe for concurrent use.
type Client struct {
	base     string
	key      string
	http     *http.Client
	partSize int64
	backoff  time.Duration

	mu      sync.Mutex
	access  string
	refresh string
	expires time.Time
}

// New returns a client of the API at baseURL (DefaultURL when empty).
func New(baseURL, apiKey string, httpClient *http.Client) *Client {
	if baseURL == "" {
		baseURL = DefaultURL
	}
	if httpClient == nil {
		httpClient = http.DefaultClient
	}
	return &Client{base: strings.TrimRight(baseURL, "/"), key: apiKey, http: httpClient, partSize: DefaultPartSize, backoff: 500 * time.Millisecond}
}

// SetPartSize changes the upload's part size (at least MinPartSize) and
// the pause before a part is sent again; tests use small ones.
func (c *Client) SetPartSize(size int64, backoff time.Duration) {
	c.partSize, c.backoff = max(size, MinPartSize), backoff
}

// tokens is the answer of /auth/api-key and /auth/refresh.
type tokens struct {
	Access    string `json:"access_token"`
	Refresh   string `json:"refresh_token"`
	ExpiresIn int    `json:"expires_in"`
}

// token returns a valid access token: the one held, a refreshed one when
// it is near its end (or stale was rejected), or a new one from the key.
func (c *Client) token(ctx context.Context, stale string) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.access != "" && c.access != stale && time.Now().Before(c.expires.Add(-time.Minute)) {
		return c.access, nil
	}
	var t tokens
	err := errors.New("no refresh token")
	if c.refresh != "" {
		err = c.postJSON(ctx, "/auth/refresh", map[string]string{"refreshToken": c.refresh}, &t)
	}
	if err != nil {
		if err = c.postJSON(ctx, "/auth/api-key", map[string]string{"apiKey": c.key}, &t); err != nil {
			return "", fmt.Errorf("api.video authentication: %w", err)
		}
	}
	c.access, c.refresh, c.expires = t.Access, t.Refresh, time.Now().Add(time.Duration(t.ExpiresIn)*time.Second)
	return c.access, nil
}

// postJSON posts v without a token and decodes the answer into out.
func (c *Client) postJSON(ctx context.Context, path string, v, out any) error {
	body, _ := json.Marshal(v)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return decode(resp, out)
}

// request is one authenticated call: body makes the request body (again
// on a retry after a 401).
type request struct {
	method, path string
	body         func() (io.Reader, int64, string) // reader, length, type
	header       http.Header
}

// do sends r with the access token, once more with a new one after a
// 401, and returns the response for the caller to close.
func (c *Client) do(ctx context.Context, r request) (*http.Response, error) {
	stale := ""
	for try := 0; ; try++ {
		tok, err := c.token(ctx, stale)
		if err != nil {
			return nil, err
		}
		req, err := c.newRequest(ctx, r, tok)
		if err != nil {
			return nil, err
		}
		resp, err := c.http.Do(req)
		if err != nil || resp.StatusCode != http.StatusUnauthorized || try > 0 {
			return resp, err
		}
		resp.Body.Close()
		stale = tok
	}
}

func (c *Client) newRequest(ctx context.Context, r request, tok string) (*http.Request, error) {
	var body io.Reader
	var length int64
	typ := ""
	if r.body != nil {
		body, length, typ = r.body()
	}
	req, err := http.NewRequestWithContext(ctx, r.method, c.base+r.path, body)
	if err != nil {
		return nil, err
	}
	req.ContentLength = length
	for k, v := range r.header {
		req.Header[k] = v
	}
	if typ != "" {
		req.Header.Set("Content-Type", typ)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", "Bearer "+tok)
	return req, nil
}

// apiError is api.video's problem answer.
type apiError struct {
	Status int    `json:"status"`
	Type   string `json:"type"`
	Title  string `json:"title"`
}

func (e *apiError) Error() string {
	return fmt.Sprintf("api.video: HTTP %d: %s", e.Status, e.Title)
}

// decode reads a 2xx answer into out, or returns the problem as an
// *apiError.
func decode(resp *http.Response, out any) error {
	if resp.StatusCode >= 300 {
		e := &apiError{}
		json.NewDecoder(io.LimitReader(resp.Body, 64<<10)).Decode(e)
		e.Status = resp.StatusCode
		return e
	}
	if out == nil {
		return nil
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

// call is do plus decode.
func (c *Client) call(ctx context.Context, r request, out any) error {
	resp, err := c.do(ctx, r)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return decode(resp, out)
}

// jsonBody is a request body of v as JSON.
func jsonBody(v any) func() (io.Reader, int64, string) {
	b, _ := json.Marshal(v)
	return func() (io.Reader, int64, string) { return bytes.NewReader(b), int64(len(b)), "application/json" }
}
