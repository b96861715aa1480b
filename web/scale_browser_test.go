package web

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/interviewd/interviewd/internal/auth"
	"github.com/interviewd/interviewd/internal/calls"
	"github.com/interviewd/interviewd/internal/engine"
	"github.com/interviewd/interviewd/internal/hiring"
	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/realtime"
	"github.com/interviewd/interviewd/internal/store/postgres"
	"github.com/interviewd/interviewd/internal/testenv"
)

// The candidate's answers to questions 2 and 3 (answerFirst is question 1's).
const (
	answerSecond = "Go compiles fast and its concurrency is simple."
	answerThird  = "A race between two goroutines on a shared map."
)

// scaleInstance is one interviewd process of a cluster: the whole HTTP
// side over its own connection pool to the shared PostgreSQL database,
// and its own calls manager.
type scaleInstance struct {
	name  string
	app   *testApp
	calls *calls.Manager
}

// scaleCluster is two instances on one database behind a load balancer,
// with one standalone engine (the provider, as `interviewd engine` runs
// it) that both reach over HTTP.
type scaleCluster struct {
	a, b     *scaleInstance
	balancer *balancer
	engine   *engine.Engine
	logs     *logBuffer
	view     *reconnectRoom // the recruiter's side, through instance B, and store reads
}

func newScaleCluster(t *testing.T) *scaleCluster {
	t.Helper()
	c := &scaleCluster{logs: &logBuffer{}}
	logger := slog.New(slog.NewJSONHandler(c.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	var err error
	c.engine, err = engine.New(engine.Config{APIKey: rtcEngineKey, ICE: engine.ICE{LoopbackOnly: true},
		Logger: logger.With("process", "engine"),
		// A word every 80 ms: a line is said for long enough that the
		// test sees it begun in the room and drains while it is said.
		Turn: engine.Turn{DeltaInterval: 80 * time.Millisecond, WordsPerDelta: 1}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.engine.Close() }) // last: after both instances have hung up
	provider := httptest.NewServer(c.engine.Handler())
	t.Cleanup(provider.Close)

	dbURL, _ := testenv.PostgresDB(t)
	ln := newBalancerListener(t)
	public := "http://" + ln.Addr().String()
	c.a = newScaleInstance(t, "A", dbURL, public, provider.URL, logger)
	c.b = newScaleInstance(t, "B", dbURL, public, provider.URL, logger)
	c.balancer = serveBalancer(t, ln,
		balancerBackend{"A", strings.TrimPrefix(c.a.app.URL, "http://")},
		balancerBackend{"B", strings.TrimPrefix(c.b.app.URL, "http://")})
	c.view = &reconnectRoom{roomApp: &roomApp{testApp: c.b.app}, engine: c.engine, logs: c.logs}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("instances' and engine's logs:\n%s", c.logs.String())
		}
	})
	return c
}

// newScaleInstance builds one instance as cmd/interviewd does with
// DATABASE_URL, PUBLIC_URL (the balancer's) and OPENAI_BASE_URL (the
// engine's): join links, the signalling's Origin check and the consent
// form all name the public URL, not the instance's own address.
func newScaleInstance(t *testing.T, name, dbURL, public, engineURL string, logger *slog.Logger) *scaleInstance {
	t.Helper()
	st, err := postgres.Open(context.Background(), dbURL)
	if err != nil {
		t.Fatalf("instance %s: open postgres: %v", name, err)
	}
	t.Cleanup(func() { st.Close() })
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	m, err := calls.New(calls.Config{
		Store:     st,
		Provider:  realtime.NewClient(engineURL+"/v1", rtcEngineKey, &http.Client{Timeout: 10 * time.Second, Transport: tr}),
		Sidebands: realtime.NewClient(engineURL+"/v1", rtcEngineKey, &http.Client{Timeout: 10 * time.Second}),
		Settings:  realtime.Settings{Model: "gpt-realtime", Voice: "marin", TranscribeModel: "gpt-4o-transcribe"},
		Logger:    logger.With("process", name),
	})
	if err != nil {
		t.Fatal(err)
	}
	tokens, err := auth.NewRTCSigner(rtcTestSecret, nil)
	if err != nil {
		t.Fatal(err)
	}
	links, err := auth.NewJoinLinks(testSecret)
	if err != nil {
		t.Fatal(err)
	}
	app := newTestAppWith(t, st, func(app *testApp, d *Deps) {
		app.Hiring = hiring.New(hiring.Config{Store: st, Links: links, PublicURL: public})
		d.Hiring, d.PublicURL, d.Calls, d.RTCTokens = app.Hiring, public, m, tokens
	})
	t.Cleanup(func() { _ = m.Close() }) // before the server stops, so that its hangups arrive
	return &scaleInstance{name: name, app: app, calls: m}
}

