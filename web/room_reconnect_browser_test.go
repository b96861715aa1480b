package web

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/interviewd/interviewd/internal/calls"
	"github.com/interviewd/interviewd/internal/engine"
	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/testenv"
)

// What the room says while it reconnects (static/js/room.js, docs/candidate-room.md).
const (
	roomReconnectingText  = "The connection dropped. Reconnecting… your interview continues where it stopped."
	roomConnectionLostMsg = "The connection was lost and could not be restored. Try again: if the interview is still open, it continues."
)

// reconnectQuestions are the position's questions; the candidate answers
// the first before the drop, so the resumed call asks the second.
var reconnectQuestions = []string{"Tell me about yourself.", "Why Go?", "Describe a hard bug."}

// recordChannels runs in the room's page before its scripts: it keeps the
// data channels the page opens, so that the test can type an answer into
// the call as the engine's text mode takes one (Chromium's fake
// microphone plays silence, and the engine may have no recogniser), and
// their peer connections, so that a test can lose the media as a network
// would (closePeers). It wraps the browser's API, not the room's code.
const recordChannels = `(() => {
  const create = RTCPeerConnection.prototype.createDataChannel;
  window.__channels = [];
  window.__peers = [];
  RTCPeerConnection.prototype.createDataChannel = function (...args) {
    const dc = create.apply(this, args);
    window.__channels.push(dc);
    window.__peers.push(this);
    return dc;
  };
})();`

// closePeers closes the room's peer connections: the call's media is
// gone, so the room's next connection must offer a new call (it cannot
// resume). A local close fires no state change: the room finds out when
// it reconnects.
const closePeers = `(window.__peers.forEach(p => p.close()), window.__peers.length)`

// recordStates keeps every state the room shows from now on, with its
// text, as the candidate sees them; a drop's "reconnecting" can be shorter
// than one poll.
const recordStates = `(() => {
  const s = document.querySelector('[data-testid="room-state"]');
  const seen = window.__states = [{state: s.dataset.state, code: s.dataset.code || "", text: s.textContent}];
  new MutationObserver(() => {
    const now = {state: s.dataset.state, code: s.dataset.code || "", text: s.textContent};
    const last = seen[seen.length - 1];
    if (last.state !== now.state || last.code !== now.code || last.text !== now.text) seen.push(now);
  }).observe(s, {attributes: true, childList: true, characterData: true, subtree: true});
  return true;
})()`

// roomShown is one state the room showed.
type roomShown struct {
	State string `json:"state"`
	Code  string `json:"code"`
	Text  string `json:"text"`
}

// reconnectRoom is the candidate stack in-process with the local engine,
// as liveRoomApp wires it, with the calls manager's knobs and its logs
// kept for a failing test.
type reconnectRoom struct {
	*roomApp
	engine *engine.Engine
	logs   *logBuffer
}

