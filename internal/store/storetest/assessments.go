package storetest

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

// The worker's methods see every tenant's assessments, so on a shared
// database these tests keep to their own tenants' jobs (claimJobs) and
// use times of their own.

// claimJobs claims what is due at now and keeps the jobs of tenantID.
func claimJobs(t *testing.T, s store.Store, tenantID string, now time.Time, lease time.Duration) []interview.Assessment {
	t.Helper()
	got, err := s.ClaimAssessments(t.Context(), now, lease, store.MaxListLimit)
	must(t, err)
	mine := []interview.Assessment{}
	for _, a := range got {
		if a.TenantID == tenantID {
			mine = append(mine, a)
		}
	}
	return mine
}

// result is a verified result with one competency.
func result(score int) *interview.AssessmentResult {
	return &interview.AssessmentResult{
		Competencies: []interview.CompetencyScore{{Key: "craft", Score: score, Rationale: "why",
			Evidence: []interview.Evidence{{Seq: 2, Quote: "I built it"}}, Flagged: true, Dropped: 1}},
		Summary: "ok", Strengths: []string{"s"}, Concerns: []string{}, FollowUps: []string{"f?"},
		Recommendation: interview.RecommendYes, Overall: float64(score),
	}
}

// enqueue stores a pending assessment of v due at at(n).
func enqueue(t *testing.T, s store.Store, v interview.Session, n int) interview.Assessment {
	t.Helper()
	a := interview.Assessment{TenantID: v.TenantID, InterviewID: v.ID, Model: "gpt-test",
		RequestedBy: "user-1", NextAttempt: noisy(at(n)), CreatedAt: noisy(at(n))}
	must(t, s.EnqueueAssessment(t.Context(), &a))
	return a
}

