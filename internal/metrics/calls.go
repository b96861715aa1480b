package metrics

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

func (m *Metrics) registerCalls() {
	m.callsActive = prometheus.NewGauge(prometheus.GaugeOpts{Namespace: "interviewd", Name: "calls_active",
		Help: "Provider calls the calls manager holds with its sideband attached (one per live interview)."})
	m.reg.MustRegister(m.callsActive)
	m.offers = m.counterVec("offers_total",
		"SDP offers handled, by result: answered; refused by interviewd (bad offer, interview closed or taken over, shutting down); rejected by the provider (4xx); failed (provider unreachable or 5xx, or interviewd's own failure).",
		"result")
	zero(m.offers, offerResults)
	m.sidebandFailures = m.counter("sideband_failures_total",
		"Answered calls the server could not attach its sideband to (dial or session.update failed); each was hung up and the candidate asked to offer again.")
	m.interviewsEnded = m.counterVec("interviews_ended_total",
		"Interviews that ended, by final status: by the calls manager (a live call) or by a recruiter, the candidate or an API key ending one without a live call.",
		"status")
	zero(m.interviewsEnded, endStatuses)
	m.transcriptEntries = m.counterVec("transcript_entries_total",
		"Transcript entries the server stored from a call's sideband, by speaker.", "speaker")
	zero(m.transcriptEntries, speakers)
	m.transcriptLag = prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: "interviewd", Name: "transcript_lag_seconds",
		Help:    "Time from the sideband event that finished a line (…transcription.completed, …transcript.done) arriving to the line being stored: waiting for earlier lines to finish (at most the ordering's patience, 5 s) plus the store's write.",
		Buckets: prometheus.DefBuckets})
	m.reg.MustRegister(m.transcriptLag)
	m.transcriptErrors = m.counterVec("transcript_errors_total",
		"Transcript failures, by kind: store (a batch of lines could not be written), transcription (the provider reported a failed transcription of the candidate's turn).",
		"kind")
	zero(m.transcriptErrors, transcriptErrors)
	m.upstream = m.counterVec("upstream_requests_total",
		"Requests to the realtime provider (OpenAI or the local engine), by operation (create_call, hangup, sideband: dial and session.update) and result (ok, error).",
		"op", "result")
	for _, op := range upstreamOps {
		for _, r := range upstreamResults {
			m.upstream.WithLabelValues(op, r)
		}
	}
}

// CallStarted counts a provider call whose sideband the manager attached.
func (m *Metrics) CallStarted() { m.callsActive.Inc() }

// CallEnded counts a call whose sideband has closed.
func (m *Metrics) CallEnded() { m.callsActive.Dec() }

// Offer counts an SDP offer by its result.
func (m *Metrics) Offer(result string) { m.offers.WithLabelValues(closed(result, offerResults)).Inc() }

// SidebandFailed counts an answered call the server could not attach to.
func (m *Metrics) SidebandFailed() { m.sidebandFailures.Inc() }

// Upstream counts one request to the realtime provider.
func (m *Metrics) Upstream(op, result string) {
	m.upstream.WithLabelValues(closed(op, upstreamOps), closed(result, upstreamResults)).Inc()
}

// InterviewEnded counts an interview that ended, by final status: the
// calls manager and the hiring service (no live call) each report theirs.
func (m *Metrics) InterviewEnded(status string) {
	m.interviewsEnded.WithLabelValues(closed(status, endStatuses)).Inc()
}

// TranscriptStored counts a stored entry and how long after its final
// event it was stored.
func (m *Metrics) TranscriptStored(speaker string, lag time.Duration) {
	m.transcriptEntries.WithLabelValues(closed(speaker, speakers)).Inc()
	m.transcriptLag.Observe(lag.Seconds())
}

// TranscriptError counts a transcript failure by kind.
func (m *Metrics) TranscriptError(kind string) {
	m.transcriptErrors.WithLabelValues(closed(kind, transcriptErrors)).Inc()
}
