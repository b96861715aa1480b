package main

import (
	"log/slog"

	"github.com/interviewd/interviewd/internal/assess"
	"github.com/interviewd/interviewd/internal/calls"
	"github.com/interviewd/interviewd/internal/config"
	"github.com/interviewd/interviewd/internal/hiring"
	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

// newAssessor builds the AI assessment client and worker when
// ASSESSMENT_MODEL is set; both nil otherwise.
func newAssessor(cfg config.Config, st store.Store, mx assess.Metrics, logger *slog.Logger) (*assess.Client, *assess.Worker) {
	if !cfg.Assessment() {
		return nil, nil
	}
	client := assess.New(assess.Config{BaseURL: cfg.AssessmentBaseURL, APIKey: cfg.AssessmentAPIKey,
		Model: cfg.AssessmentModel, Timeout: cfg.AssessmentTimeout})
	return client, assess.NewWorker(assess.WorkerConfig{Store: st, Client: client, Logger: logger, Metrics: mx})
}

// assessmentConfig is what the hiring service needs of the assessor: nil
// interfaces (not typed nils) when AI assessment is off.
func assessmentConfig(cfg config.Config, client *assess.Client, w *assess.Worker, c *hiring.Config) {
	c.Assessment = hiring.AssessmentConfig{Enabled: cfg.Assessment(), Model: cfg.AssessmentModel}
	if client == nil {
		return
	}
	c.Suggester, c.Nudge = client, w.Nudge
	ended := c.Ended
	c.Ended = func(s interview.Status) {
		if ended != nil {
			ended(s)
		}
		if s == interview.StatusCompleted {
			w.Nudge("")
		}
	}
}

// nudgeOnCompleted passes the calls manager's counts on and wakes the
// assessment worker when the manager completes an interview.
type nudgeOnCompleted struct {
	calls.Metrics
	worker *assess.Worker
}

func (m nudgeOnCompleted) InterviewEnded(status string) {
	m.Metrics.InterviewEnded(status)
	if status == string(interview.StatusCompleted) {
		m.worker.Nudge("")
	}
}

// assessmentName is AI assessment for the start-up line: off, or the
// model and where it runs (never the key).
func assessmentName(cfg config.Config) string {
	if !cfg.Assessment() {
		return "off"
	}
	return cfg.AssessmentModel + " at " + cfg.AssessmentBaseURL
}