// testAssessmentLifecycle: enqueue, claim, lease, retry, fencing, done.
func testAssessmentLifecycle(t *testing.T, s store.Store) {
	ctx := t.Context()
	f, g := newTenant(t, s), newTenant(t, s)
	v := driveTo(t, s, f.session(t, s), interview.StatusCompleted)
	a := enqueue(t, s, v, 1000)
	want := interview.Assessment{ID: a.ID, TenantID: f.Tenant.ID, InterviewID: v.ID, Status: interview.AssessmentPending,
		NextAttempt: at(1000), Model: "gpt-test", RequestedBy: "user-1", CreatedAt: at(1000)}
	same(t, "caller's copy", a, want)
	got, err := s.GetAssessment(ctx, f.Tenant.ID, a.ID)
	must(t, err)
	same(t, "stored", got, want)
	wantErr(t, "a second open one", s.EnqueueAssessment(ctx, &interview.Assessment{TenantID: f.Tenant.ID, InterviewID: v.ID}), store.ErrConflict)

	const lease = 2 * time.Minute
	same(t, "not yet due", claimJobs(t, s, f.Tenant.ID, at(999), lease), []interview.Assessment{})
	first := claimJobs(t, s, f.Tenant.ID, noisy(at(1000)), lease)
	running := want
	running.Status, running.Attempts, running.LeaseUntil = interview.AssessmentRunning, 1, ptr(at(1002))
	same(t, "claimed", first, []interview.Assessment{running})
	wantErr(t, "a second open one while running", s.EnqueueAssessment(ctx, &interview.Assessment{TenantID: f.Tenant.ID, InterviewID: v.ID}), store.ErrConflict)
	same(t, "leased", claimJobs(t, s, f.Tenant.ID, at(1001), lease), []interview.Assessment{})
	second := claimJobs(t, s, f.Tenant.ID, at(1002), lease) // the lease ran out: the worker died
	running.Attempts, running.LeaseUntil = 2, ptr(at(1004))
	same(t, "claimed again", second, []interview.Assessment{running})

	stale := first[0]
	stale.Status, stale.Result, stale.CompletedAt = interview.AssessmentDone, result(1), ptr(at(1003))
	wantErr(t, "finish by a stale claim", s.FinishAssessment(ctx, &stale), store.ErrConflict)
	got, err = s.GetAssessment(ctx, f.Tenant.ID, a.ID)
	must(t, err)
	same(t, "untouched by the stale claim", got, running)

	retry := second[0]
	retry.Status, retry.NextAttempt, retry.Error = interview.AssessmentPending, noisy(at(1010)), "HTTP 429"
	retry.PromptVersion, retry.RubricVersion = "assess-test", 1
	must(t, s.FinishAssessment(ctx, &retry))
	got, err = s.GetAssessment(ctx, f.Tenant.ID, a.ID)
	must(t, err)
	pending := running
	pending.Status, pending.LeaseUntil, pending.NextAttempt, pending.Error = interview.AssessmentPending, nil, at(1010), "HTTP 429"
	pending.PromptVersion, pending.RubricVersion = "assess-test", 1
	same(t, "pending again", got, pending)
	same(t, "retry not yet due", claimJobs(t, s, f.Tenant.ID, at(1009), lease), []interview.Assessment{})
	third := claimJobs(t, s, f.Tenant.ID, at(1010), lease)
	if len(third) != 1 || third[0].Attempts != 3 {
		t.Fatalf("third claim: %+v", third)
	}
	done := third[0]
	done.Status, done.Result, done.Error, done.CompletedAt = interview.AssessmentDone, result(4), "", ptr(noisy(at(1011)))
	done.TranscriptHash = "abc123"
	must(t, s.FinishAssessment(ctx, &done))
	got, err = s.GetAssessment(ctx, f.Tenant.ID, a.ID)
	must(t, err)
	same(t, "done", got, done)
	same(t, "completed at", *got.CompletedAt, at(1011))
	wantErr(t, "finish twice", s.FinishAssessment(ctx, &done), store.ErrConflict)

	// A re-run after it is done; failing it keeps the reason.
	b := enqueue(t, s, v, 1020)
	claimed := claimJobs(t, s, f.Tenant.ID, at(1020), lease)
	if len(claimed) != 1 || claimed[0].ID != b.ID {
		t.Fatalf("re-run claim: %+v", claimed)
	}
	failed := claimed[0]
	failed.Status, failed.Error = interview.AssessmentFailed, "the model refused: no"
	must(t, s.FinishAssessment(ctx, &failed))
	if failed.CompletedAt == nil || failed.LeaseUntil != nil {
		t.Errorf("failed: %+v", failed)
	}
	list, err := s.ListAssessments(ctx, f.Tenant.ID, v.ID)
	must(t, err)
	same(t, "history, newest first", ids(list, assessmentID), []string{b.ID, a.ID})
	same(t, "failed as stored", list[0], failed)

	for name, bad := range map[string]interview.Assessment{
		"running":              {Status: interview.AssessmentRunning},
		"done with no result":  {Status: interview.AssessmentDone},
		"pending with no time": {Status: interview.AssessmentPending},
	} {
		bad.TenantID, bad.ID, bad.Attempts = f.Tenant.ID, b.ID, failed.Attempts
		wantErr(t, name, s.FinishAssessment(ctx, &bad), store.ErrInvalid)
	}
	unknown := done
	unknown.ID = unique()
	wantErr(t, "finish an unknown one", s.FinishAssessment(ctx, &unknown), store.ErrNotFound)
	theirs := done
	theirs.TenantID = g.Tenant.ID
	wantErr(t, "finish through another tenant", s.FinishAssessment(ctx, &theirs), store.ErrNotFound)
	_, err = s.GetAssessment(ctx, g.Tenant.ID, a.ID)
	wantErr(t, "get through another tenant", err, store.ErrNotFound)
	_, err = s.ListAssessments(ctx, g.Tenant.ID, v.ID)
	wantErr(t, "list through another tenant", err, store.ErrNotFound)
	wantErr(t, "enqueue through another tenant", s.EnqueueAssessment(ctx,
		&interview.Assessment{TenantID: g.Tenant.ID, InterviewID: v.ID}), store.ErrNotFound)
}

func assessmentID(a interview.Assessment) string { return a.ID }

