package calls

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
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

// TestFanoutAcrossInstances: instance A runs a call (local engine, pion
// peer); instance B, on a store opened on its own over the same
// PostgreSQL database, only has a subscriber, as a recruiter's page or a
// room reconnected there would. B's subscriber gets every entry A stores,
// in Seq order and once, the question reached, and, after the last
// entries, the end. B's listening connection is killed halfway: B listens
// again and catches up.
func TestFanoutAcrossInstances(t *testing.T) {
	dbURL, dbName := testenv.PostgresDB(t)
	eng, err := engine.New(engine.Config{APIKey: "sk-fanout", ICE: engine.ICE{LoopbackOnly: true},
		Turn: engine.Turn{DeltaInterval: time.Millisecond, SidebandWait: 300 * time.Millisecond}})
	fanMust(t, err)
	srv := httptest.NewServer(eng.Handler())
	t.Cleanup(srv.Close)
	t.Cleanup(func() { _ = eng.Close() })
	stA, stB := fanStore(t, dbURL), fanStore(t, dbURL)
	a, b := fanManager(t, stA, srv.URL+"/v1"), fanManager(t, stB, srv.URL+"/v1")
	v := fanInterview(t, stA)

	updates, unsubscribe := b.Subscribe(v.TenantID, v.ID)
	defer unsubscribe()
	got := &fanSeen{t: t, updates: updates}
	conn, err := a.Connect(t.Context(), v.TenantID, v.ID)
	fanMust(t, err)
	p := peer.New(t, peer.Options{OpenMic: true})
	var ans Answer
	fanMust(t, conn.Offer(t.Context(), p.Offer(), func(x Answer) { ans = x }))
	p.Answer(ans.SDP)
	p.WaitConnected()
	p.Until(realtime.EvAudioBufferStopped, 15*time.Second) // the greeting and the first question said
	got.waitEntries(stA, v)
	got.waitFor("progress on B", func() bool { return got.progress.Question > 0 })
	if got.progress.Question != 1 || got.progress.Total != 2 {
		t.Errorf("progress on B %+v, want question 1 of 2", got.progress)
	}

	pid := fanKillListeners(t, dbName)
	p.Reply("I built a compiler.")
	got.waitEntries(stA, v)
	fanWait(t, "B listening again", func() bool { return fanListenerPID(t, dbName) != 0 && fanListenerPID(t, dbName) != pid })
	p.Until(realtime.EvAudioBufferStopped, 15*time.Second)
	p.Reply("Your mission.")
	got.waitEntries(stA, v)

	fanMust(t, conn.End(t.Context()))
	got.waitClosed()
	got.check(stA, v)
	if s, err := stA.GetSession(t.Context(), v.TenantID, v.ID); err != nil || !s.Status.Terminal() {
		t.Errorf("interview %s, %v; want ended", s.Status, err)
	}
}

// fanSeen collects what B's subscriber receives.
type fanSeen struct {
	t        *testing.T
	updates  <-chan Update
	entries  []interview.TranscriptEntry
	progress Progress
	closed   bool
}

// take reads one update or waits up to d; false when none came.
func (s *fanSeen) take(d time.Duration) bool {
	select {
	case u, ok := <-s.updates:
		switch {
		case !ok:
			s.closed, s.updates = true, nil
		case u.Entry != nil:
			s.entries = append(s.entries, *u.Entry)
		case u.Progress != nil:
			s.progress = *u.Progress
		}
		return true
	case <-time.After(d):
		return false
	}
}

// waitEntries waits until B has received as many entries as are stored.
func (s *fanSeen) waitEntries(st store.Store, v interview.Session) {
	s.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		stored, err := st.ListTranscript(context.Background(), v.TenantID, v.ID, 0)
		fanMust(s.t, err)
		if len(stored) > 0 && len(s.entries) >= len(stored) {
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("B received %d entries of %d stored", len(s.entries), len(stored))
		}
		s.take(50 * time.Millisecond)
	}
}

func (s *fanSeen) waitClosed() {
	s.t.Helper()
	s.waitFor("B's subscription closed at the end", func() bool { return s.closed })
}

func (s *fanSeen) waitFor(what string, ok func() bool) {
	s.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			s.t.Fatalf("timed out waiting for %s", what)
		}
		s.take(50 * time.Millisecond)
	}
}

