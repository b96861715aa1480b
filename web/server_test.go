package web

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/interviewd/interviewd/internal/store"
	"github.com/interviewd/interviewd/internal/store/sqlite"
)

// testMode is the mode every test server reports.
var testMode = Mode{Store: "sqlite", Provider: "local engine", Auth: "built-in"}

// logBuffer collects a server's JSON log lines; handlers log from the
// server's goroutines, so writes are locked.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// lines returns every log record written so far.
func (b *logBuffer) lines(t *testing.T) []map[string]any {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []map[string]any
	for line := range strings.Lines(b.buf.String()) {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		out = append(out, m)
	}
	return out
}

// String returns the raw log.
func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// newTestServer returns the real handler over st and the log it writes.
func newTestServer(t *testing.T, st store.Store, publicURL string) (http.Handler, *logBuffer) {
	t.Helper()
	logs := &logBuffer{}
	logger := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h := NewServer(Deps{Logger: logger, Store: st, Mode: testMode, PublicURL: publicURL})
	return h, logs
}

// openStore opens a real SQLite store in a temporary directory.
func openStore(t *testing.T) *sqlite.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// do sends a request through h and returns the response.
func do(t *testing.T, h http.Handler, method, target string, header http.Header) *http.Response {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for k, vs := range header {
		req.Header[k] = vs
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

// readBody returns a response's body.
func readBody(t *testing.T, res *http.Response) string {
	t.Helper()
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	return string(b)
}

// decodeJSON decodes a response's JSON body into a generic map, checking the
// Content-Type on the way.
func decodeJSON(t *testing.T, res *http.Response) map[string]any {
	t.Helper()
	if ct := res.Header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("Content-Type = %q, want application/json", ct)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(readBody(t, res)), &m); err != nil {
		t.Fatalf("decode JSON: %v", err)
	}
	return m
}

// errorOf returns the code and message of a JSON error body.
func errorOf(t *testing.T, res *http.Response) (code, message string) {
	t.Helper()
	m := decodeJSON(t, res)
	e, ok := m["error"].(map[string]any)
	if !ok {
		t.Fatalf("body %v has no error object", m)
	}
	code, _ = e["code"].(string)
	message, _ = e["message"].(string)
	return code, message
}
