package metrics

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
)

func scrape(t *testing.T, h http.Handler, path string) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	b, _ := io.ReadAll(rec.Result().Body)
	return rec.Code, string(b)
}

// TestHandler serves the Go, process and interviewd_ families at /metrics
// and nothing else.
func TestHandler(t *testing.T) {
	m := New()
	code, body := scrape(t, m.Handler(), "/metrics")
	if code != http.StatusOK {
		t.Fatalf("/metrics = %d", code)
	}
	for _, want := range []string{"go_goroutines", "process_resident_memory_bytes", "process_cpu_seconds_total",
		`interviewd_offers_total{result="answered"} 0`, "interviewd_calls_active 0",
		`interviewd_webhook_deliveries_total{result="failed"} 0`,
		`interviewd_assessment_attempts_total{result="retrying"} 0`, "interviewd_assessment_attempt_seconds_count 0",
		`interviewd_upstream_requests_total{op="create_call",result="error"} 0`} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if code, _ := scrape(t, m.Handler(), "/"); code != http.StatusNotFound {
		t.Errorf("/ = %d, want 404", code)
	}
}

// TestClosedLabels: a value outside a label's set is counted as "other",
// so a caller's mistake cannot add series.
func TestClosedLabels(t *testing.T) {
	m := New()
	m.Offer("answered")
	m.Offer("exploded")
	m.RTCConnection("/rtc?token=secret")
	m.TranscriptStored("narrator", 20*time.Millisecond)
	m.HTTPRequest("/join/{token}", 404, time.Millisecond)
	m.HTTPRequest("/rtc", 101, time.Hour)
	m.HTTPRequest("", 999, time.Millisecond)
	m.AssessmentAttempt("done", 12*time.Second)
	m.AssessmentAttempt("exploded", time.Second)
	checks := []struct {
		got, want float64
		what      string
	}{
		{testutil.ToFloat64(m.offers.WithLabelValues("answered")), 1, "answered"},
		{testutil.ToFloat64(m.offers.WithLabelValues(other)), 1, "offer other"},
		{testutil.ToFloat64(m.rtcConnections.WithLabelValues(other)), 1, "rtc other"},
		{testutil.ToFloat64(m.transcriptEntries.WithLabelValues(other)), 1, "speaker other"},
		{testutil.ToFloat64(m.httpRequests.WithLabelValues("/join/{token}", "4xx")), 1, "join 4xx"},
		{testutil.ToFloat64(m.httpRequests.WithLabelValues("unmatched", other)), 1, "unmatched"},
		{float64(testutil.CollectAndCount(m.offers)), float64(len(offerResults) + 1), "offer series"},
		{testutil.ToFloat64(m.assessments.WithLabelValues("done")), 1, "assessment done"},
		{testutil.ToFloat64(m.assessments.WithLabelValues(other)), 1, "assessment other"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.what, c.got, c.want)
		}
	}
	// The upgrade is counted but its hour is not a request's duration.
	if n := testutil.CollectAndCount(m.httpDuration); n != 2 {
		t.Errorf("%d duration series, want 2 (the join route and unmatched)", n)
	}
}

func TestCodeClass(t *testing.T) {
	for status, want := range map[int]string{101: "1xx", 200: "2xx", 304: "3xx", 404: "4xx", 503: "5xx", 0: other, 600: other} {
		if got := codeClass(status); got != want {
			t.Errorf("codeClass(%d) = %s, want %s", status, got, want)
		}
	}
}