// check compares what B received with what is stored: the same entries,
// in Seq order, none twice.
func (s *fanSeen) check(st store.Store, v interview.Session) {
	s.t.Helper()
	stored, err := st.ListTranscript(context.Background(), v.TenantID, v.ID, 0)
	fanMust(s.t, err)
	if len(s.entries) != len(stored) {
		s.t.Errorf("B received %d entries, %d stored", len(s.entries), len(stored))
	}
	for i := range min(len(s.entries), len(stored)) {
		g, w := s.entries[i], stored[i]
		if g.Seq != w.Seq || g.ItemID != w.ItemID || g.Text != w.Text {
			s.t.Errorf("entry %d on B: seq %d %s %q; stored seq %d %s %q", i, g.Seq, g.ItemID, g.Text, w.Seq, w.ItemID, w.Text)
		}
	}
	var said []string
	for _, e := range s.entries {
		if e.Speaker == interview.SpeakerCandidate {
			said = append(said, e.Text)
		}
	}
	if want := []string{"I built a compiler.", "Your mission."}; !slices.Equal(said, want) {
		s.t.Errorf("B received the answers %q, want %q", said, want)
	}
}

// fanKillListeners ends the database connections listening for updates
// (A's and B's) and returns the one B had.
func fanKillListeners(t *testing.T, dbName string) int {
	t.Helper()
	pid := fanListenerPID(t, dbName)
	if pid == 0 {
		t.Fatal("no connection listening for updates")
	}
	_, err := testenv.PostgresAdmin(t).Exec(context.Background(), `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE datname = $1 AND query LIKE 'LISTEN%interviewd_updates%'`, dbName)
	fanMust(t, err)
	return pid
}

// fanListenerPID is the highest backend pid listening for updates, 0 when none.
func fanListenerPID(t *testing.T, dbName string) int {
	t.Helper()
	var pid int
	err := testenv.PostgresAdmin(t).QueryRow(context.Background(), `SELECT coalesce(max(pid), 0) FROM pg_stat_activity
		WHERE datname = $1 AND query LIKE 'LISTEN%interviewd_updates%'`, dbName).Scan(&pid)
	fanMust(t, err)
	return pid
}

func fanStore(t *testing.T, dbURL string) store.Store {
	t.Helper()
	st, err := postgres.Open(context.Background(), dbURL)
	fanMust(t, err)
	t.Cleanup(func() { st.Close() })
	return st
}

func fanManager(t *testing.T, st store.Store, base string) *Manager {
	t.Helper()
	m, err := New(Config{Store: st,
		Provider:  realtime.NewClient(base, "sk-fanout", &http.Client{Timeout: 5 * time.Second}),
		Sidebands: realtime.NewClient(base, "sk-fanout", &http.Client{Timeout: 5 * time.Second}),
		Settings:  realtime.Settings{Model: "gpt-realtime", Voice: "marin", TranscribeModel: "gpt-4o-transcribe"}})
	fanMust(t, err)
	t.Cleanup(func() { _ = m.Close() })
	return m
}

func fanInterview(t *testing.T, st store.Store) interview.Session {
	t.Helper()
	ctx := context.Background()
	ten := interview.Tenant{Name: "Acme"}
	fanMust(t, st.CreateTenant(ctx, &ten, ""))
	p := interview.Position{TenantID: ten.ID, Title: "Backend engineer", MaxMinutes: 10,
		Questions: []string{"Tell me about a project you are proud of.", "Why do you want to work with us?"}}
	p.Normalize()
	fanMust(t, st.CreatePosition(ctx, &p))
	c := interview.Candidate{TenantID: ten.ID, Name: "Ada Lovelace", Email: "ada@example.com"}
	fanMust(t, st.CreateCandidate(ctx, &c))
	v := interview.Session{ID: uuid.NewString(), TenantID: ten.ID, PositionID: p.ID, CandidateID: c.ID,
		Status: interview.StatusPending, JoinVersion: 1, JoinExpiresAt: time.Now().Add(time.Hour),
		JoinTokenHash: auth.HashToken(uuid.NewString())}
	fanMust(t, st.CreateSession(ctx, &v))
	return v
}

func fanWait(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func fanMust(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
