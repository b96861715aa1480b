package web

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/interviewd/interviewd/internal/interview"
)

func TestFail(t *testing.T) {
	tests := []struct {
		name    string
		err     error
		status  int
		code    string
		message string
		logged  bool
	}{
		{"invalid", interview.ErrInvalid, 400, "invalid_request", "invalid request", false},
		{"unauthorized", interview.ErrUnauthorized, 401, "unauthorized", "authentication required", false},
		{"forbidden", interview.ErrForbidden, 403, "forbidden", "not allowed", false},
		{"not found wrapped", fmt.Errorf("get position p1: %w", interview.ErrNotFound), 404, "not_found", "not found", false},
		{"conflict", interview.ErrConflict, 409, "conflict", "already exists", false},
		{"closed", interview.ErrClosed, 409, "interview_closed", "the interview has ended", false},
		{"transition", interview.ErrTransition, 409, "illegal_transition", "illegal status change", false},
		{"rate limited", interview.ErrRateLimited, 429, "rate_limited", "too many requests", false},
		{"unavailable", interview.ErrUnavailable, 503, "unavailable", "service unavailable", true},
		{"custom message", interview.Errorf(interview.CodeInvalid, "title is required"), 400, "invalid_request", "title is required", false},
		{"internal never leaks", errors.New("pq: password authentication failed for user admin"), 500, "internal", "internal error", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logs := &logBuffer{}
			s := &server{log: slog.New(slog.NewJSONHandler(logs, nil))}
			rec := httptest.NewRecorder()
			s.fail(rec, httptest.NewRequest(http.MethodGet, "/api/x", nil), tt.err)
			res := rec.Result()
			if res.StatusCode != tt.status {
				t.Errorf("status = %d, want %d", res.StatusCode, tt.status)
			}
			code, msg := errorOf(t, res)
			if code != tt.code || msg != tt.message {
				t.Errorf("error = %q %q, want %q %q", code, msg, tt.code, tt.message)
			}
			if logged := logs.String() != ""; logged != tt.logged {
				t.Errorf("logged = %v, want %v:\n%s", logged, tt.logged, logs)
			}
		})
	}
}

func TestNotFound(t *testing.T) {
	tests := []struct {
		name   string
		path   string
		accept string
		json   bool
	}{
		{"page", "/no/such/page", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", false},
		{"no accept", "/no/such/page", "", false},
		{"api", "/api/no/such/thing", "", true},
		{"api with browser accept", "/api/nothing", "text/html", true},
		{"json preferred", "/no/such/page", "application/json", true},
	}
	h, logs := newTestServer(t, nil, "")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hdr := http.Header{}
			if tt.accept != "" {
				hdr.Set("Accept", tt.accept)
			}
			res := do(t, h, http.MethodGet, tt.path, hdr)
			if res.StatusCode != http.StatusNotFound {
				t.Fatalf("status = %d, want 404", res.StatusCode)
			}
			if tt.json {
				if code, _ := errorOf(t, res); code != "not_found" {
					t.Errorf("code = %q, want not_found", code)
				}
				return
			}
			doc := parseHTML(t, res)
			if got := doc.Find(`[data-testid="error-status"]`).Text(); got != "404" {
				t.Errorf("error-status = %q, want 404", got)
			}
			if href, _ := doc.Find(`[data-testid="error-home"]`).Attr("href"); href != "/" {
				t.Errorf("error-home href = %q, want /", href)
			}
		})
	}
	if strings.Contains(logs.String(), "request failed") {
		t.Errorf("a 404 was logged as an error:\n%s", logs)
	}
}

func TestMethodNotAllowed(t *testing.T) {
	tests := []struct {
		name   string
		method string
		path   string
		accept string
		allow  string
		json   bool
	}{
		{"probe", http.MethodPost, "/healthz", "", "GET, HEAD", true},
		{"json client", http.MethodDelete, "/", "application/json", "GET, HEAD", true},
		{"browser", http.MethodPost, "/", "text/html", "GET, HEAD", false},
		{"static", http.MethodPut, "/static/css/app.css", "application/json", "GET, HEAD", true},
	}
	h, _ := newTestServer(t, nil, "")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hdr := http.Header{}
			if tt.accept != "" {
				hdr.Set("Accept", tt.accept)
			}
			res := do(t, h, tt.method, tt.path, hdr)
			if res.StatusCode != http.StatusMethodNotAllowed {
				t.Fatalf("status = %d, want 405", res.StatusCode)
			}
			if got := res.Header.Get("Allow"); got != tt.allow {
				t.Errorf("Allow = %q, want %q", got, tt.allow)
			}
			if !tt.json {
				if got := parseHTML(t, res).Find(`[data-testid="error-status"]`).Text(); got != "405" {
					t.Errorf("error-status = %q, want 405", got)
				}
				return
			}
			code, msg := errorOf(t, res)
			if code != "invalid_request" || msg != "method not allowed" {
				t.Errorf("error = %q %q, want invalid_request / method not allowed", code, msg)
			}
		})
	}
}

// parseHTML parses an HTML response, checking its Content-Type.
func parseHTML(t *testing.T, res *http.Response) *goquery.Document {
	t.Helper()
	if ct := res.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Fatalf("Content-Type = %q, want HTML", ct)
	}
	defer res.Body.Close()
	doc, err := goquery.NewDocumentFromReader(res.Body)
	if err != nil {
		t.Fatalf("parse HTML: %v", err)
	}
	return doc
}