func newReconnectRoom(t *testing.T, cfg calls.Config) *reconnectRoom {
	t.Helper()
	r := &reconnectRoom{logs: &logBuffer{}}
	logger := slog.New(slog.NewJSONHandler(r.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	cfg.Logger = logger
	r.roomApp, r.engine = newLiveRoomApp(t, engine.Config{Logger: logger, Turn: engine.Turn{DeltaInterval: 20 * time.Millisecond}}, cfg)
	t.Cleanup(func() {
		if t.Failed() {
			r.logs.mu.Lock()
			defer r.logs.mu.Unlock()
			t.Logf("calls and engine logs:\n%s", r.logs.buf.String())
		}
	})
	return r
}

// interview signs a recruiter up, creates the position and an interview
// for Ada Lovelace, and returns the tenant, the interview and its link.
func (r *reconnectRoom) interview() (tenant, id, link string) {
	owner := r.client()
	tenant = owner.signUp("Acme Hiring", "owner@acme.test")
	pos := newPositionVia(owner, "Backend engineer", reconnectQuestions...)
	id = newInterviewVia(owner, pos, "Ada Lovelace", "ada@example.com")
	return tenant, id, joinLinkOf(owner, id)
}

func (r *reconnectRoom) session(t *testing.T, tenant, id string) interview.Session {
	t.Helper()
	v, err := r.Store.GetSession(t.Context(), tenant, id)
	if err != nil {
		t.Fatalf("get interview: %v", err)
	}
	return v
}

func (r *reconnectRoom) transcript(t *testing.T, tenant, id string) []interview.TranscriptEntry {
	t.Helper()
	entries, err := r.Store.ListTranscript(t.Context(), tenant, id, 0)
	if err != nil {
		t.Fatalf("list transcript: %v", err)
	}
	return entries
}

// eventually waits until cond holds, checking every 50 ms, or fails the
// test after timeout saying what it waited for and what it last saw.
func eventually(t *testing.T, what string, timeout time.Duration, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		ok, last := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s; last: %s", timeout, what, last)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// writeSilenceWAV writes d of 16 kHz mono silence, for a fake microphone
// that says nothing (Chromium's default one beeps).
func writeSilenceWAV(t *testing.T, d time.Duration) string {
	t.Helper()
	n := uint32(d.Seconds() * 16000 * 2)
	var b bytes.Buffer
	b.WriteString("RIFF")
	for _, v := range []any{36 + n, [4]byte{'W', 'A', 'V', 'E'}, [4]byte{'f', 'm', 't', ' '}, uint32(16),
		uint16(1), uint16(1), uint32(16000), uint32(32000), uint16(2), uint16(16), [4]byte{'d', 'a', 't', 'a'}, n} {
		binary.Write(&b, binary.LittleEndian, v) //nolint:errcheck // a bytes.Buffer does not fail
	}
	b.Write(make([]byte, n))
	path := filepath.Join(t.TempDir(), "silence.wav")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// enterRoom opens the join link in a fresh browser context, consents,
// starts the call and waits until the room is live and shows the
// interviewer's first line, final. It returns the candidate's tab.
func enterRoom(t *testing.T, browser context.Context, link string) context.Context {
	t.Helper()
	cand := isolatedContext(t, browser)
	if _, err := chromedp.Call(cand, page.AddScriptToEvaluateOnNewDocument,
		page.AddScriptToEvaluateOnNewDocumentParams{Source: recordChannels}); err != nil {
		t.Fatalf("install the channel recorder: %v", err)
	}
	step(t, cand, "the candidate consents and starts",
		chromedp.Navigate(link),
		chromedp.WaitVisible(css("consent-form")),
		chromedp.Click(css("consent-checkbox")),
		chromedp.Click(css("consent-submit")),
		chromedp.WaitVisible(css("room-join")),
		chromedp.Click(css("room-join")),
	)
	state := poll[string](t, cand, "the call is live",
		`(s => (s.dataset.state === "live" || s.dataset.state === "error") && s.dataset.state + ": " + s.textContent)(document.querySelector('[data-testid="room-state"]'))`,
		40*time.Second)
	if !strings.HasPrefix(state, "live: ") {
		t.Fatalf("room state %q", state)
	}
	first := poll[string](t, cand, "the interviewer's first line in the room",
		`(l => l && l.dataset.final === "true" && l.textContent)(document.querySelector('[data-testid="room-line"].interviewer'))`,
		40*time.Second)
	if !strings.Contains(first, "Hello Ada Lovelace") || !strings.Contains(first, reconnectQuestions[0]) {
		t.Fatalf("first room line %q", first)
	}
	return cand
}

// roomStates is what the room has shown since recordStates ran.
func roomStates(t *testing.T, cand context.Context) []roomShown {
	t.Helper()
	raw := read(t, cand, "the room's states", chromedp.Evaluate[string](`JSON.stringify(window.__states || [])`))
	var s []roomShown
	if err := json.Unmarshal([]byte(raw), &s); err != nil {
		t.Fatalf("states %s: %v", raw, err)
	}
	return s
}

// roomLine is one transcript line as the room shows it.
type roomLine struct {
	Item    string `json:"item"`
	Seq     string `json:"seq"`
	Speaker string `json:"speaker"`
	Text    string `json:"text"`
}

func roomLines(t *testing.T, cand context.Context) []roomLine {
	t.Helper()
	raw := read(t, cand, "the room's lines", chromedp.Evaluate[string](`JSON.stringify(
		[...document.querySelectorAll('[data-testid="room-line"]')].map(l => ({item: l.dataset.itemId, seq: l.dataset.seq || "",
			speaker: l.querySelector(".speaker").textContent, text: l.querySelector('[data-testid="room-line-text"]').textContent})))`))
	var lines []roomLine
	if err := json.Unmarshal([]byte(raw), &lines); err != nil {
		t.Fatalf("lines %s: %v", raw, err)
	}
	return lines
}

// sameLines reports whether the room shows each stored entry once, with
// its seq and text, and nothing else; else it says the difference.
func sameLines(room []roomLine, stored []interview.TranscriptEntry) (bool, string) {
	byItem := map[string]roomLine{}
	for _, l := range room {
		if _, dup := byItem[l.Item]; dup {
			return false, "item " + l.Item + " shown twice"
		}
		byItem[l.Item] = l
	}
	for _, e := range stored {
		l, ok := byItem[e.ItemID]
		if !ok || l.Seq != fmt.Sprint(e.Seq) || l.Text != e.Text {
			return false, fmt.Sprintf("stored %d %s %q; the room shows %+v", e.Seq, e.ItemID, e.Text, l)
		}
	}
	if len(room) != len(stored) {
		return false, fmt.Sprintf("%d lines in the room, %d stored", len(room), len(stored))
	}
	return true, ""
}

// TestBrowserRoomReconnect drops the room's signalling from the server's
// side while the interview runs, in Chromium against the local engine.
// Within the grace window the room says it is reconnecting, is live again
// on a new call of the same interview, and the interviewer welcomes the
// candidate back at the question reached; the transcript has no gap or
// repeat, in the store and in the room. When no reconnection is possible
// the room says the connection is lost, the interview is abandoned once
// the server's window passes, and the join link says it has ended.
func TestBrowserRoomReconnect(t *testing.T) {
	browser := testenv.Browser(t, testenv.FakeMicrophone(writeSilenceWAV(t, 2*time.Minute)))
	t.Run("within the grace window", func(t *testing.T) { reconnectWithinGrace(t, browser) })
	t.Run("after the grace window", func(t *testing.T) { reconnectAfterGrace(t, browser) })
}

func reconnectWithinGrace(t *testing.T, browser context.Context) {
	r := newReconnectRoom(t, calls.Config{}) // the server's 30 s window, the room's 25 s
	tenant, id, link := r.interview()
	cand := enterRoom(t, browser, link)

	// The candidate answers question 1; the interviewer asks question 2.
	typeAnswer(t, cand, answerFirst)
	eventually(t, "the answer and question 2 stored", 30*time.Second, func() (bool, string) {
		e := r.transcript(t, tenant, id)
		return len(e) >= 3 && e[1].Speaker == interview.SpeakerCandidate && strings.Contains(e[2].Text, reconnectQuestions[1]),
			fmt.Sprintf("%+v", e)
	})
	before := r.transcript(t, tenant, id)
	eventually(t, "the room to show the transcript so far", 30*time.Second, func() (bool, string) {
		return sameLines(roomLines(t, cand), before)
	})
	v := r.session(t, tenant, id)
	if v.Status != interview.StatusInProgress || v.CallID == "" {
		t.Fatalf("before the drop: %s, call %q", v.Status, v.CallID)
	}
	firstCall := v.CallID

	if !read(t, cand, "record the room's states", chromedp.Evaluate[bool](recordStates)) {
		t.Fatal("the state recorder did not start")
	}
	// Signalling and media both drop (a network change): the room cannot
	// resume the call and offers a new one (TestBrowserRoomResume has the
	// signalling alone dropping).
	if n := r.conns.cutRTC(); n != 1 {
		t.Fatalf("cut %d signalling connections, want the room's one", n)
	}
	if n := read(t, cand, "close the room's peer", chromedp.Evaluate[int](closePeers)); n != 1 {
		t.Fatalf("closed %d peer connections, want the room's one", n)
	}

	// The room says it is reconnecting, then is live again.
	poll[bool](t, cand, "the room to say it is reconnecting",
		`window.__states.some(s => s.state === "reconnecting")`, 20*time.Second)
	poll[bool](t, cand, "the room to be live again",
		`(h => (i => i >= 0 && i < h.findLastIndex(s => s.state === "live"))(h.findIndex(s => s.state === "reconnecting")) &&
			document.querySelector('[data-testid="room-state"]').dataset.state === "live")(window.__states)`, 40*time.Second)
	var saw []string
	for _, s := range roomStates(t, cand) {
		saw = append(saw, s.State)
		switch s.State {
		case "reconnecting":
			if s.Text != roomReconnectingText {
				t.Errorf("reconnecting, the room says %q", s.Text)
			}
		case "live":
			if !strings.Contains(s.Text, "you can speak now") {
				t.Errorf("live again, the room says %q", s.Text)
			}
		default:
			t.Errorf("the room showed %s (%s: %q) while reconnecting", s.State, s.Code, s.Text)
		}
	}
	t.Logf("the room showed: %s", strings.Join(saw, " → "))
	if got := read(t, cand, "the End button", chromedp.Evaluate[bool](`document.querySelector('[data-testid="room-end"]').disabled`)); got {
		t.Error("End is disabled after the reconnection")
	}

	// The new call continues the interview at question 2.
	welcome := poll[string](t, cand, "the welcome back in the room",
		`(l => l && l.dataset.final === "true" && l.querySelector('[data-testid="room-line-text"]').textContent)(
			[...document.querySelectorAll('[data-testid="room-line"].interviewer')].find(l => l.textContent.includes("Welcome back")))`,
		40*time.Second)
	if !strings.HasPrefix(welcome, "Welcome back, Ada Lovelace.") || !strings.Contains(welcome, "Question 2: "+reconnectQuestions[1]) {
		t.Errorf("the resumed call opened with %q", welcome)
	}
	var after []interview.TranscriptEntry
	eventually(t, "the welcome back stored", 30*time.Second, func() (bool, string) {
		after = r.transcript(t, tenant, id)
		return len(after) > len(before) && after[len(before)].Text == welcome, fmt.Sprintf("%+v", after)
	})
	rtcCheckGapFree(t, after)
	for i, e := range before {
		if after[i].ItemID != e.ItemID || after[i].Seq != e.Seq || after[i].Text != e.Text {
			t.Errorf("entry %d changed across the reconnection: %+v, was %+v", i, after[i], e)
		}
	}
	greetings := 0
	for _, e := range after {
		if strings.HasPrefix(e.Text, "Hello Ada Lovelace") {
			greetings++
		}
	}
	if greetings != 1 {
		t.Errorf("the interview was greeted %d times: it started over", greetings)
	}
	v = r.session(t, tenant, id)
	if v.Status != interview.StatusInProgress || v.CallID == "" || v.CallID == firstCall {
		t.Errorf("after the reconnection: %s, call %q (first call %q)", v.Status, v.CallID, firstCall)
	}
	eventually(t, "the first call hung up", 20*time.Second, func() (bool, string) {
		n := r.engine.ActiveCalls()
		return n == 1, fmt.Sprintf("%d calls", n)
	})
	eventually(t, "the room to show the stored transcript", 30*time.Second, func() (bool, string) {
		return sameLines(roomLines(t, cand), r.transcript(t, tenant, id))
	})

	step(t, cand, "end the interview",
		chromedp.Click(css("room-end")),
		chromedp.WaitVisible(css("room-end-confirm")),
		chromedp.Click(css("room-end-yes")),
	)
	poll[bool](t, cand, "the room says it ended",
		`document.querySelector('[data-testid="room-state"]').dataset.state === "ended"`, 30*time.Second)
	v = r.session(t, tenant, id)
	if v.Status != interview.StatusCompleted || v.EndReason != "candidate ended" {
		t.Errorf("after End: %s %q", v.Status, v.EndReason)
	}
	rtcCheckGapFree(t, r.transcript(t, tenant, id))
	eventually(t, "the call hung up", 20*time.Second, func() (bool, string) {
		n := r.engine.ActiveCalls()
		return n == 0, fmt.Sprintf("%d calls", n)
	})
}

func reconnectAfterGrace(t *testing.T, browser context.Context) {
	// A 3 s window on the server gives the room 1 s of retries.
	r := newReconnectRoom(t, calls.Config{Grace: 3 * time.Second})
	tenant, id, link := r.interview()
	cand := enterRoom(t, browser, link)
	eventually(t, "the interview in progress", 30*time.Second, func() (bool, string) {
		v := r.session(t, tenant, id)
		return v.Status == interview.StatusInProgress, string(v.Status)
	})
	if !read(t, cand, "record the room's states", chromedp.Evaluate[bool](recordStates)) {
		t.Fatal("the state recorder did not start")
	}

	// The server drops the room's signalling and refuses every new one
	// (the room waits 0.5 s before its first retry).
	if n := r.conns.cutRTC(); n != 1 {
		t.Fatalf("cut %d signalling connections, want the room's one", n)
	}
	r.conns.refuseRTC(true)
	code := poll[string](t, cand, "the room gives up",
		`(s => s.dataset.state === "error" && s.dataset.code)(document.querySelector('[data-testid="room-state"]'))`, 40*time.Second)
	if code != "CONNECTION_LOST" {
		t.Errorf("the room's error is %s, want CONNECTION_LOST", code)
	}
	if got := read(t, cand, "the room's message", chromedp.Text(css("room-state"))); got != roomConnectionLostMsg {
		t.Errorf("the room says %q", got)
	}
	states := roomStates(t, cand)
	if len(states) < 3 || states[1].State != "reconnecting" {
		t.Errorf("the room showed %+v, want live → reconnecting → error", states)
	}
	if n := r.conns.refused.Load(); n == 0 {
		t.Error("the room did not try to reconnect")
	}
	if got := read(t, cand, "the retry button", chromedp.Text(css("room-join"))); got != "Try again" {
		t.Errorf("the room's button says %q, want Try again", got)
	}

	v := r.session(t, tenant, id)
	eventually(t, "the interview abandoned", 30*time.Second, func() (bool, string) {
		v = r.session(t, tenant, id)
		return v.Status == interview.StatusAbandoned, string(v.Status)
	})
	if v.EndReason != "connection lost" {
		t.Errorf("abandoned with reason %q", v.EndReason)
	}
	rtcCheckGapFree(t, r.transcript(t, tenant, id))
	eventually(t, "the call hung up", 20*time.Second, func() (bool, string) {
		n := r.engine.ActiveCalls()
		return n == 0, fmt.Sprintf("%d calls", n)
	})

	// Trying again reloads the room, which sends the candidate's browser
	// to the page that thanks them and says what happens next; opening
	// the link again shows that the interview has ended.
	r.conns.refuseRTC(false)
	step(t, cand, "Try again", chromedp.Click(css("room-join")), chromedp.WaitVisible(css("room-ended-heading")))
	if n := len(read(t, cand, "room controls", chromedp.Nodes(chromedp.CSSAll(testID("room-join")+","+testID("consent-form")), chromedp.AtLeast(0)))); n != 0 {
		t.Error("Try again: the page still offers the room or the consent form")
	}
	step(t, cand, "the join link", chromedp.Navigate(link), chromedp.WaitVisible(css("join-refused")))
	reason := read(t, cand, "the reason", chromedp.AttributeValue(css("join-refused"), "data-reason"))
	title := read(t, cand, "the title", chromedp.Text(css("refused-title")))
	if reason.Value != "ended" || title != "This interview has already taken place" {
		t.Errorf("the join link: page %q (reason %q)", title, reason.Value)
	}
	if n := len(read(t, cand, "room controls", chromedp.Nodes(chromedp.CSSAll(testID("room-join")+","+testID("consent-form")), chromedp.AtLeast(0)))); n != 0 {
		t.Error("the join link: the page still offers the room or the consent form")
	}
}