// drain does what SIGTERM does to an instance (cmd/interviewd's run): it
// stops listening, so that the balancer sends new connections elsewhere,
// and then drains its calls.
func (i *scaleInstance) drain(t *testing.T) {
	t.Helper()
	if err := i.app.conns.Close(); err != nil {
		t.Fatalf("instance %s: stop listening: %v", i.name, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := i.calls.Drain(ctx); err != nil {
		t.Fatalf("instance %s: drain: %v", i.name, err)
	}
}

// leaseOwner is the instance that holds the interview's call lease.
func (c *scaleCluster) leaseOwner(t *testing.T, tenant, id string) string {
	t.Helper()
	l, err := c.view.Store.GetLease(t.Context(), tenant, id)
	if err != nil {
		return "none (" + err.Error() + ")"
	}
	for _, i := range []*scaleInstance{c.a, c.b} {
		if l.Owner == i.calls.InstanceID() {
			return i.name
		}
	}
	return l.Owner
}

// TestBrowserScaleDrain runs an interview in Chromium through a load
// balancer in front of two instances on one PostgreSQL database, with a
// standalone engine as the provider. Instance A, which serves the room,
// is drained mid-interview (what SIGTERM does): the room is told 1001
// SHUTTING_DOWN, says it is reconnecting, reconnects through the balancer
// to B and resumes the same call; it is live again, the next questions
// come on that call, the transcript has every line once and in order, and
// the interviewer completes the interview on B. The drain comes between
// two turns, or just after an answer, while the interviewer answers it.
func TestBrowserScaleDrain(t *testing.T) {
	browser := testenv.Browser(t, testenv.FakeMicrophone(writeSilenceWAV(t, 2*time.Minute)))
	t.Run("between turns", func(t *testing.T) { drainMidInterview(t, browser, false) })
	t.Run("while the interviewer answers", func(t *testing.T) { drainMidInterview(t, browser, true) })
}

func drainMidInterview(t *testing.T, browser context.Context, speaking bool) {
	c := newScaleCluster(t)
	tenant, id, link := c.view.interview()
	if !strings.HasPrefix(link, c.balancer.URL+"/") {
		t.Fatalf("the join link %s does not name the balancer %s", link, c.balancer.URL)
	}
	cand := enterRoom(t, browser, link)

	// Question 1 is answered on A; the interviewer asks question 2.
	typeAnswer(t, cand, answerFirst)
	eventually(t, "the answer and question 2 stored", 40*time.Second, func() (bool, string) {
		e := c.view.transcript(t, tenant, id)
		return len(e) >= 3 && strings.Contains(e[2].Text, reconnectQuestions[1]), fmt.Sprintf("%+v", e)
	})
	before := c.view.transcript(t, tenant, id)
	eventually(t, "the room to show the transcript so far", 30*time.Second, func() (bool, string) {
		return sameLines(roomLines(t, cand), before)
	})
	v := c.view.session(t, tenant, id)
	if v.Status != interview.StatusInProgress || v.CallID == "" {
		t.Fatalf("before the drain: %s, call %q", v.Status, v.CallID)
	}
	if owner := c.leaseOwner(t, tenant, id); owner != "A" {
		t.Fatalf("before the drain the call is owned by %s, want A", owner)
	}
	if s := c.balancer.Sockets(); len(s) != 1 || s[0].Backend != "A" {
		t.Fatalf("before the drain the room's sockets went to %v, want one to A", socketBackends(s))
	}

	if !read(t, cand, "record the room's states", chromedp.Evaluate[bool](recordStates)) {
		t.Fatal("the state recorder did not start")
	}
	if speaking {
		typeAnswer(t, cand, answerSecond)
		said := poll[string](t, cand, "the interviewer's next line begun in the room",
			`(l => l && l.querySelector('[data-testid="room-line-text"]').textContent)(
				[...document.querySelectorAll('[data-testid="room-line"].interviewer')].find(l => l.dataset.final !== "true"))`, 20*time.Second)
		t.Logf("drained while the interviewer had said %q", said)
	}
	drained := time.Now()
	c.a.drain(t)
	poll[bool](t, cand, "the room to say it is reconnecting",
		`window.__states.some(s => s.state === "reconnecting")`, 20*time.Second)
	poll[bool](t, cand, "the room to be live again",
		`(h => (i => i >= 0 && i < h.findLastIndex(s => s.state === "live"))(h.findIndex(s => s.state === "reconnecting")) &&
			document.querySelector('[data-testid="room-state"]').dataset.state === "live")(window.__states)`, 40*time.Second)
	t.Logf("drain → live again on B: %v", time.Since(drained).Round(time.Millisecond))
	checkDrainStates(t, roomStates(t, cand))
	checkDrainWire(t, c.balancer.Sockets(), v.CallID)
	eventually(t, "B to own the call", 10*time.Second, func() (bool, string) {
		owner := c.leaseOwner(t, tenant, id)
		return owner == "B", owner
	})
	if n := c.engine.ActiveCalls(); n != 1 {
		t.Errorf("the engine has %d calls after the resume, want the same one", n)
	}

	// The same call goes on: question 3, whole (when the drain cut it, the
	// rest was said on the call, and both B's sideband and the room's
	// witness heard it end), then the interviewer ends the interview.
	if !speaking {
		typeAnswer(t, cand, answerSecond)
	}
	eventually(t, "question 3 stored whole", 20*time.Second, func() (bool, string) {
		e := c.view.transcript(t, tenant, id)
		return len(e) >= 5 && strings.Contains(e[4].Text, reconnectQuestions[2]) && !e[4].Interrupted, linesSaid(e)
	})
	third := poll[string](t, cand, "question 3 in the room",
		`(l => l && l.dataset.final === "true" && l.querySelector('[data-testid="room-line-text"]').textContent)(
			[...document.querySelectorAll('[data-testid="room-line"].interviewer')].find(l => l.textContent.includes(`+
			fmt.Sprintf("%q", reconnectQuestions[2])+`)))`, 40*time.Second)
	if strings.Contains(third, "Welcome back") {
		t.Errorf("question 3 came as %q: a new call", third)
	}
	typeAnswer(t, cand, answerThird)
	poll[bool](t, cand, "the room says it ended",
		`document.querySelector('[data-testid="room-state"]').dataset.state === "ended"`, 60*time.Second)
	eventually(t, "the interview completed", 30*time.Second, func() (bool, string) {
		got := c.view.session(t, tenant, id)
		return got.Status == interview.StatusCompleted, fmt.Sprintf("%s %q", got.Status, got.EndReason)
	})
	if got := c.view.session(t, tenant, id); got.CallID != v.CallID {
		t.Errorf("the interview ended on call %q, want the same call %q", got.CallID, v.CallID)
	}

	entries := c.view.transcript(t, tenant, id)
	checkDrainTranscript(t, entries, before)
	for _, e := range entries {
		// Between turns the sidebands of A, then B, hear every line.
		if !speaking && e.Source != interview.SourceSideband {
			t.Errorf("line %d %q stored from %s", e.Seq, e.Text, e.Source)
		}
	}
	eventually(t, "the room to show the stored transcript", 30*time.Second, func() (bool, string) {
		return sameLines(roomLines(t, cand), c.view.transcript(t, tenant, id))
	})
	eventually(t, "the call hung up", 20*time.Second, func() (bool, string) {
		n := c.engine.ActiveCalls()
		return n == 0, fmt.Sprintf("%d calls", n)
	})
}

// checkDrainStates wants the room to have moved to B as the candidate
// should see it: live, reconnecting (saying so), live again, once.
func checkDrainStates(t *testing.T, states []roomShown) {
	t.Helper()
	var seq []string
	for _, s := range states {
		if s.State == "reconnecting" && s.Text != roomReconnectingText {
			t.Errorf("reconnecting, the room says %q", s.Text)
		}
		if len(seq) == 0 || seq[len(seq)-1] != s.State {
			seq = append(seq, s.State)
		}
	}
	const want = "live → reconnecting → live"
	if got := strings.Join(seq, " → "); got != want {
		t.Errorf("the room showed %s (%+v), want %s", got, states, want)
	}
}

// checkDrainWire reads the signalling as the balancer relayed it: A's
// socket ended with 1001 SHUTTING_DOWN; every later one went to B, and the
// room resumed callID there without offering a new call.
func checkDrainWire(t *testing.T, sockets []*socketLog, callID string) {
	t.Helper()
	if len(sockets) < 2 {
		t.Fatalf("the room opened %d signalling sockets, want a second after the drain", len(sockets))
	}
	if f, ok := sockets[0].Close(); !ok || f.Code != 1001 || f.Text != "SHUTTING_DOWN" {
		t.Errorf("A closed the room's socket with %+v (sent: %v), want 1001 SHUTTING_DOWN", f, ok)
	}
	if got, raw := sockets[0].Messages(false); len(got) == 0 || got[len(got)-1] != "error" || raw[len(raw)-1]["code"] != "SHUTTING_DOWN" {
		t.Errorf("A's last messages to the room: %v, want an error SHUTTING_DOWN", got)
	}
	resumed := false
	for _, s := range sockets[1:] {
		if s.Backend != "B" {
			t.Errorf("after the drain a socket went to %s", s.Backend)
		}
		sent, raw := s.Messages(true)
		if slices.Contains(sent, "sdp_offer") {
			t.Errorf("the room offered a new call to %s: %v", s.Backend, sent)
		}
		got, _ := s.Messages(false)
		if i := slices.Index(sent, "resume"); i >= 0 && slices.Contains(got, "resumed") {
			resumed = true
			if raw[i]["callId"] != callID {
				t.Errorf("the room resumed call %v, want %s", raw[i]["callId"], callID)
			}
		}
	}
	if !resumed {
		t.Errorf("no socket resumed the call: %v", socketBackends(sockets))
	}
}

// checkDrainTranscript wants the lines stored before the drain unchanged,
// and after them each line once, in the order said: the answers typed,
// each question after the previous answer, and nothing that starts over.
func checkDrainTranscript(t *testing.T, entries, before []interview.TranscriptEntry) {
	t.Helper()
	rtcCheckGapFree(t, entries)
	for i, e := range before {
		if i >= len(entries) || entries[i].ItemID != e.ItemID || entries[i].Text != e.Text {
			t.Errorf("entry %d changed across the drain: was %+v", i, e)
		}
	}
	said := []struct {
		speaker interview.Speaker
		has     string
	}{
		{interview.SpeakerInterviewer, reconnectQuestions[0]},
		{interview.SpeakerCandidate, answerFirst},
		{interview.SpeakerInterviewer, reconnectQuestions[1]},
		{interview.SpeakerCandidate, answerSecond},
		{interview.SpeakerInterviewer, reconnectQuestions[2]},
		{interview.SpeakerCandidate, answerThird},
	}
	if len(entries) < len(said) {
		t.Fatalf("%d lines stored, want at least %d: %+v", len(entries), len(said), entries)
	}
	for i, w := range said {
		if e := entries[i]; e.Speaker != w.speaker || !strings.Contains(e.Text, w.has) {
			t.Errorf("line %d is %s %q, want %s saying %q", i+1, e.Speaker, e.Text, w.speaker, w.has)
		}
	}
	for _, e := range entries[len(said):] {
		if e.Speaker != interview.SpeakerInterviewer {
			t.Errorf("after the last answer: %s %q", e.Speaker, e.Text)
		}
	}
	for _, e := range entries {
		if strings.Contains(e.Text, "Welcome back") || (e.Seq > 1 && strings.HasPrefix(e.Text, "Hello")) {
			t.Errorf("line %d %q: the interview started over", e.Seq, e.Text)
		}
	}
}

// linesSaid is a transcript in short, for a failure's message.
func linesSaid(entries []interview.TranscriptEntry) string {
	var b strings.Builder
	for _, e := range entries {
		fmt.Fprintf(&b, "\n%d %s %s interrupted=%v %q", e.Seq, e.Source, e.Speaker, e.Interrupted, e.Text)
	}
	return b.String()
}

func socketBackends(sockets []*socketLog) []string {
	var names []string
	for _, s := range sockets {
		names = append(names, s.Backend)
	}
	return names
}
