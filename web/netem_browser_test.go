package web

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/interviewd/interviewd/internal/calls"
	"github.com/interviewd/interviewd/internal/engine"
	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/realtime"
	"github.com/interviewd/interviewd/internal/store"
	"github.com/interviewd/interviewd/internal/testenv"
	"github.com/interviewd/interviewd/internal/testenv/netem"
)

// The candidate's network in TestBrowserCallBadNetwork (issue 14, item 9):
// 150 ms round trip with 20 ms of jitter (75 ms ± 10 ms each way) and 3 %
// loss each way; then a 10 s outage.
var (
	badNetwork = netem.Conditions{Delay: 75 * time.Millisecond, Jitter: 10 * time.Millisecond, Loss: 3}
	outage     = 10 * time.Second
)

// netemAnswers are the candidate's answers to reconnectQuestions.
var netemAnswers = []string{
	"I build backend services in Go.",
	"Go compiles fast and its concurrency is simple.",
	"A race between two goroutines on a shared map.",
}

// TestBrowserCallBadNetwork runs a whole interview from a headless
// Chromium inside a network namespace whose only way out is a bad link
// (internal/testenv/netem), to interviewd and the engine outside it: the
// page, the signalling, the media and the data channel all cross the link.
// Under 150 ms RTT, 20 ms jitter and 3 % loss the call connects and the
// first answer is taken; then the link goes down for 10 s; the call must be
// live again within the room's reconnect window and go on to the end, and
// the transcript must be complete (every question asked, every answer
// stored once, in order, no gaps) in the store and in the room.
func TestBrowserCallBadNetwork(t *testing.T) {
	link := netem.New(t) // skips, or fails under CI, without root
	browser := link.Browser(t, testenv.FakeMicrophone(writeSilenceWAV(t, 2*time.Minute)))
	r := newNetemRoom(t)
	link.Expose(strings.TrimPrefix(r.URL, "http://"))
	link.Set(badNetwork)
	rtts := link.RTT(9)
	t.Logf("%s: TCP round trips from the namespace %v, median %v", link.Kind, rtts, rtts[len(rtts)/2])
	if m := rtts[len(rtts)/2]; m < 130*time.Millisecond {
		t.Fatalf("median round trip %v: the link is not slowed", m)
	}

	tenant, id, joinLink := r.interview()
	start := time.Now()
	cand := enterRoom(t, browser, joinLink) // the page, consent, /rtc, ICE, DTLS and the greeting, all over the link
	t.Logf("joined and heard the greeting in %v", time.Since(start).Round(time.Millisecond))
	// The selected pair shows in getStats a moment after the greeting can be
	// heard (and again after a consent check lost on the link), so it is
	// asked for until it shows.
	var ip string
	for deadline := time.Now().Add(10 * time.Second); ip == "" && time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		ip = read(t, cand, "the room's remote address", chromedp.Evaluate[string](selectedPair, chromedp.EvalAwaitPromise))
	}
	if !strings.Contains(ip, link.HostIP) {
		t.Fatalf("the call's media takes %q, not the link's host end %s", ip, link.HostIP)
	}

	// The room's connection-quality indicator (getStats) shows the link's
	// round trip, with its loss, in its text.
	q := poll[string](t, cand, "the connection's quality with the link's round trip",
		`(q => !q.hidden && Number((/round trip (\d+) ms/.exec(q.textContent) || [])[1]) >= 120 && q.dataset.quality + ": " + q.textContent.trim())(
			document.querySelector('[data-testid="room-quality"]'))`, 20*time.Second)
	var rating string
	var rtt int
	var loss float64
	if _, err := fmt.Sscanf(q, "%s Connection: %s (round trip %d ms, %g%% packets lost)", &rating, new(string), &rtt, &loss); err != nil ||
		rtt > 400 || !strings.Contains("good: fair: poor:", rating) {
		t.Errorf("the room's quality shows %q, want the link's round trip (about 150 ms) and loss", q)
	}
	t.Logf("the room's quality indicator: %s", q)

	// Question 1 is answered under loss and latency.
	took := answer(t, r, cand, tenant, id, 0)
	t.Logf("answer 1 → question 2 in the room: %v", took)
	firstCall := r.session(t, tenant, id).CallID

	// The outage.
	if !read(t, cand, "record the room's states", chromedp.Evaluate[bool](recordStates)) {
		t.Fatal("the state recorder did not start")
	}
	if !read(t, cand, "record the peer's states", chromedp.Evaluate[bool](recordPeerStates)) {
		t.Fatal("the peer state recorder did not start")
	}
	down := time.Now()
	link.Set(netem.Conditions{Down: true})
	time.Sleep(outage)
	link.Set(badNetwork)
	back := time.Now()

	// Live again within the room's window (25 s from the drop; the server
	// keeps the interview 30 s), without an error on the way.
	poll[bool](t, cand, "the room live again after the outage",
		`document.querySelector('[data-testid="room-state"]').dataset.state === "live" &&
			!window.__states.some(s => s.state === "error" || s.state === "ended")`, 25*time.Second)
	recovered := time.Since(back)
	var saw []string
	for _, s := range roomStates(t, cand) {
		saw = append(saw, s.State)
		if s.State != "live" && s.State != "reconnecting" {
			t.Errorf("during the outage the room showed %s (%s: %q)", s.State, s.Code, s.Text)
		}
		if s.State == "reconnecting" && s.Text != roomReconnectingText {
			t.Errorf("reconnecting, the room says %q", s.Text)
		}
	}
	v := r.session(t, tenant, id)
	if v.Status != interview.StatusInProgress {
		t.Fatalf("after the outage the interview is %s (%s)", v.Status, v.EndReason)
	}
	how := "the same call"
	if v.CallID != firstCall {
		how = "a new call of the same interview"
		// The new call asks question 2 again; answer once it has.
		poll[bool](t, cand, "the welcome back in the room",
			`[...document.querySelectorAll('[data-testid="room-line"].interviewer')].some(l => l.dataset.final === "true" && l.textContent.includes("Welcome back"))`,
			30*time.Second)
	}
	t.Logf("after a %v outage the room showed %s and was live %v after the link came back, on %s",
		outage, strings.Join(saw, " → "), recovered.Round(time.Millisecond), how)
	var peer []string
	for _, s := range read(t, cand, "the peer's states", chromedp.Evaluate[[]peerShown](`window.__pcStates`)) {
		peer = append(peer, fmt.Sprintf("%s at %+.1fs", s.State, time.UnixMilli(s.At).Sub(down).Seconds()))
	}
	t.Logf("the first call's peer connection, from the outage's start: %s", strings.Join(peer, ", "))

	// The interview goes on to its end over the bad link.
	took = answer(t, r, cand, tenant, id, 1)
	t.Logf("answer 2 → question 3 in the room: %v", took)
	typeAnswer(t, cand, netemAnswers[2])
	poll[bool](t, cand, "the room says the interview ended",
		`document.querySelector('[data-testid="room-state"]').dataset.state === "ended"`, 40*time.Second)
	eventually(t, "the interview completed", 20*time.Second, func() (bool, string) {
		v = r.session(t, tenant, id)
		return v.Status == interview.StatusCompleted, string(v.Status) + " " + v.EndReason
	})

	// The transcript is complete: each question asked, each answer stored
	// once, in this order, gap-free; the room shows what is stored.
	entries := r.transcript(t, tenant, id)
	rtcCheckGapFree(t, entries)
	var want []string
	for i, q := range reconnectQuestions {
		want = append(want, q, netemAnswers[i])
	}
	next := 0
	for _, e := range entries {
		if e.Speaker == interview.SpeakerCandidate {
			if n := countText(entries, e.Text); n != 1 {
				t.Errorf("answer %q stored %d times", e.Text, n)
			}
		}
		if next < len(want) && strings.Contains(e.Text, want[next]) {
			next++
		}
	}
	if next != len(want) {
		t.Errorf("the transcript misses %q (or has it out of order):\n%s", want[next], transcriptText(entries))
	}
	if last := entries[len(entries)-1]; !strings.Contains(last.Text, "Goodbye") {
		t.Errorf("the transcript ends with %q, not the goodbye", last.Text)
	}
	eventually(t, "the room to show the stored transcript", 20*time.Second, func() (bool, string) {
		return sameLines(roomLines(t, cand), entries)
	})
	if up, down, ok := link.Counts(); ok {
		t.Logf("the link carried %d and dropped %d packets up, carried %d and dropped %d down",
			up.Carried, up.Dropped, down.Carried, down.Dropped)
	}
}