// testAssessmentPositionList: a position's newest done assessment per
// interview, and none of other positions'.
func testAssessmentPositionList(t *testing.T, s store.Store) {
	ctx := t.Context()
	f, g := newTenant(t, s), newTenant(t, s)
	finish := func(v interview.Session, n int, status interview.AssessmentStatus) interview.Assessment {
		t.Helper()
		a := enqueue(t, s, v, n)
		claimed := claimJobs(t, s, f.Tenant.ID, at(n), time.Minute)
		if len(claimed) != 1 || claimed[0].ID != a.ID {
			t.Fatalf("claim: %+v", claimed)
		}
		a = claimed[0]
		a.Status, a.Result, a.Error = status, result(3), ""
		if status == interview.AssessmentFailed {
			a.Result, a.Error = nil, "x"
		}
		must(t, s.FinishAssessment(ctx, &a))
		return a
	}
	v, w := f.session(t, s), f.session(t, s)
	other := newPosition(t, s, f.Tenant.ID, "Other")
	x := interview.Session{TenantID: f.Tenant.ID, PositionID: other.ID, CandidateID: f.Candidate.ID}
	must(t, s.CreateSession(ctx, &x))
	finish(v, 2000, interview.AssessmentDone)
	vNewest := finish(v, 2001, interview.AssessmentDone)
	finish(v, 2002, interview.AssessmentFailed)
	wDone := finish(w, 2003, interview.AssessmentDone)
	finish(x, 2004, interview.AssessmentDone)
	enqueue(t, s, w, 100000) // pending: not listed
	list, err := s.ListPositionAssessments(ctx, f.Tenant.ID, f.Position.ID)
	must(t, err)
	same(t, "newest done per interview", list, []interview.Assessment{vNewest, wDone})
	_, err = s.ListPositionAssessments(ctx, g.Tenant.ID, f.Position.ID)
	wantErr(t, "through another tenant", err, store.ErrNotFound)
}

// testAssessmentParallelEnqueue: of parallel enqueues for one interview,
// exactly one wins and the others are ErrConflict.
func testAssessmentParallelEnqueue(t *testing.T, s store.Store) {
	const callers = 8
	f := newTenant(t, s)
	v := driveTo(t, s, f.session(t, s), interview.StatusCompleted)
	var (
		wg        sync.WaitGroup
		mu        sync.Mutex
		won, lost int
	)
	for range callers {
		wg.Go(func() {
			err := s.EnqueueAssessment(t.Context(), &interview.Assessment{TenantID: f.Tenant.ID, InterviewID: v.ID,
				NextAttempt: at(100000)})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				won++
			case errors.Is(err, store.ErrConflict):
				lost++
			default:
				t.Error(err)
			}
		})
	}
	wg.Wait()
	same(t, "won, lost", [2]int{won, lost}, [2]int{1, callers - 1})
	list, err := s.ListAssessments(t.Context(), f.Tenant.ID, v.ID)
	must(t, err)
	same(t, "stored", len(list), 1)
}

// testEnqueueMissing: the sweep enqueues one job for each completed
// interview in its window that has no assessment at all, once.
func testEnqueueMissing(t *testing.T, s store.Store) {
	ctx := t.Context()
	f := newTenant(t, s)
	complete := func(n int) interview.Session {
		t.Helper()
		v := f.session(t, s)
		for i, to := range []interview.Status{interview.StatusReady, interview.StatusInProgress, interview.StatusCompleted} {
			_, err := s.TransitionSession(ctx, f.Tenant.ID, v.ID, to, "test", at(n-2+i))
			must(t, err)
		}
		return v
	}
	due, early, assessed := complete(3055), complete(3045), complete(3056)
	failed := f.session(t, s)
	_, err := s.TransitionSession(ctx, f.Tenant.ID, failed.ID, interview.StatusAbandoned, "test", at(3057))
	must(t, err)
	old := enqueue(t, s, assessed, 100000)

	n, err := s.EnqueueMissingAssessments(ctx, noisy(at(3050)), noisy(at(3060)), "gpt-sweep")
	must(t, err)
	if n < 1 {
		t.Errorf("enqueued %d, want at least this test's one", n)
	}
	list, err := s.ListAssessments(ctx, f.Tenant.ID, due.ID)
	must(t, err)
	if len(list) != 1 {
		t.Fatalf("due interview: %+v", list)
	}
	same(t, "the sweep's job", list[0], interview.Assessment{ID: list[0].ID, TenantID: f.Tenant.ID,
		InterviewID: due.ID, Status: interview.AssessmentPending, NextAttempt: at(3060), Model: "gpt-sweep",
		CreatedAt: at(3060)})
	for name, v := range map[string]interview.Session{"ended before since": early, "abandoned": failed} {
		list, err := s.ListAssessments(ctx, f.Tenant.ID, v.ID)
		must(t, err)
		same(t, name, len(list), 0)
	}
	list, err = s.ListAssessments(ctx, f.Tenant.ID, assessed.ID)
	must(t, err)
	same(t, "already assessed", ids(list, assessmentID), []string{old.ID})

	n, err = s.EnqueueMissingAssessments(ctx, at(3050), at(3061), "gpt-sweep")
	must(t, err)
	same(t, "second sweep", n, 0)
	list, err = s.ListAssessments(ctx, f.Tenant.ID, due.ID)
	must(t, err)
	same(t, "still one", len(list), 1)
}

