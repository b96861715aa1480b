package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/coder/websocket"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/interviewd/interviewd/internal/auth"
	"github.com/interviewd/interviewd/internal/calls"
	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/metrics"
	"github.com/interviewd/interviewd/internal/realtime"
)

// TestMetricsRTCCall runs a whole interview with the calls manager and the
// signalling front counting into one registry, as cmd/interviewd wires
// them: the offer is answered, the transcript counted as stored, the
// provider's API usage counted, and no call is left active at the end.
func TestMetricsRTCCall(t *testing.T) {
	checkRTCLeaks(t)
	mx := metrics.New()
	a := newRTCApp(t, rtcOptions{calls: calls.Config{Metrics: mx}})
	// A second front on the same manager, with metrics; PUBLIC_URL stays
	// the app's, so the client dials without Origin (token alone).
	front := httptest.NewServer(NewServer(Deps{Store: a.Store, PublicURL: a.URL,
		Calls: a.Calls, RTCTokens: a.Tokens, Metrics: mx}))
	t.Cleanup(front.Close)
	b := *a
	b.URL = front.URL
	v := a.newInterview(rtcQuestions...)
	c, resp, err := b.tryDial(a.token(v), v.ID, "")
	if err != nil {
		t.Fatalf("dial: %v (%v)", err, resp)
	}
	p := newRTCPeer(t)
	ans, _ := c.offerCall(p.offer())
	p.answer(ans.SDP)
	p.waitConnected()
	p.waitEvent(realtime.EvOutputTranscriptDone)
	rtcWait(t, "an active call", func() bool { return metricValue(t, mx.Registry(), "interviewd_calls_active", nil) == 1 })
	p.say("I built a compiler.")
	rtcWait(t, "three entries", func() bool { return len(a.transcript(v)) >= 3 })
	c.send(map[string]string{"type": msgEnd})
	if status, _ := c.closed(); status.Code != websocket.StatusNormalClosure {
		t.Errorf("close %v", status)
	}
	a.waitStatus(v, interview.StatusCompleted)
	stored := len(a.transcript(v))

	reg := mx.Registry()
	want := []struct {
		name   string
		labels map[string]string
		value  float64
	}{
		{"interviewd_offers_total", map[string]string{"result": "answered"}, 1},
		{"interviewd_offers_total", map[string]string{"result": "failed"}, 0},
		{"interviewd_calls_active", nil, 0},
		{"interviewd_interviews_ended_total", map[string]string{"status": "completed"}, 1},
		{"interviewd_transcript_lag_seconds", nil, float64(stored)},
		{"interviewd_upstream_requests_total", map[string]string{"op": "create_call", "result": "ok"}, 1},
		{"interviewd_upstream_requests_total", map[string]string{"op": "sideband", "result": "ok"}, 1},
		{"interviewd_sideband_failures_total", nil, 0},
		{"interviewd_rtc_connections_total", map[string]string{"result": "accepted"}, 1},
		{"interviewd_http_requests_total", map[string]string{"route": "/rtc", "code_class": "1xx"}, 1},
	}
	for _, w := range want {
		if got := metricValue(t, reg, w.name, w.labels); got != w.value {
			t.Errorf("%s%v = %v, want %v", w.name, w.labels, got, w.value)
		}
	}
	entries := metricValue(t, reg, "interviewd_transcript_entries_total", map[string]string{"speaker": "interviewer"}) +
		metricValue(t, reg, "interviewd_transcript_entries_total", map[string]string{"speaker": "candidate"})
	if entries != float64(stored) || metricValue(t, reg, "interviewd_transcript_entries_total", map[string]string{"speaker": "candidate"}) < 1 {
		t.Errorf("transcript entries counted %v, stored %d", entries, stored)
	}
	if got := metricValue(t, reg, "interviewd_upstream_requests_total", map[string]string{"op": "hangup", "result": "ok"}); got < 1 {
		t.Errorf("hangups counted %v", got)
	}
	rtcWait(t, "the engine's call to end", func() bool { return a.Engine.ActiveCalls() == 0 })
}

// TestMetricsRefusedRTC counts refused signalling connections by their
// protocol code.
func TestMetricsRefusedRTC(t *testing.T) {
	mx := metrics.New()
	app := newTestAppWith(t, openSQLiteStore(t), func(_ *testApp, d *Deps) { d.Metrics = mx })
	res, err := http.Get(app.URL + "/rtc?token=x&session=y")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if got := metricValue(t, mx.Registry(), "interviewd_rtc_connections_total", map[string]string{"result": "internal"}); got != 1 {
		t.Errorf("refusal without live interviews counted %v times", got)
	}

	signer, err := auth.NewRTCSigner(rtcTestSecret, nil)
	rtcMust(t, err)
	mx = metrics.New()
	app = newTestAppWith(t, openSQLiteStore(t), func(_ *testApp, d *Deps) {
		d.Metrics, d.RTCTokens = mx, signer
		d.Calls, err = calls.New(calls.Config{Store: d.Store, Provider: realtime.NewClient("http://127.0.0.1:1", "k", nil)})
		rtcMust(t, err)
		t.Cleanup(func() { _ = d.Calls.Close() })
	})
	res, err = http.Get(app.URL + "/rtc?token=forged&session=y")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if got := metricValue(t, mx.Registry(), "interviewd_rtc_connections_total", map[string]string{"result": "unauthorized"}); got != 1 {
		t.Errorf("forged token counted %v times as unauthorized", got)
	}
}

// TestMetricsRoutesNotPaths: requests are counted by their route pattern;
// the token in a join link's path never becomes a label.
func TestMetricsRoutesNotPaths(t *testing.T) {
	mx := metrics.New()
	app := newTestAppWith(t, openSQLiteStore(t), func(_ *testApp, d *Deps) { d.Metrics = mx })
	token := auth.NewToken("ij_")
	for _, path := range []string{"/join/" + token, "/join/" + token + "/room", "/no/such/" + token, "/healthz"} {
		res, err := http.Get(app.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
	}
	families, err := mx.Registry().Gather()
	rtcMust(t, err)
	routes := map[string]bool{}
	for _, f := range families {
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if strings.Contains(l.GetValue(), token) {
					t.Errorf("%s has the token in label %s=%q", f.GetName(), l.GetName(), l.GetValue())
				}
				if f.GetName() == "interviewd_http_requests_total" && l.GetName() == "route" {
					routes[l.GetValue()] = true
				}
			}
		}
	}
	for _, want := range []string{"/join/{token}", "/join/{token}/room", "/healthz", "unmatched"} {
		if !routes[want] {
			t.Errorf("no requests counted for route %s; routes: %v", want, routes)
		}
	}
}

// metricValue is the value of the series of name with exactly labels: a
// counter's or gauge's value, a histogram's number of observations; 0
// when there is no such series.
func metricValue(t testing.TB, g prometheus.Gatherer, name string, labels map[string]string) float64 {
	t.Helper()
	families, err := g.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			if hasLabels(m, labels) {
				switch {
				case m.Counter != nil:
					return m.Counter.GetValue()
				case m.Gauge != nil:
					return m.Gauge.GetValue()
				case m.Histogram != nil:
					return float64(m.Histogram.GetSampleCount())
				}
			}
		}
	}
	return 0
}

func hasLabels(m *dto.Metric, labels map[string]string) bool {
	if len(m.GetLabel()) != len(labels) {
		return false
	}
	for _, l := range m.GetLabel() {
		if labels[l.GetName()] != l.GetValue() {
			return false
		}
	}
	return true
}