// selectedPair is the remote address of the room's call's selected ICE
// candidate pair, from getStats.
const selectedPair = `(async () => {
  const pc = window.__peers[window.__peers.length - 1];
  const stats = await pc.getStats();
  let pair;
  for (const s of stats.values()) {
    if (s.type === "transport" && s.selectedCandidatePairId) pair = stats.get(s.selectedCandidatePairId);
  }
  for (const s of stats.values()) {
    if (!pair && s.type === "candidate-pair" && s.nominated && s.state === "succeeded") pair = s;
  }
  const remote = pair && stats.get(pair.remoteCandidateId);
  return remote ? remote.address + ":" + remote.port : "";
})()`

// recordPeerStates keeps the connection states of the room's current peer
// connection from now on, with the time of each (ms since the epoch).
const recordPeerStates = `(pc => {
  window.__pcStates = [];
  pc.addEventListener("connectionstatechange", () => window.__pcStates.push({state: pc.connectionState, at: Date.now()}));
  return true;
})(window.__peers[window.__peers.length - 1])`

// peerShown is one connection state of the peer, and when.
type peerShown struct {
	State string `json:"state"`
	At    int64  `json:"at"`
}

// answer types the candidate's answer to question i and waits until it is
// stored and the room shows question i+2; it returns how long that took.
func answer(t *testing.T, r *reconnectRoom, cand context.Context, tenant, id string, i int) time.Duration {
	t.Helper()
	start := time.Now()
	typeAnswer(t, cand, netemAnswers[i])
	next := reconnectQuestions[i+1]
	poll[bool](t, cand, "question "+fmt.Sprint(i+2)+" in the room",
		`[...document.querySelectorAll('[data-testid="room-line"].interviewer')].some(l => l.dataset.final === "true" && l.textContent.includes(`+
			fmt.Sprintf("%q", next)+`) && !l.textContent.includes("Welcome back"))`, 40*time.Second)
	took := time.Since(start).Round(time.Millisecond)
	eventually(t, "answer "+fmt.Sprint(i+1)+" stored", 20*time.Second, func() (bool, string) {
		e := r.transcript(t, tenant, id)
		return countText(e, netemAnswers[i]) == 1, transcriptText(e)
	})
	return took
}