// testAssessedDeliveries: an assessment becoming done, and nothing else,
// writes one interview.assessed delivery per active endpoint of its
// tenant subscribed to it, naming the assessment.
func testAssessedDeliveries(t *testing.T, s store.Store) {
	ctx := t.Context()
	f, g := newTenant(t, s), newTenant(t, s)
	all := newEndpoint(t, s, f.Tenant.ID)
	assessed := newEndpoint(t, s, f.Tenant.ID, interview.EventInterviewAssessed)
	completed := newEndpoint(t, s, f.Tenant.ID, interview.EventInterviewCompleted)
	off := newEndpoint(t, s, f.Tenant.ID, interview.EventInterviewAssessed)
	must(t, s.DisableWebhookEndpoint(ctx, f.Tenant.ID, off.ID, at(0)))
	theirs := newEndpoint(t, s, g.Tenant.ID)
	v := driveTo(t, s, f.session(t, s), interview.StatusCompleted)
	assessedOf := func(e interview.WebhookEndpoint, tenantID string) []interview.WebhookDelivery {
		out := []interview.WebhookDelivery{}
		for _, d := range deliveries(t, s, tenantID, e.ID) {
			if d.Event == interview.EventInterviewAssessed {
				out = append(out, d)
			}
		}
		return out
	}
	run := func(n int, finish func(a *interview.Assessment)) interview.Assessment {
		t.Helper()
		a := enqueue(t, s, v, n)
		claimed := claimJobs(t, s, f.Tenant.ID, at(n), time.Minute)
		if len(claimed) != 1 {
			t.Fatalf("claim: %+v", claimed)
		}
		a = claimed[0]
		finish(&a)
		must(t, s.FinishAssessment(ctx, &a))
		return a
	}
	run(4000, func(a *interview.Assessment) { a.Status, a.Error = interview.AssessmentFailed, "x" })
	retried := run(4001, func(a *interview.Assessment) {
		a.Status, a.NextAttempt, a.Error = interview.AssessmentPending, at(4002), "HTTP 500"
	})
	same(t, "after a failure and a retry", assessedOf(all, f.Tenant.ID), []interview.WebhookDelivery{})
	got := claimJobs(t, s, f.Tenant.ID, at(4002), time.Minute)
	if len(got) != 1 || got[0].ID != retried.ID {
		t.Fatalf("retry claim: %+v", got)
	}
	done := got[0]
	done.Status, done.Result, done.CompletedAt = interview.AssessmentDone, result(5), ptr(noisy(at(4003)))
	must(t, s.FinishAssessment(ctx, &done))

	want := func(e interview.WebhookEndpoint) []interview.WebhookDelivery {
		return []interview.WebhookDelivery{{TenantID: f.Tenant.ID, EndpointID: e.ID, Event: interview.EventInterviewAssessed,
			InterviewID: v.ID, AssessmentID: done.ID, Status: interview.DeliveryPending, NextAttempt: at(4003), CreatedAt: at(4003)}}
	}
	for name, e := range map[string]interview.WebhookEndpoint{"every event": all, "assessed only": assessed} {
		got := assessedOf(e, f.Tenant.ID)
		if len(got) == 1 {
			got[0].ID = ""
		}
		same(t, name, got, want(e))
	}
	same(t, "completed only", assessedOf(completed, f.Tenant.ID), []interview.WebhookDelivery{})
	same(t, "disabled", assessedOf(off, f.Tenant.ID), []interview.WebhookDelivery{})
	same(t, "another tenant's", assessedOf(theirs, g.Tenant.ID), []interview.WebhookDelivery{})
	for _, d := range deliveries(t, s, f.Tenant.ID, all.ID) {
		if d.Event != interview.EventInterviewAssessed && d.AssessmentID != "" {
			t.Errorf("a status delivery names an assessment: %+v", d)
		}
	}
}
