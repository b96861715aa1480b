package metrics

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

func (m *Metrics) registerWeb() {
	m.rtcConnections = m.counterVec("rtc_connections_total",
		"Signalling (/rtc) connection attempts, by result: accepted (upgraded), upgrade_failed, or the refusal's protocol code in lower case (docs/signaling.md).",
		"result")
	zero(m.rtcConnections, rtcResults)
	m.httpRequests = m.counterVec("http_requests_total",
		"HTTP requests served on the public listener, by route pattern (never the raw path) and status class.",
		"route", "code_class")
	m.httpDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: "interviewd", Name: "http_request_duration_seconds",
		Help:    "Time to serve an HTTP request on the public listener, by route pattern; WebSocket upgrades are left out (their time is the connection's life).",
		Buckets: prometheus.DefBuckets}, []string{"route"})
	m.reg.MustRegister(m.httpDuration)
}

// HTTPRequest counts a served request. route is the router's pattern
// ("/join/{token}"), never a raw path: paths carry tokens.
func (m *Metrics) HTTPRequest(route string, status int, d time.Duration) {
	if route == "" {
		route = "unmatched"
	}
	m.httpRequests.WithLabelValues(route, codeClass(status)).Inc()
	if status != http.StatusSwitchingProtocols {
		m.httpDuration.WithLabelValues(route).Observe(d.Seconds())
	}
}

// RTCConnection counts a signalling connection attempt by its result.
func (m *Metrics) RTCConnection(result string) {
	m.rtcConnections.WithLabelValues(closed(result, rtcResults)).Inc()
}

// WebhookDelivery counts a recorded webhook attempt by its result.
func (m *Metrics) WebhookDelivery(result string) {
	m.webhookDeliveries.WithLabelValues(closed(result, webhookResults)).Inc()
}

// AssessmentAttempt counts a stored AI assessment attempt by its result
// and observes how long it took.
func (m *Metrics) AssessmentAttempt(result string, d time.Duration) {
	m.assessments.WithLabelValues(closed(result, assessResults)).Inc()
	m.assessmentSeconds.Observe(d.Seconds())
}

func codeClass(status int) string {
	if status < 100 || status > 599 {
		return other
	}
	return strconv.Itoa(status/100) + "xx"
}
