package main

import (
	"encoding/json"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var metricsPattern = regexp.MustCompile(`metrics=(http://\S+)`)

// TestRunServesMetrics runs interviewd with METRICS_ADDR: the start-up
// line says where metrics are served, that listener serves the Go,
// process and interviewd_ families, and the public listener has no
// /metrics.
func TestRunServesMetrics(t *testing.T) {
	env := map[string]string{"DATA_DIR": filepath.Join(t.TempDir(), "data"), "ADDR": "127.0.0.1:0",
		"METRICS_ADDR": "127.0.0.1:0"}
	base, out, stop := start(t, env)
	m := metricsPattern.FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("the start-up line does not say where metrics are served:\n%s", out)
	}
	metricsURL := m[1]
	if !strings.HasSuffix(metricsURL, "/metrics") || strings.HasPrefix(metricsURL, base+"/") {
		t.Fatalf("metrics at %s, public URL %s", metricsURL, base)
	}
	if got := getStatus(t, base+"/metrics"); got != http.StatusNotFound {
		t.Errorf("public /metrics = %d, want 404", got)
	}
	const token = "ij_notarealtokenbutshapedlikeone"
	getStatus(t, base+"/join/"+token)

	body := getBody(t, metricsURL)
	for _, want := range []string{
		"go_goroutines", "go_memstats_heap_alloc_bytes", "process_cpu_seconds_total", "process_resident_memory_bytes",
		"interviewd_calls_active", "interviewd_offers_total", "interviewd_sideband_failures_total",
		"interviewd_interviews_ended_total", "interviewd_transcript_entries_total", "interviewd_transcript_lag_seconds",
		"interviewd_transcript_errors_total", "interviewd_rtc_connections_total", "interviewd_upstream_requests_total",
		"interviewd_webhook_deliveries_total", "interviewd_http_request_duration_seconds",
		`interviewd_http_requests_total{code_class="4xx",route="/join/{token}"} 1`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if strings.Contains(body, token) {
		t.Error("/metrics shows a join token from a request path")
	}
	checkReadyz(t, base, strings.TrimSuffix(metricsURL, "/metrics"))
	if err := stop(); err != nil {
		t.Fatalf("run: %v", err)
	}
	if _, err := http.Get(metricsURL); err == nil {
		t.Error("the metrics listener still answers after the server stopped")
	}
}

// TestRunMetricsAddrInUse: a METRICS_ADDR that cannot be bound stops
// start-up with an error naming the variable.
func TestRunMetricsAddrInUse(t *testing.T) {
	env := map[string]string{"DATA_DIR": filepath.Join(t.TempDir(), "data"), "ADDR": "127.0.0.1:0"}
	base, _, stop := start(t, env)
	defer stop()
	busy := strings.TrimPrefix(base, "http://localhost")
	env2 := map[string]string{"DATA_DIR": filepath.Join(t.TempDir(), "data"), "ADDR": "127.0.0.1:0",
		"METRICS_ADDR": "127.0.0.1" + busy}
	err := run(t.Context(), []string{"interviewd"}, func(k string) (string, bool) { v, ok := env2[k]; return v, ok }, &syncBuffer{}, &syncBuffer{})
	if err == nil || !strings.HasPrefix(err.Error(), "METRICS_ADDR:") {
		t.Errorf("run = %v, want a METRICS_ADDR error", err)
	}
}

// checkReadyz: the public /readyz says ready and nothing else; the one on
// the metrics listener names the store, provider and auth in use.
func checkReadyz(t *testing.T, public, private string) {
	t.Helper()
	if got := getBody(t, public+"/readyz"); strings.TrimSpace(got) != `{"status":"ready"}` {
		t.Errorf("public /readyz = %s, want only the status", got)
	}
	var details map[string]string
	if err := json.Unmarshal([]byte(getBody(t, private+"/readyz")), &details); err != nil {
		t.Fatalf("metrics /readyz: %v", err)
	}
	if details["status"] != "ready" || details["store"] != "sqlite" || details["provider"] == "" || details["auth"] == "" {
		t.Errorf("metrics /readyz = %v, want status, store, provider and auth", details)
	}
}
