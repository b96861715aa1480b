package assess

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/interviewd/interviewd/internal/store"
)

// The worker's rhythm (docs/assessment.md, "The job").
const (
	DefaultPoll     = 2 * time.Second
	DefaultSweep    = 30 * time.Second
	DefaultLease    = 2 * time.Minute
	DefaultParallel = 2
	// SweepWindow is how far back the sweep looks for completed
	// interviews without an assessment.
	SweepWindow = 24 * time.Hour
)

// WorkerConfig configures NewWorker; zero durations take the defaults.
type WorkerConfig struct {
	Store    store.Store // the privileged path: jobs are of every tenant
	Client   *Client
	Logger   *slog.Logger
	Now      func() time.Time
	Poll     time.Duration
	Sweep    time.Duration
	Lease    time.Duration
	Parallel int
	Metrics  Metrics // nil counts nothing
}

// Metrics receives each stored attempt, for monitoring: result is done,
// retrying (another attempt is scheduled) or failed (for good), and d is
// how long the attempt took, the model's answer included.
type Metrics interface {
	AssessmentAttempt(result string, d time.Duration)
}

// noMetrics counts nothing: WorkerConfig.Metrics nil.
type noMetrics struct{}

func (noMetrics) AssessmentAttempt(string, time.Duration) {}

// Worker runs the assessments table's jobs: it claims due jobs with a
// lease, asks the model, and stores each outcome with the claim's attempt
// count, so that a worker whose lease ran out changes nothing.
type Worker struct {
	c     WorkerConfig
	wake  chan struct{}
	swept atomic.Bool // false: a nudge asked for a sweep before the next claim
	sem   chan struct{}
	wg    sync.WaitGroup
}

// NewWorker returns a Worker; Start runs it.
func NewWorker(c WorkerConfig) *Worker {
	c.Poll = cmp(c.Poll, DefaultPoll)
	c.Sweep = cmp(c.Sweep, DefaultSweep)
	c.Lease = cmp(c.Lease, DefaultLease)
	if c.Parallel <= 0 {
		c.Parallel = DefaultParallel
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Metrics == nil {
		c.Metrics = noMetrics{}
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return &Worker{c: c, wake: make(chan struct{}, 1), sem: make(chan struct{}, c.Parallel)}
}

func cmp(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// Nudge wakes the worker now to sweep and claim (an interview completed,
// a re-run was asked); it never blocks, and a lost nudge only waits for
// the next poll or sweep.
func (w *Worker) Nudge(string) {
	w.swept.Store(false)
	w.signal()
}

func (w *Worker) signal() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Start runs the worker until ctx ends or stop is called; stop returns
// once the jobs in flight have been put back or finished.
func (w *Worker) Start(ctx context.Context) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		w.loop(ctx)
	}()
	return func() {
		cancel()
		<-done
		w.wg.Wait()
	}
}

func (w *Worker) loop(ctx context.Context) {
	poll, sweep := time.NewTicker(w.c.Poll), time.NewTicker(w.c.Sweep)
	defer poll.Stop()
	defer sweep.Stop()
	w.swept.Store(true)
	w.sweep(ctx)
	for {
		w.claim(ctx)
		select {
		case <-ctx.Done():
			return
		case <-poll.C:
		case <-w.wake:
			if !w.swept.Swap(true) {
				w.sweep(ctx)
			}
		case <-sweep.C:
			w.sweep(ctx)
		}
	}
}

// sweep enqueues the recently completed interviews that have no
// assessment (their completion's nudge was lost, or the AI was off).
func (w *Worker) sweep(ctx context.Context) {
	now := w.c.Now()
	n, err := w.c.Store.EnqueueMissingAssessments(ctx, now.Add(-SweepWindow), now, w.c.Client.Model())
	if err != nil && ctx.Err() == nil {
		w.c.Logger.Error("assessment sweep", "err", err)
	} else if n > 0 {
		w.c.Logger.Info("assessments enqueued", "count", n)
	}
}

// claim takes as many due jobs as there are free slots and runs each.
func (w *Worker) claim(ctx context.Context) {
	free := cap(w.sem) - len(w.sem)
	if free == 0 || ctx.Err() != nil {
		return
	}
	jobs, err := w.c.Store.ClaimAssessments(ctx, w.c.Now(), w.c.Lease, free)
	if err != nil {
		if ctx.Err() == nil {
			w.c.Logger.Error("claim assessments", "err", err)
		}
		return
	}
	for _, a := range jobs {
		w.sem <- struct{}{}
		w.wg.Add(1)
		go func() {
			defer w.wg.Done()
			w.run(ctx, a)
			<-w.sem
			w.signal() // a slot is free: take the next job at once
		}()
	}
}
