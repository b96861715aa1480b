package calls

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/interviewd/interviewd/internal/auth"
	"github.com/interviewd/interviewd/internal/engine"
	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/realtime"
	"github.com/interviewd/interviewd/internal/store"
	"github.com/interviewd/interviewd/internal/store/postgres"
	"github.com/interviewd/interviewd/internal/testenv"
	"github.com/interviewd/interviewd/internal/testenv/peer"
)

const scaleKey = "sk-local-scale"

// scaleLease is the tests' lease time: short, so that a dead instance's
// call is taken over within a second or two.
const scaleLease = 600 * time.Millisecond

// cluster is several "instances" (managers, each with a store opened on
// its own) sharing one PostgreSQL database and one local engine, as
// machines behind a load balancer share them.
type cluster struct {
	t      *testing.T
	dbURL  string
	base   string
	engine *engine.Engine
	st     store.Store // the tests' own view of the database
}

func newCluster(t *testing.T) *cluster {
	t.Helper()
	dbURL, _ := testenv.PostgresDB(t)
	eng, err := engine.New(engine.Config{APIKey: scaleKey, ICE: engine.ICE{LoopbackOnly: true},
		Turn: engine.Turn{DeltaInterval: time.Millisecond, SidebandWait: 300 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(eng.Handler())
	t.Cleanup(srv.Close)
	t.Cleanup(func() { _ = eng.Close() })
	return &cluster{t: t, dbURL: dbURL, base: srv.URL + "/v1", engine: eng, st: c2open(t, dbURL)}
}

func c2open(t *testing.T, dbURL string) store.Store {
	t.Helper()
	st, err := postgres.Open(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// instance starts one more manager on a store of its own; opts change
// its configuration.
func (c *cluster) instance(opts ...func(*Config)) *Manager {
	c.t.Helper()
	cfg := Config{Store: c2open(c.t, c.dbURL),
		Provider:  realtime.NewClient(c.base, scaleKey, &http.Client{Timeout: 5 * time.Second}),
		Sidebands: realtime.NewClient(c.base, scaleKey, &http.Client{Timeout: 5 * time.Second}),
		Settings:  realtime.Settings{Model: "gpt-realtime", Voice: "marin", TranscribeModel: "gpt-4o-transcribe"},
		LeaseTTL:  scaleLease, Grace: 20 * time.Second, HandoverWait: 5 * time.Second}
	for _, o := range opts {
		o(&cfg)
	}
	m, err := New(cfg)
	if err != nil {
		c.t.Fatal(err)
	}
	c.t.Cleanup(func() { _ = m.Close() })
	return m
}

func (c *cluster) interview() interview.Session {
	c.t.Helper()
	ctx := context.Background()
	ten := interview.Tenant{Name: "Acme"}
	must(c.t, c.st.CreateTenant(ctx, &ten, ""))
	p := interview.Position{TenantID: ten.ID, Title: "Backend engineer", MaxMinutes: 10,
		Questions: []string{"Tell me about a project you are proud of.", "Why do you want to work with us?", "What do you do for fun?"}}
	p.Normalize()
	must(c.t, c.st.CreatePosition(ctx, &p))
	cand := interview.Candidate{TenantID: ten.ID, Name: "Ada Lovelace", Email: "ada@example.com"}
	must(c.t, c.st.CreateCandidate(ctx, &cand))
	v := interview.Session{ID: uuid.NewString(), TenantID: ten.ID, PositionID: p.ID, CandidateID: cand.ID,
		Status: interview.StatusPending, JoinVersion: 1, JoinExpiresAt: time.Now().Add(time.Hour),
		JoinTokenHash: auth.HashToken(uuid.NewString())}
	must(c.t, c.st.CreateSession(ctx, &v))
	return v
}

// start connects a browser (a pion peer) to the interview through m and
// waits until the greeting is stored: the call runs, m owns it.
func (c *cluster) start(m *Manager, v interview.Session) (*peer.Peer, *Conn, string) {
	c.t.Helper()
	conn, err := m.Connect(context.Background(), v.TenantID, v.ID)
	must(c.t, err)
	p := peer.New(c.t, peer.Options{OpenMic: true})
	var ans Answer
	must(c.t, conn.Offer(context.Background(), p.Offer(), func(a Answer) { ans = a }))
	p.Answer(ans.SDP)
	p.WaitConnected()
	p.Until(realtime.EvOutputTranscriptDone, 10*time.Second)
	c.wait("the greeting stored", func() bool { return len(c.transcript(v)) == 1 })
	c.owner(v, m, ans.CallID)
	return p, conn, ans.CallID
}

// owner waits until m holds the interview's lease, for callID.
func (c *cluster) owner(v interview.Session, m *Manager, callID string) {
	c.t.Helper()
	var l interview.CallLease
	c.wait("the lease held by "+m.InstanceID(), func() bool {
		var err error
		l, err = c.st.GetLease(context.Background(), v.TenantID, v.ID)
		return err == nil && l.Owner == m.InstanceID() && l.Held(time.Now())
	})
	if l.CallID != callID {
		c.t.Errorf("lease of call %q, want %q", l.CallID, callID)
	}
	c.wait(m.InstanceID()+" reading the call", func() bool { return reading(m, v, callID) })
}

// reading reports whether m reads the interview's call callID: the lease
// is taken before the sideband is attached.
func reading(m *Manager, v interview.Session, callID string) bool {
	m.mu.Lock()
	l := m.lives[key{v.TenantID, v.ID}]
	m.mu.Unlock()
	if l == nil || !m.lock(l) {
		return false
	}
	defer l.op.Unlock()
	return l.call != nil && l.call.id == callID
}

// answer has the candidate answer, and waits until whoever reads the call
// has stored the answer and the next question.
func (c *cluster) answer(p *peer.Peer, v interview.Session, text string) {
	c.t.Helper()
	before := len(c.transcript(v))
	p.Until(realtime.EvAudioBufferStopped, 10*time.Second) // the question has been said
	p.Reply(text)
	c.wait("the answer and the next question stored", func() bool { return len(c.transcript(v)) >= before+2 })
	p.Until(realtime.EvOutputTranscriptDone, 10*time.Second)
}

// check asserts one call all along and a gap-free transcript alternating
// interviewer and candidate, with what the candidate said.
func (c *cluster) check(v interview.Session, callID string, said ...string) {
	c.t.Helper()
	if n := c.engine.ActiveCalls(); n != 1 {
		c.t.Errorf("the engine runs %d calls, want the same one", n)
	}
	got, err := c.st.GetSession(context.Background(), v.TenantID, v.ID)
	must(c.t, err)
	if got.CallID != callID || got.Status != interview.StatusInProgress {
		c.t.Errorf("interview on call %q (%s), want %q in progress", got.CallID, got.Status, callID)
	}
	entries := c.transcript(v)
	var answers []string
	for i, e := range entries {
		want := interview.SpeakerInterviewer
		if i%2 == 1 {
			want = interview.SpeakerCandidate
			answers = append(answers, e.Text)
		}
		if e.Seq != int64(i+1) || e.Speaker != want || e.Source != interview.SourceSideband {
			c.t.Errorf("entry %d: seq %d, %s, %s: %q", i, e.Seq, e.Speaker, e.Source, e.Text)
		}
	}
	if strings.Join(answers, "|") != strings.Join(said, "|") {
		c.t.Errorf("answers stored %q, want %q", answers, said)
	}
	if last := entries[len(entries)-1]; !strings.Contains(last.Text, "?") {
		c.t.Errorf("the last line %q is not the next question", last.Text)
	}
}

func (c *cluster) transcript(v interview.Session) []interview.TranscriptEntry {
	c.t.Helper()
	got, err := c.st.ListTranscript(context.Background(), v.TenantID, v.ID, 0)
	must(c.t, err)
	return got
}

func (c *cluster) wait(what string, ok func() bool) {
	c.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			c.t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// kill stops m as a killed process stops: no hang-up, no lease released,
// no connection told; its instance lock's connection closes (as the
// process's sockets do), so its leases are free at once on PostgreSQL.
func kill(m *Manager) {
	_, lives := m.refuse()
	for _, l := range lives {
		l.op.Lock()
		if l.call != nil {
			l.call.stopping.Store(true)
		}
		m.stopTimers(l)
		l.removed = true
		l.op.Unlock()
	}
	m.cancel()
	m.wg.Wait()
	m.unhold()
}

// TestTakeoverAfterDeath: instance A dies mid-interview (its lease left
// to expire); B's orphan scan takes the call over by call ID: the engine's
// call is the same, and the transcript continues on B with nothing lost.
// A Recover on B while A lived took nothing.
func TestTakeoverAfterDeath(t *testing.T) {
	c := newCluster(t)
	a, b := c.instance(), c.instance()
	v := c.interview()
	p, _, callID := c.start(a, v)
	if n, err := b.Recover(t.Context(), ""); err != nil || n != 0 {
		t.Fatalf("Recover on B while A owns the call = %d, %v; want 0", n, err)
	}
	c.answer(p, v, "I built a compiler.")
	c.owner(v, a, callID)
	kill(a)
	c.owner(v, b, callID)
	c.answer(p, v, "Your mission.")
	c.check(v, callID, "I built a compiler.", "Your mission.")
}

// TestResumeHandover: the room reconnects to B while A, alive, owns the
// call, and resumes it: A hands it over (its connection is told
// TAKEN_OVER), B reads the same call on.
func TestResumeHandover(t *testing.T) {
	c := newCluster(t)
	a, b := c.instance(), c.instance()
	v := c.interview()
	p, onA, callID := c.start(a, v)
	onB, err := b.Connect(t.Context(), v.TenantID, v.ID)
	must(t, err)
	if err := onB.Resume(t.Context(), "rtc_not_this_call"); err == nil {
		t.Fatal("resumed a call the interview does not have")
	}
	must(t, onB.Resume(t.Context(), callID))
	select {
	case <-onA.Done():
		if !errors.Is(onA.Err(), ErrTakenOver) {
			t.Errorf("A's connection ended with %v", onA.Err())
		}
	case <-time.After(5 * time.Second):
		t.Fatal("A's connection was not told")
	}
	c.owner(v, b, callID)
	c.answer(p, v, "I built a compiler.")
	c.check(v, callID, "I built a compiler.")
}

// TestDrainThenResume: A drains (SIGTERM): its connection is told
// SHUTTING_DOWN, the call is not hung up and its lease is released; the
// room reconnects to B and resumes the same call.
func TestDrainThenResume(t *testing.T) {
	c := newCluster(t)
	a, b := c.instance(), c.instance()
	v := c.interview()
	p, onA, callID := c.start(a, v)
	must(t, a.Drain(t.Context()))
	if !errors.Is(onA.Err(), ErrShutdown) {
		t.Errorf("A's connection ended with %v", onA.Err())
	}
	if _, err := a.Connect(t.Context(), v.TenantID, v.ID); !errors.Is(err, ErrShutdown) {
		t.Errorf("a drained instance admitted a connection: %v", err)
	}
	if l, err := c.st.GetLease(t.Context(), v.TenantID, v.ID); err == nil && l.Owner == a.InstanceID() && l.Held(time.Now()) {
		t.Errorf("A still holds the lease: %+v", l)
	}
	if n := c.engine.ActiveCalls(); n != 1 {
		t.Fatalf("the engine runs %d calls after the drain", n)
	}
	onB, err := b.Connect(t.Context(), v.TenantID, v.ID)
	must(t, err)
	must(t, onB.Resume(t.Context(), callID))
	c.owner(v, b, callID)
	c.answer(p, v, "I built a compiler.")
	c.check(v, callID, "I built a compiler.")
}

// longLease gives an instance the production lease time: a takeover
// within a second or two cannot be the lease's expiry.
func longLease(cfg *Config) { cfg.LeaseTTL = 15 * time.Second }

// TestTakeoverAfterKillIsImmediate: with a 15 s lease, a killed owner's
// call is re-attached by B's orphan scan within about a second (its
// instance lock went with it), not after the lease's expiry.
func TestTakeoverAfterKillIsImmediate(t *testing.T) {
	c := newCluster(t)
	a, b := c.instance(longLease), c.instance(longLease)
	v := c.interview()
	p, _, callID := c.start(a, v)
	timed(t, "the takeover after the kill", 3*time.Second, func() {
		kill(a)
		c.wait("B reading the call", func() bool { return reading(b, v, callID) })
	})
	c.goesOn(b, p, v, callID)
}

// timed runs step and fails the test when it took longer than limit.
func timed(t *testing.T, what string, limit time.Duration, step func()) {
	t.Helper()
	start := time.Now()
	step()
	took := time.Since(start)
	t.Logf("%s took %v", what, took)
	if took > limit {
		t.Errorf("%s took %v, want at most %v", what, took, limit)
	}
}

// goesOn checks that the interview goes on at m on the same call: m owns
// and reads it, and the next answer and question are its sideband's.
func (c *cluster) goesOn(m *Manager, p *peer.Peer, v interview.Session, callID string) {
	c.t.Helper()
	c.owner(v, m, callID)
	c.answer(p, v, "I built a compiler.")
	c.check(v, callID, "I built a compiler.")
}

// TestResumeAfterKill: the room reconnects to B at once after A was
// killed (B's orphan scan has not run): its resume takes the dead owner's
// 15 s lease at once, without waiting for a handover.
func TestResumeAfterKill(t *testing.T) {
	c := newCluster(t)
	b, p, v, callID := c.afterKill(0)
	onB, err := b.Connect(t.Context(), v.TenantID, v.ID)
	must(t, err)
	timed(t, "the resume of a dead owner's call", time.Second, func() { must(t, onB.Resume(t.Context(), callID)) })
	c.goesOn(b, p, v, callID)
}

// TestHandoverWakesOnRelease: a resume on B while A (alive, 15 s lease)
// owns the call is answered as soon as A announces the release, not by
// polling: well under the recheck interval.
func TestHandoverWakesOnRelease(t *testing.T) {
	c := newCluster(t)
	a, b := c.instance(longLease), c.instance(longLease)
	v := c.interview()
	_, _, callID := c.start(a, v)
	onB, err := b.Connect(t.Context(), v.TenantID, v.ID)
	must(t, err)
	// Less than the recheck: woken by the release notice.
	timed(t, "the handover", claimRecheck-time.Millisecond, func() { must(t, onB.Resume(t.Context(), callID)) })
	c.owner(v, b, callID)
}
