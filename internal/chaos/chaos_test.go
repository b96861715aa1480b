package chaos

import (
	"context"
	"math/rand/v2"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/interviewd/interviewd/internal/testenv"
)

// interviewLimit bounds one candidate's interview, takeovers included.
const interviewLimit = 2 * time.Minute

// envInt reads a size from the environment.
func envInt(t testing.TB, name string, def int) int {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		t.Fatalf("%s=%q: want a positive number", name, v)
	}
	return n
}

// thinkTime is a candidate's pause before answering: 0.8–1.6 s.
func thinkTime(rng *rand.Rand) time.Duration {
	return 800*time.Millisecond + time.Duration(rng.Int64N(int64(800*time.Millisecond)))
}

// TestChaos: CHAOS_INTERVIEWS interviews (default 6) on three instances
// and one standalone engine, real processes on one PostgreSQL database,
// while a killer kill -9's a random instance every few seconds and
// restarts it on its port, at least CHAOS_KILLS times (default 5), each
// while interviews are live. Every interview must complete, and its
// stored transcript must hold every line the engine's record has for the
// calls it used, once, with gap-free seqs.
func TestChaos(t *testing.T) {
	n, kills := envInt(t, "CHAOS_INTERVIEWS", 6), envInt(t, "CHAOS_KILLS", 5)
	dbURL, _ := testenv.PostgresDB(t)
	cl := newCluster(t, buildBinary(t), dbURL, 3)
	st, sessions := seed(t, dbURL, n)

	var live atomic.Int64
	ctx, stopKiller := context.WithCancel(context.Background())
	killed := make(chan int, 1)
	go func() { killed <- cl.killer(ctx, &live) }()
	// Waves of about two interviews per wanted kill keep kills landing
	// during live calls; an interview lasts some 15 s.
	wave := max(1, min(n, (2*n+kills-1)/kills))
	cands := make([]*candidate, n)
	for start := 0; start < n; start += wave {
		var wg sync.WaitGroup
		for i := start; i < min(n, start+wave); i++ {
			cands[i] = newCandidate(t, cl, sessions[i], uint64(i+1), thinkTime)
			live.Add(1)
			wg.Go(func() {
				defer live.Add(-1)
				cands[i].run(interviewLimit)
			})
			time.Sleep(200 * time.Millisecond)
		}
		wg.Wait()
	}
	stopKiller()
	got := <-killed
	tl := check(t, st, readRecord(t, cl.record), cands)
	t.Logf("chaos: %d interviews, %d instances\n%s", n, len(cl.insts), tl.report(got, "kills (kill -9 during live interviews)"))
	tl.fail(t)
	if got < kills {
		t.Errorf("%d kills landed during live interviews, want at least CHAOS_KILLS=%d (more interviews make the run longer)", got, kills)
	}
}

// killer kill -9's a random live instance every 2–4 s while interviews
// are live, restarts it on its port and waits until it is healthy; it
// returns how many kills it made when ctx ends.
func (c *cluster) killer(ctx context.Context, live *atomic.Int64) int {
	rng := rand.New(rand.NewPCG(42, 42))
	kills := 0
	for ctxSleep(ctx, 2*time.Second+time.Duration(rng.Int64N(int64(2*time.Second)))) {
		p := c.pick(rng)
		if live.Load() == 0 || p == nil {
			continue
		}
		if err := p.signal(syscall.SIGKILL, 10*time.Second); err != nil {
			c.t.Error(err)
			return kills
		}
		kills++
		if err := c.launch(p); err != nil {
			c.t.Errorf("restart after kill %d: %v", kills, err)
			return kills
		}
	}
	return kills
}

// TestRollingRestart: three instances, six live interviews; each instance
// in turn gets SIGTERM (it drains: its rooms get 1001 and resume
// elsewhere), is restarted and healthy before the next. All six complete
// with no lost line, and none needed a new call: each interview's calls in
// the engine record number exactly one.
func TestRollingRestart(t *testing.T) {
	const n = 6
	dbURL, _ := testenv.PostgresDB(t)
	cl := newCluster(t, buildBinary(t), dbURL, 3)
	st, sessions := seed(t, dbURL, n)
	// Slow thinkers: the interviews outlast the three restarts.
	slow := func(rng *rand.Rand) time.Duration {
		return 3*time.Second + time.Duration(rng.Int64N(int64(time.Second)))
	}
	cands := make([]*candidate, n)
	var wg sync.WaitGroup
	for i := range cands {
		cands[i] = newCandidate(t, cl, sessions[i], uint64(i+1), slow)
		wg.Go(func() { cands[i].run(interviewLimit) })
	}
	waitAllLive(t, cands)
	for _, p := range cl.insts {
		time.Sleep(2 * time.Second) // restarts spread over the interviews, as a deploy's are
		if err := p.signal(syscall.SIGTERM, 30*time.Second); err != nil {
			t.Fatal(err)
		}
		cl.start(p)
	}
	wg.Wait()
	tl := check(t, st, readRecord(t, cl.record), cands)
	t.Logf("rolling restart: %d interviews\n%s", n, tl.report(len(cl.insts), "restarts (SIGTERM, drain)"))
	tl.fail(t)
	for i, calls := range tl.callsPerInterview {
		if calls != 1 {
			t.Errorf("interview %s used %d calls, want 1 (no new call across the restarts)", cands[i].v.ID, calls)
		}
	}
}

// waitAllLive waits until every candidate has its first call, so that the
// restarts land during live interviews.
func waitAllLive(t *testing.T, cands []*candidate) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		live := 0
		for _, c := range cands {
			if c.hasCall.Load() {
				live++
			}
		}
		if live == len(cands) {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("not every interview had a call within 30 s")
}

// fail fails the test on any loss, duplicate, gap or other difference,
// and on an interview that did not complete.
func (tl *tally) fail(t *testing.T) {
	t.Helper()
	if tl.lost+tl.duplicated+tl.gaps+tl.differ+tl.unexpected > 0 {
		t.Errorf("transcripts differ from the engine's record: lost %d, duplicated %d, seq gaps %d, text differs %d, unexpected %d",
			tl.lost, tl.duplicated, tl.gaps, tl.differ, tl.unexpected)
	}
	if tl.completed != tl.interviews {
		t.Errorf("%d of %d interviews completed", tl.completed, tl.interviews)
	}
}