func countText(entries []interview.TranscriptEntry, text string) int {
	n := 0
	for _, e := range entries {
		if e.Text == text {
			n++
		}
	}
	return n
}

func transcriptText(entries []interview.TranscriptEntry) string {
	var b strings.Builder
	for _, e := range entries {
		fmt.Fprintf(&b, "%d %s %s: %q\n", e.Seq, e.Source, e.Speaker, e.Text)
	}
	return b.String()
}

// newNetemRoom is newReconnectRoom's candidate stack with the engine's ICE
// on the machine's interfaces rather than loopback only: the browser in the
// namespace reaches the engine's media at the link's host end.
func newNetemRoom(t *testing.T) *reconnectRoom {
	t.Helper()
	r := &reconnectRoom{logs: &logBuffer{}}
	logger := slog.New(slog.NewJSONHandler(r.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	r.roomApp = newRoomApp(t, openSQLiteStore(t), "", func(url string, st store.Store) roomWiring {
		var err error
		r.engine, err = engine.New(engine.Config{APIKey: rtcEngineKey, Logger: logger,
			Turn: engine.Turn{DeltaInterval: 20 * time.Millisecond}})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = r.engine.Close() })
		tr := &http.Transport{}
		t.Cleanup(tr.CloseIdleConnections)
		m, err := calls.New(calls.Config{Logger: logger, Store: st,
			Provider:  realtime.NewClient(url+"/v1", rtcEngineKey, &http.Client{Timeout: 10 * time.Second, Transport: tr}),
			Sidebands: realtime.NewClient(url+"/v1", rtcEngineKey, &http.Client{Timeout: 10 * time.Second}),
			Settings:  realtime.Settings{Model: "gpt-realtime", Voice: "marin", TranscribeModel: "gpt-4o-transcribe"}})
		if err != nil {
			t.Fatal(err)
		}
		return roomWiring{engine: r.engine.Handler(), calls: m}
	})
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("calls and engine logs:\n%s", r.logs.String())
		}
	})
	return r
}
