package web

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
)

// apiClient calls the integration API of a test app with one tenant's key.
type apiClient struct {
	t        *testing.T
	app      *testApp
	tenantID string
	key      string
	keyID    string
}

// apiResponse is what a call got back, read in full.
type apiResponse struct {
	status int
	header http.Header
	body   []byte
}

// newAPITenant creates an organisation with no members and an API key for
// it, as the admin CLI does, and returns a client using that key.
func newAPITenant(t *testing.T, app *testApp, name string) *apiClient {
	t.Helper()
	ctx := context.Background()
	tenant := interview.Tenant{Name: name}
	if err := app.Store.CreateTenant(ctx, &tenant, ""); err != nil {
		t.Fatalf("create tenant %s: %v", name, err)
	}
	key, k, err := app.Accounts.CreateAPIKey(ctx, tenant.ID, "tests", "")
	if err != nil {
		t.Fatalf("create API key: %v", err)
	}
	return &apiClient{t: t, app: app, tenantID: tenant.ID, key: key, keyID: k.ID}
}

// call sends a request with the client's key. header holds pairs of names
// and values; a JSON Content-Type is set whenever there is a body.
func (c *apiClient) call(method, path, body string, header ...string) apiResponse {
	c.t.Helper()
	return rawCall(c.t, c.app, method, path, body, append([]string{"Authorization", "Bearer " + c.key}, header...)...)
}

// rawCall sends a request with exactly the headers given (and a JSON
// Content-Type when there is a body and none is given).
func rawCall(t *testing.T, app *testApp, method, path, body string, header ...string) apiResponse {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, app.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		if header[i] == "Content-Type" {
			req.Header.Del("Content-Type") // the caller's replaces the default
		}
		req.Header.Add(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", method, path, err)
	}
	return apiResponse{status: res.StatusCode, header: res.Header, body: b}
}

// want fails the test unless the response has status, and returns its
// body decoded.
func (r apiResponse) want(t *testing.T, status int) map[string]any {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("Content-Type %q, want application/json", ct)
	}
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
	return m
}

// wantError fails the test unless the response is an error with status and
// code whose message contains msg, and returns the message.
func (r apiResponse) wantError(t *testing.T, status int, code interview.Code, msg string) string {
	t.Helper()
	m := r.want(t, status)
	e, _ := m["error"].(map[string]any)
	if e == nil || e["code"] != string(code) {
		t.Fatalf("error %v, want code %s", m, code)
	}
	got, _ := e["message"].(string)
	if !strings.Contains(got, msg) {
		t.Fatalf("error message %q does not contain %q", got, msg)
	}
	return got
}

// createPosition creates a position through the API and returns its ID.
func (c *apiClient) createPosition(title string) string {
	c.t.Helper()
	body := `{"title":"` + title + `","questions":["Tell me about yourself.","Why this job?","Any questions?"]}`
	return c.call("POST", "/api/v1/positions", body).want(c.t, http.StatusCreated)["id"].(string)
}

// createInterview creates an interview through the API and returns its ID.
func (c *apiClient) createInterview(positionID, name, email string) string {
	c.t.Helper()
	body := `{"positionId":"` + positionID + `","candidate":{"name":"` + name + `","email":"` + email + `"}}`
	return c.call("POST", "/api/v1/interviews", body).want(c.t, http.StatusCreated)["id"].(string)
}

// counts returns how many positions (archived too) and interviews the
// tenant has, straight from the store.
func (c *apiClient) counts() (positions, interviews int) {
	c.t.Helper()
	ctx := context.Background()
	ps, err := c.app.Store.ListPositions(ctx, c.tenantID, interview.PositionFilter{IncludeArchived: true})
	if err != nil {
		c.t.Fatal(err)
	}
	vs, err := c.app.Store.ListSessions(ctx, c.tenantID, interview.SessionFilter{Limit: 500})
	if err != nil {
		c.t.Fatal(err)
	}
	return len(ps), len(vs)
}

// seedTranscript writes two transcript lines to an interview.
func (c *apiClient) seedTranscript(interviewID string) {
	c.t.Helper()
	at := time.Date(2025, 3, 4, 10, 0, 0, 0, time.UTC)
	conf := 0.93
	entries := []interview.TranscriptEntry{
		{ItemID: "item_1", Speaker: interview.SpeakerInterviewer, Text: "Tell me about yourself.", Timestamp: at, Source: interview.SourceSideband},
		{ItemID: "item_2", Speaker: interview.SpeakerCandidate, Text: "I build Go services.", Timestamp: at.Add(4 * time.Second), Source: interview.SourceSideband, Confidence: &conf},
	}
	if _, err := c.app.Store.AppendTranscript(context.Background(), c.tenantID, interviewID, entries); err != nil {
		c.t.Fatalf("append transcript: %v", err)
	}
}

// forEachStore runs test on a fresh app over each store.
func forEachStore(t *testing.T, test func(t *testing.T, app *testApp)) {
	for _, s := range bothStores() {
		t.Run(s.name, func(t *testing.T) {
			test(t, newTestApp(t, s.open(t)))
		})
	}
}
