// Package metrics keeps interviewd's Prometheus metrics in a registry of
// its own (never the global default) and serves them. The packages that
// count know nothing of Prometheus: each takes a small interface of its own
// (calls.Metrics, web.Metrics, webhooks.Metrics, assess.Metrics), which *Metrics
// implements. docs/monitoring.md describes every metric.
package metrics

import (
	"net/http"
	"slices"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics is interviewd's registry and the application's metrics in it.
// It is safe for concurrent use.
type Metrics struct {
	reg *prometheus.Registry

	callsActive       prometheus.Gauge
	offers            *prometheus.CounterVec
	sidebandFailures  prometheus.Counter
	interviewsEnded   *prometheus.CounterVec
	transcriptEntries *prometheus.CounterVec
	transcriptLag     prometheus.Histogram
	transcriptErrors  *prometheus.CounterVec
	upstream          *prometheus.CounterVec

	rtcConnections *prometheus.CounterVec
	httpRequests   *prometheus.CounterVec
	httpDuration   *prometheus.HistogramVec

	webhookDeliveries *prometheus.CounterVec

	assessments       *prometheus.CounterVec
	assessmentSeconds prometheus.Histogram
}

// other is the label value of anything outside a label's closed set, so a
// caller's mistake can never grow the number of series.
const other = "other"

// The closed label sets; docs/monitoring.md says what each value means.
var (
	offerResults     = []string{"answered", "refused", "rejected", "failed"}
	endStatuses      = []string{"completed", "abandoned", "failed"}
	speakers         = []string{"interviewer", "candidate", "system", "unknown"}
	transcriptErrors = []string{"store", "transcription"}
	upstreamOps      = []string{"create_call", "hangup", "sideband"}
	upstreamResults  = []string{"ok", "error"}
	rtcResults       = []string{"accepted", "rate_limited", "forbidden", "unauthorized",
		"interview_not_found", "interview_closed", "shutting_down", "internal", "upgrade_failed"}
	codeClasses    = []string{"1xx", "2xx", "3xx", "4xx", "5xx"}
	webhookResults = []string{"delivered", "retrying", "failed"}
	assessResults  = []string{"done", "retrying", "failed"}
)

// New returns a registry with the Go runtime and process collectors and
// every interviewd_ metric, each labelled series already at zero so that
// rates and alerts work before the first event.
func New() *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	m.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.registerCalls()
	m.registerWeb()
	m.webhookDeliveries = m.counterVec("webhook_deliveries_total",
		"Webhook delivery attempts that were recorded, by result: delivered (2xx), retrying (failed, another attempt is scheduled), failed (failed for good).",
		"result")
	zero(m.webhookDeliveries, webhookResults)
	m.assessments = m.counterVec("assessment_attempts_total",
		"AI assessment attempts that were stored, by result: done, retrying (failed, another attempt is scheduled), failed (failed for good).",
		"result")
	zero(m.assessments, assessResults)
	m.assessmentSeconds = prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: "interviewd",
		Name: "assessment_attempt_seconds", Help: "How long an AI assessment attempt took, the model's answer included.",
		Buckets: []float64{1, 2.5, 5, 10, 20, 30, 45, 60, 90, 120}})
	m.reg.MustRegister(m.assessmentSeconds)
	return m
}

// Registry is the registry the metrics live in, for tests and for
// registering more collectors.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the registry in Prometheus' text format at GET /metrics,
// and nothing else: it is meant for a listener of its own (METRICS_ADDR).
func (m *Metrics) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg}))
	return mux
}

func (m *Metrics) counterVec(name, help string, labels ...string) *prometheus.CounterVec {
	c := prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "interviewd", Name: name, Help: help}, labels)
	m.reg.MustRegister(c)
	return c
}

func (m *Metrics) counter(name, help string) prometheus.Counter {
	c := prometheus.NewCounter(prometheus.CounterOpts{Namespace: "interviewd", Name: name, Help: help})
	m.reg.MustRegister(c)
	return c
}

// zero creates the series of every value of a one-label vector.
func zero(v *prometheus.CounterVec, values []string) {
	for _, x := range values {
		v.WithLabelValues(x)
	}
}

// closed is v when it is one of values, else "other".
func closed(v string, values []string) string {
	if slices.Contains(values, v) {
		return v
	}
	return other
}
