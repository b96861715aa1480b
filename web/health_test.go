package web

import (
	"net/http"
	"testing"

	"github.com/interviewd/interviewd/internal/store"
)

func TestHealthz(t *testing.T) {
	// No store at all: liveness must not depend on the database.
	h, _ := newTestServer(t, nil, "")
	res := do(t, h, http.MethodGet, "/healthz", nil)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status = %d, want 200", res.StatusCode)
	}
	if got := decodeJSON(t, res); got["status"] != "ok" || len(got) != 1 {
		t.Errorf("body = %v, want {status: ok}", got)
	}
}

func TestHealthzHead(t *testing.T) {
	h, _ := newTestServer(t, nil, "")
	res := do(t, h, http.MethodHead, "/healthz", nil)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("HEAD status = %d, want 200", res.StatusCode)
	}
}

// TestReadyzUp says ready and nothing more in public: no store, provider,
// auth or speech tool versions.
func TestReadyzUp(t *testing.T) {
	h, _ := newTestServer(t, openStore(t), "")
	res := do(t, h, http.MethodGet, "/readyz", nil)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status = %d, want 200", res.StatusCode)
	}
	if got := decodeJSON(t, res); got["status"] != "ready" || len(got) != 1 {
		t.Errorf("body = %v, want only {status: ready}", got)
	}
}

// TestReadyDetails gives the operator's listener the details the public
// /readyz keeps to itself, and the reason when the store is down.
func TestReadyDetails(t *testing.T) {
	mode := Mode{Store: "sqlite", Provider: "local engine", Auth: "built-in", Speech: "whisper 1.7"}
	closed := openStore(t)
	if err := closed.Close(); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		st     store.Store
		status int
		want   map[string]any
	}{
		{"up", openStore(t), 200, map[string]any{"status": "ready", "store": "sqlite", "provider": "local engine",
			"auth": "built-in", "speech": "whisper 1.7"}},
		{"closed store", closed, 503, map[string]any{"status": "not ready", "store": "sqlite"}},
		{"no store", nil, 503, map[string]any{"status": "not ready", "error": "no store configured"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := do(t, ReadyDetails(tt.st, mode), http.MethodGet, "/readyz", nil)
			if res.StatusCode != tt.status {
				t.Fatalf("status = %d, want %d", res.StatusCode, tt.status)
			}
			got := decodeJSON(t, res)
			for k, v := range tt.want {
				if got[k] != v {
					t.Errorf("%s = %v, want %v", k, got[k], v)
				}
			}
			if _, ok := got["error"]; ok != (tt.status != 200) {
				t.Errorf("body %v: an error exactly when not ready", got)
			}
		})
	}
}

func TestReadyzDown(t *testing.T) {
	tests := []struct {
		name  string
		close bool
	}{
		{"closed store", true},
		{"no store", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var h http.Handler
			var logs *logBuffer
			if tt.close {
				st := openStore(t)
				if err := st.Close(); err != nil {
					t.Fatalf("close: %v", err)
				}
				h, logs = newTestServer(t, st, "")
			} else {
				h, logs = newTestServer(t, nil, "")
			}
			res := do(t, h, http.MethodGet, "/readyz", nil)
			if res.StatusCode != http.StatusServiceUnavailable {
				t.Fatalf("status = %d, want 503", res.StatusCode)
			}
			code, msg := errorOf(t, res)
			if code != "unavailable" || msg != "not ready" {
				t.Errorf("error = %q %q, want unavailable / not ready", code, msg)
			}
			if !hasLog(t, logs, "request failed", 503) {
				t.Errorf("no error log line with status 503 in:\n%s", logs)
			}
		})
	}
}

// hasLog reports whether logs hold a record with msg and status that
// carries a request ID.
func hasLog(t *testing.T, logs *logBuffer, msg string, status float64) bool {
	t.Helper()
	for _, l := range logs.lines(t) {
		if l["msg"] == msg && l["status"] == status && l["request_id"] != "" && l["request_id"] != nil {
			return true
		}
	}
	return false
}
