package assess_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/interviewd/interviewd/internal/assess"
	"github.com/interviewd/interviewd/internal/assess/assesstest"
	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/metrics"
	"github.com/interviewd/interviewd/internal/store"
)

// TestWorkerAssessesCompletedInterview: the sweep finds a completed
// interview, the model answers, and the verified result is stored with
// what it was made from; a subscribed endpoint gets interview.assessed.
func TestWorkerAssessesCompletedInterview(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		v := completed(t, st, true)
		ep := interview.WebhookEndpoint{TenantID: v.TenantID, URL: "https://ats.example.com/h", Secret: "whsec_x",
			Events: []string{interview.EventInterviewAssessed}}
		must(t, st.CreateWebhookEndpoint(t.Context(), &ep))
		fake := assesstest.New(t)
		fake.Forbid("Anna", "Kowalska", "anna.k@example.com")
		fake.Push(assesstest.JSON(goodAnswer()))
		startWorker(t, st, fake, &clock{t: time.Now()})

		a := waitFor(t, st, v, "done", status(interview.AssessmentDone, 1))
		if a.Model != "gpt-test" || a.PromptVersion != assess.PromptVersion || a.RubricVersion != 1 ||
			len(a.TranscriptHash) != 64 || a.CompletedAt == nil || a.Error != "" || a.RequestedBy != "" {
			t.Errorf("assessment %+v", a)
		}
		r := a.Result
		if r == nil || len(r.Competencies) != 2 || r.Overall != 3.75 || !r.Competencies[1].Flagged || r.Competencies[1].Dropped != 3 ||
			len(r.Competencies[0].Evidence) != 2 || r.Competencies[0].Evidence[0].Seq != 2 {
			t.Fatalf("result %+v", r)
		}
		ds, err := st.ListWebhookDeliveries(t.Context(), v.TenantID, ep.ID, 10)
		must(t, err)
		if len(ds) != 1 || ds[0].Event != interview.EventInterviewAssessed || ds[0].AssessmentID != a.ID {
			t.Errorf("deliveries %+v, want one interview.assessed of %s", ds, a.ID)
		}
	})
}

// TestWorkerDerivesDefaultRubric: a position without a rubric gets the
// default one saved as version 1, and the model scores its competencies.
func TestWorkerDerivesDefaultRubric(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		v := completed(t, st, false)
		fake := assesstest.New(t)
		fake.Otherwise(answerFor)
		startWorker(t, st, fake, &clock{t: time.Now()})
		a := waitFor(t, st, v, "done", status(interview.AssessmentDone, 1))
		r, err := st.GetRubric(t.Context(), v.TenantID, v.PositionID, 0)
		must(t, err)
		if !r.Derived || r.Version != 1 || a.RubricVersion != 1 || len(a.Result.Competencies) != len(r.Competencies) {
			t.Errorf("rubric %+v, assessment %+v", r, a)
		}
	})
}

// TestWorkerRetriesTransientFailures: 500s, a 429 with Retry-After and a
// timeout wait 10 s, 45 s (the server's ask over 30 s), 2 min and 10 min;
// the fifth failure fails the job with every reason shown.
func TestWorkerRetriesTransientFailures(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		v := completed(t, st, true)
		fake := assesstest.New(t)
		fake.Push(assesstest.Status(http.StatusInternalServerError, ""), assesstest.Status(http.StatusTooManyRequests, "45"),
			assesstest.Slow(3*time.Second, assesstest.JSON(goodAnswer())), assesstest.Status(http.StatusBadGateway, ""),
			assesstest.Status(http.StatusServiceUnavailable, ""))
		c := &clock{t: time.Now()}
		mx := metrics.New()
		w := startCountedWorker(t, st, fake, c, mx)
		waits := []time.Duration{10 * time.Second, 45 * time.Second, 2 * time.Minute, 10 * time.Minute}
		reasons := []string{"answered 500", "answered 429", "did not answer in time", "answered 502"}
		for i, wait := range waits {
			a := waitFor(t, st, v, "a retry", status(interview.AssessmentPending, i+1))
			if got := a.NextAttempt.Sub(c.now()).Round(time.Second); got != wait || !strings.Contains(a.Error, reasons[i]) || a.CompletedAt != nil {
				t.Fatalf("attempt %d: next in %v (want %v), error %q (want %q)", i+1, got, wait, a.Error, reasons[i])
			}
			c.add(wait - time.Second)
			w.Nudge(v.ID)
			time.Sleep(60 * time.Millisecond)
			if got := len(fake.Requests()); got != i+1 {
				t.Fatalf("asked %d times before the wait ended, want %d", got, i+1)
			}
			c.add(time.Second)
			w.Nudge(v.ID)
		}
		a := waitFor(t, st, v, "failed", status(interview.AssessmentFailed, 5))
		if a.Error != "gave up after 5 attempts: the model's server answered 503: Service Unavailable" || a.CompletedAt == nil {
			t.Errorf("failed with %q", a.Error)
		}
		waitUntil(t, "the last attempt counted", func() bool { return attemptCount(t, mx, "failed") == 1 })
		if r, d := attemptCount(t, mx, "retrying"), attemptCount(t, mx, "done"); r != 4 || d != 0 {
			t.Errorf("counted %v retrying and %v done attempts, want 4 and 0", r, d)
		}
	})
}

