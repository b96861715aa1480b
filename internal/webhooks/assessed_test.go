package webhooks

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

// TestAssessedEventNamesItsAssessment: an assessment becoming done sends
// interview.assessed with data.assessment; a failed one sends nothing.
func TestAssessedEventNamesItsAssessment(t *testing.T) {
	forEachStore(t, func(t *testing.T, st store.Store) {
		in := newIntegrator(t, http.StatusOK)
		o := newOutbox(t, st, in.URL, interview.EventInterviewAssessed)
		c := &clock{t: time.Now()}
		o.move(t, c.now(), interview.StatusReady, interview.StatusInProgress, interview.StatusCompleted)
		failed := finishAssessment(t, st, o, c.now(), nil)
		done := finishAssessment(t, st, o, c.now(), &interview.AssessmentResult{Overall: 3.75, Recommendation: interview.RecommendYes,
			Competencies: []interview.CompetencyScore{}})

		c.add(time.Minute) // the delivery is due when the assessment finished
		sendDue(t, newTestSender(st, c), 1)
		got := in.requests()
		if len(got) != 1 {
			t.Fatalf("integrator got %d requests, want 1", len(got))
		}
		var ev Event
		must(t, json.Unmarshal(got[0].body, &ev))
		want := EventAssessment{ID: done.ID, Overall: 3.75, Recommendation: "yes", Model: "gpt-test",
			URL: "https://interviews.example.com/api/v1/interviews/" + o.interview.ID + "/assessment"}
		if ev.Type != interview.EventInterviewAssessed || ev.Data.Assessment == nil || *ev.Data.Assessment != want {
			t.Fatalf("event %s, assessment %+v; want %+v", ev.Type, ev.Data.Assessment, want)
		}
		if ev.Data.Assessment.ID == failed.ID {
			t.Error("the failed assessment was announced")
		}
		checkEventData(t, ev, o)
	})
}

// finishAssessment runs an assessment of o's interview through the store
// as the worker does: done with res, or failed when res is nil.
func finishAssessment(t *testing.T, st store.Store, o outbox, now time.Time, res *interview.AssessmentResult) interview.Assessment {
	t.Helper()
	a := interview.Assessment{TenantID: o.tenant, InterviewID: o.interview.ID, NextAttempt: now, Model: "gpt-test"}
	must(t, st.EnqueueAssessment(t.Context(), &a))
	claimed, err := st.ClaimAssessments(t.Context(), now, time.Minute, 1)
	must(t, err)
	if len(claimed) != 1 {
		t.Fatalf("claimed %d assessments", len(claimed))
	}
	a = claimed[0]
	a.Status, a.Result, a.Error = interview.AssessmentDone, res, ""
	if res == nil {
		a.Status, a.Error = interview.AssessmentFailed, "the model refused: no"
	}
	must(t, st.FinishAssessment(t.Context(), &a))
	return a
}
