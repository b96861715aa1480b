package assess_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/interviewd/interviewd/internal/assess"
	"github.com/interviewd/interviewd/internal/assess/assesstest"
	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/metrics"
	"github.com/interviewd/interviewd/internal/store"
	"github.com/interviewd/interviewd/internal/store/postgres"
	"github.com/interviewd/interviewd/internal/store/sqlite"
	"github.com/interviewd/interviewd/internal/testenv"
)

// forEachStore runs test on a SQLite file and on a fresh PostgreSQL
// database (skipped when PostgreSQL is missing, failed under CI=true).
func forEachStore(t *testing.T, test func(t *testing.T, st store.Store)) {
	t.Run("sqlite", func(t *testing.T) {
		st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "interviewd.db"))
		if err != nil {
			t.Fatalf("open sqlite: %v", err)
		}
		t.Cleanup(func() { st.Close() })
		test(t, st)
	})
	t.Run("postgres", func(t *testing.T) {
		dbURL, _ := testenv.PostgresDB(t)
		st, err := postgres.Open(context.Background(), dbURL)
		if err != nil {
			t.Fatalf("open postgres: %v", err)
		}
		t.Cleanup(func() { st.Close() })
		test(t, st)
	})
}

// clock is a settable time for the worker.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// completed stores fixture's interview in a new tenant, completed a
// minute ago, with fixture's rubric saved as the position's version 1
// when withRubric.
func completed(t *testing.T, st store.Store, withRubric bool) interview.Session {
	t.Helper()
	ctx, in := t.Context(), fixture()
	tenant := interview.Tenant{Name: "Acme"}
	must(t, st.CreateTenant(ctx, &tenant, ""))
	p := in.Position
	p.TenantID = tenant.ID
	must(t, st.CreatePosition(ctx, &p))
	if withRubric {
		r := in.Rubric
		r.TenantID, r.PositionID = tenant.ID, p.ID
		must(t, st.SaveRubric(ctx, &r))
	}
	c := in.Candidate
	c.TenantID = tenant.ID
	must(t, st.CreateCandidate(ctx, &c))
	v := interview.Session{TenantID: tenant.ID, PositionID: p.ID, CandidateID: c.ID,
		JoinTokenHash: "hash-" + tenant.ID, JoinExpiresAt: time.Now().Add(time.Hour)}
	must(t, st.CreateSession(ctx, &v))
	at := time.Now().Add(-time.Minute)
	for _, s := range []interview.Status{interview.StatusReady, interview.StatusInProgress} {
		_, err := st.TransitionSession(ctx, tenant.ID, v.ID, s, "", at.Add(-10*time.Minute))
		must(t, err)
	}
	lines := in.Transcript
	for i := range lines {
		lines[i].ItemID, lines[i].Source = fmt.Sprintf("item-%d", i), interview.SourceSideband
	}
	_, err := st.AppendTranscript(ctx, tenant.ID, v.ID, lines)
	must(t, err)
	v, err = st.TransitionSession(ctx, tenant.ID, v.ID, interview.StatusCompleted, "candidate ended", at)
	must(t, err)
	return v
}

// answerFor answers any assessment request well, quoting line 2.
func answerFor(req assesstest.Request) assesstest.Reply {
	return assesstest.Assessment(req, 4, 2, "cache hot keys in Redis")
}

// startWorker runs a quick worker against fake until the test ends,
// counting its attempts in a registry of its own (see attemptCount).
func startWorker(t *testing.T, st store.Store, fake *assesstest.Server, c *clock) *assess.Worker {
	return startCountedWorker(t, st, fake, c, metrics.New())
}

func startCountedWorker(t *testing.T, st store.Store, fake *assesstest.Server, c *clock, mx *metrics.Metrics) *assess.Worker {
	w := assess.NewWorker(assess.WorkerConfig{
		Store:  st,
		Client: assess.New(assess.Config{BaseURL: fake.URL, Model: "gpt-test", Timeout: time.Second}),
		Now:    c.now, Poll: 20 * time.Millisecond, Sweep: 50 * time.Millisecond,
		Metrics: mx,
	})
	stop := w.Start(context.Background())
	t.Cleanup(stop)
	return w
}

// waitFor polls the interview's newest assessment until ok accepts it.
func waitFor(t *testing.T, st store.Store, v interview.Session, what string, ok func(interview.Assessment) bool) interview.Assessment {
	t.Helper()
	deadline := time.Now().Add(assesstest.Wait)
	for {
		list, err := st.ListAssessments(t.Context(), v.TenantID, v.ID)
		must(t, err)
		if len(list) > 0 && ok(list[0]) {
			return list[0]
		}
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %s; assessments: %+v", what, list)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func status(s interview.AssessmentStatus, attempts int) func(interview.Assessment) bool {
	return func(a interview.Assessment) bool { return a.Status == s && a.Attempts == attempts }
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// attemptCount reads interviewd_assessment_attempts_total{result} back
// from mx's registry.
func attemptCount(t *testing.T, mx *metrics.Metrics, result string) float64 {
	t.Helper()
	families, err := mx.Registry().Gather()
	must(t, err)
	for _, f := range families {
		if f.GetName() != "interviewd_assessment_attempts_total" {
			continue
		}
		for _, m := range f.GetMetric() {
			if m.GetLabel()[0].GetValue() == result {
				return m.GetCounter().GetValue()
			}
		}
	}
	t.Fatalf("no interviewd_assessment_attempts_total{result=%q}", result)
	return 0
}

// waitUntil polls cond until it holds, failing the test after assesstest.Wait.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(assesstest.Wait)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v", what, assesstest.Wait)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