// TestWorkerFailsWithReason: answers that break the schema are asked
// again at once, then fail; a refusal fails at once.
func TestWorkerFailsWithReason(t *testing.T) {
	tests := []struct {
		name    string
		replies []assesstest.Reply
		reason  string
	}{
		{"schema", []assesstest.Reply{assesstest.Malformed(), assesstest.Violating(without(goodAnswer(), 0)), assesstest.Violating(without(goodAnswer(), 0))},
			`the model's answer leaves out the competency "system-design" (asked 3 times)`},
		{"refusal", []assesstest.Reply{assesstest.Refusal("I can't help with that.")}, "the model refused: I can't help with that."},
	}
	forEachStore(t, func(t *testing.T, st store.Store) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				v := completed(t, st, true)
				fake := assesstest.New(t)
				fake.Push(tt.replies...)
				startWorker(t, st, fake, &clock{t: time.Now()})
				a := waitFor(t, st, v, "failed", status(interview.AssessmentFailed, 1))
				if a.Error != tt.reason || a.Result != nil || len(a.TranscriptHash) != 64 {
					t.Errorf("failed with %q, want %q", a.Error, tt.reason)
				}
				if got := len(fake.Requests()); got != len(tt.replies) {
					t.Errorf("asked %d times, want %d", got, len(tt.replies))
				}
			})
		}
	})
}

// TestWorkerTakesOverExpiredLease: a worker died holding a job; once its
// lease ends a new worker takes it as attempt 2, and the dead one's late
// outcome is refused.
func TestWorkerTakesOverExpiredLease(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		v := completed(t, st, true)
		now := time.Now()
		dead := interview.Assessment{TenantID: v.TenantID, InterviewID: v.ID, NextAttempt: now, Model: "gpt-test"}
		must(t, st.EnqueueAssessment(t.Context(), &dead))
		claimed, err := st.ClaimAssessments(t.Context(), now, assess.DefaultLease, 1)
		must(t, err)
		if len(claimed) != 1 || claimed[0].Attempts != 1 {
			t.Fatalf("claimed %+v", claimed)
		}
		fake := assesstest.New(t)
		fake.Otherwise(answerFor)
		c := &clock{t: now.Add(assess.DefaultLease / 2)}
		w := startWorker(t, st, fake, c)
		time.Sleep(100 * time.Millisecond)
		if n := len(fake.Requests()); n != 0 {
			t.Fatalf("a job under lease was taken (%d requests)", n)
		}
		c.add(assess.DefaultLease)
		w.Nudge(v.ID)
		a := waitFor(t, st, v, "done by the new worker", status(interview.AssessmentDone, 2))
		if a.ID != dead.ID {
			t.Errorf("a new assessment %s instead of taking over %s", a.ID, dead.ID)
		}
		late := claimed[0]
		late.Status, late.Error = interview.AssessmentFailed, "late"
		if err := st.FinishAssessment(t.Context(), &late); !errors.Is(err, interview.ErrConflict) {
			t.Errorf("the dead worker's finish = %v, want ErrConflict", err)
		}
	})
}

// TestWorkersOneJobPerInterview: two workers on one store share three
// interviews; each is asked about once and has one assessment.
func TestWorkersOneJobPerInterview(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		var vs []interview.Session
		for range 3 {
			vs = append(vs, completed(t, st, true))
		}
		fake := assesstest.New(t)
		fake.Otherwise(func(req assesstest.Request) assesstest.Reply {
			return assesstest.Slow(100*time.Millisecond, answerFor(req))
		})
		c := &clock{t: time.Now()}
		startWorker(t, st, fake, c)
		startWorker(t, st, fake, c)
		for _, v := range vs {
			waitFor(t, st, v, "done", status(interview.AssessmentDone, 1))
			x := interview.Assessment{TenantID: v.TenantID, InterviewID: v.ID, NextAttempt: c.now()}
			must(t, st.EnqueueAssessment(t.Context(), &x)) // a re-run
			y := interview.Assessment{TenantID: v.TenantID, InterviewID: v.ID, NextAttempt: c.now()}
			if err := st.EnqueueAssessment(t.Context(), &y); !errors.Is(err, interview.ErrConflict) {
				t.Errorf("a second pending assessment: %v, want ErrConflict", err)
			}
		}
		for _, v := range vs {
			waitFor(t, st, v, "the re-run done", status(interview.AssessmentDone, 1))
			list, err := st.ListAssessments(t.Context(), v.TenantID, v.ID)
			must(t, err)
			if len(list) != 2 || list[1].Status != interview.AssessmentDone {
				t.Errorf("interview %s has %d assessments, want 2 done", v.ID, len(list))
			}
		}
		if n := len(fake.Requests()); n != 6 {
			t.Errorf("the model was asked %d times for 6 assessments", n)
		}
		if p := fake.Peak(); p > 4 {
			t.Errorf("%d requests at once; two workers run at most 2 each", p)
		}
	})
}
