package webhooks

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/metrics"
)

// TestMetricsCountsAttempts: a failed attempt with a retry left counts as
// retrying, then failed once the schedule is spent; a 2xx as delivered.
func TestMetricsCountsAttempts(t *testing.T) {
	st := openSQLite(t)
	mx := metrics.New()
	c := &clock{t: time.Now()}
	in := newIntegrator(t, http.StatusServiceUnavailable, http.StatusServiceUnavailable, http.StatusOK)
	o := newOutbox(t, st, in.URL, interview.EventInterviewAbandoned)
	o.move(t, c.now(), interview.StatusAbandoned)
	s := NewSender(Config{Store: st, PublicURL: "https://x.example", AllowPrivate: true,
		Schedule: []time.Duration{time.Second}, Now: c.now, Metrics: mx})
	sendDue(t, s, 1)
	c.add(2 * time.Second)
	sendDue(t, s, 1)

	o2 := newOutbox(t, st, in.URL, interview.EventInterviewAbandoned)
	o2.move(t, c.now(), interview.StatusAbandoned)
	sendDue(t, s, 1)

	want := `
# HELP interviewd_webhook_deliveries_total Webhook delivery attempts that were recorded, by result: delivered (2xx), retrying (failed, another attempt is scheduled), failed (failed for good).
# TYPE interviewd_webhook_deliveries_total counter
interviewd_webhook_deliveries_total{result="delivered"} 1
interviewd_webhook_deliveries_total{result="failed"} 1
interviewd_webhook_deliveries_total{result="retrying"} 1
`
	if err := testutil.GatherAndCompare(mx.Registry(), strings.NewReader(want), "interviewd_webhook_deliveries_total"); err != nil {
		t.Error(err)
	}
}
