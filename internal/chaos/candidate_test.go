package chaos

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/interviewd/interviewd/internal/auth"
	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/testenv/peer"
)

// The room's timings and limits (static/js/rtc.js), which the candidate
// follows.
const (
	graceWindow   = 25 * time.Second // reconnecting gives up after
	resumeWait    = 8 * time.Second  // a resume without an answer falls back to an offer
	firstBackoff  = 500 * time.Millisecond
	maxBackoff    = 4 * time.Second
	witnessEvents = 50
	witnessBytes  = 32*1024 - 64
	// replayRecent is how many witness events the candidate sends again
	// after each resumed or session (WITNESS_RECENT).
	replayRecent = 40
)

// takeover is one signalling drop the candidate came back from.
type takeover struct {
	latency  time.Duration // the kill (or the drop) → resumed, or → session on fallback
	fellBack bool          // a new call was needed
}

// candidate is a Go client that does what the room (static/js/rtc.js)
// does, with a pion peer in text mode: it answers each question after a
// think time, forwards its data channel's final events as witness, and
// after a dropped /rtc reconnects to a live instance and resumes.
type candidate struct {
	tb    *candidateTB
	cl    *cluster
	v     interview.Session
	rng   *rand.Rand
	think func() time.Duration

	// What the checks read once run has returned.
	calls     map[string]bool // call IDs of session messages
	items     map[string]bool // item IDs the data channels carried
	takeovers []takeover
	finished  bool        // closed 1000 or 4009: the interview ended
	failure   string      // why it did not finish, if it did not
	hasCall   atomic.Bool // a session message came (read by other goroutines)
	trace     []string    // what happened, for the report of a failure

	ws       *socket
	inst     *process
	p        *peer.Peer
	events   <-chan peer.Event
	pcGone   <-chan struct{}
	callID   string
	resuming bool
	dropAt   time.Time // when reconnecting began (the grace window); zero when connected
	// takeoverFrom is the takeover's start: the kill (or the drop) of the
	// instance the live call was on; zero when none is under way.
	takeoverFrom time.Time
	backoff      time.Duration
	ended        bool // end_interview seen on this peer's call
	answered     int
	pending      []json.RawMessage // final events not sent yet
	recent       []json.RawMessage // the last replayRecent final events
	answerC      <-chan time.Time
	resumeC      <-chan time.Time
	retryC       <-chan time.Time
	lostC        <-chan time.Time // the peer's call ended: reconnect unless the interview ends
}

// socket is one /rtc connection and what its reader goroutine delivers.
type socket struct {
	ws     *websocket.Conn
	msgs   chan rtcMessage
	closed chan websocket.StatusCode
}

// rtcMessage is a /rtc server message, as docs/signaling.md lists them.
type rtcMessage struct {
	Type    string `json:"type"`
	SDP     string `json:"sdp"`
	CallID  string `json:"callId"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// candidateTB turns a peer's t.Fatal into the candidate's failure: it ends
// only the candidate's goroutine, never the whole test from the wrong one.
type candidateTB struct {
	testing.TB
	mu     sync.Mutex
	failed string
}

func (c *candidateTB) Fatal(args ...any) { c.stop(fmt.Sprint(args...)) }
func (c *candidateTB) Fatalf(format string, args ...any) {
	c.stop(fmt.Sprintf(format, args...))
}
func (c *candidateTB) FailNow() { c.stop("FailNow") }
func (c *candidateTB) stop(msg string) {
	c.mu.Lock()
	if c.failed == "" {
		c.failed = msg
	}
	c.mu.Unlock()
	runtime.Goexit()
}

func newCandidate(t testing.TB, cl *cluster, v interview.Session, seed uint64, think func(*rand.Rand) time.Duration) *candidate {
	rng := rand.New(rand.NewPCG(seed, 7))
	return &candidate{tb: &candidateTB{TB: t}, cl: cl, v: v, rng: rng, think: func() time.Duration { return think(rng) },
		calls: map[string]bool{}, items: map[string]bool{}, backoff: firstBackoff}
}

// run takes the interview from the first connection to its end, or to a
// failure, within limit.
func (c *candidate) run(limit time.Duration) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		c.loop(time.After(limit))
	}()
	<-done
	if c.tb.failed != "" && c.failure == "" {
		c.failure = c.tb.failed
	}
	if c.p != nil {
		c.p.Close()
	}
	if c.ws != nil {
		_ = c.ws.ws.CloseNow()
	}
}

func (c *candidate) loop(deadline <-chan time.Time) {
	c.connect()
	for !c.finished && c.failure == "" {
		var msgs <-chan rtcMessage
		var closed <-chan websocket.StatusCode
		if c.ws != nil {
			msgs, closed = c.ws.msgs, c.ws.closed
		}
		select {
		case m := <-msgs:
			c.onMessage(m)
		case code := <-closed:
			c.onClose(code)
		case ev := <-c.events:
			c.onEvent(ev)
		case <-c.pcGone:
			c.note("data channel closed")
			// The call ended at the engine: the end of the interview
			// (1000 follows), or a lost call, which the room notices as
			// its peer connection fails and reconnects.
			c.pcGone, c.events = nil, nil
			c.lostC = time.After(5 * time.Second)
		case <-c.lostC:
			c.lostC = nil
			c.closePeer()
			c.drop(false)
		case <-c.answerC:
			c.answerC = nil
			c.answer()
		case <-c.resumeC:
			c.resumeC = nil
			if c.resuming {
				c.resumeFailed()
			}
		case <-c.retryC:
			c.retryC = nil
			c.connect()
		case <-deadline:
			c.failure = "not finished in time"
		}
	}
}

// connect opens /rtc on a live instance with a new token, sends the
// waiting witness, then resumes the call the peer holds or offers.
func (c *candidate) connect() {
	inst := c.cl.pick(c.rng)
	if inst == nil {
		c.dropped()
		return
	}
	ws, err := c.dial(inst)
	if err != nil {
		c.dropped()
		return
	}
	c.ws, c.inst = ws, inst
	c.note("connected to %s (resume: %v)", inst.name, c.canResume())
	c.flushPending()
	if c.canResume() {
		c.resuming = true
		c.send(map[string]string{"type": "resume", "callId": c.callID})
		c.resumeC = time.After(resumeWait)
		return
	}
	c.offer()
}

func (c *candidate) dial(inst *process) (*socket, error) {
	signer, err := auth.NewRTCSigner(jwtSecret, nil)
	if err != nil {
		return nil, err
	}
	tok, _, err := signer.Issue(c.v.ID, c.v.TenantID, "candidate", 10*time.Minute)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(inst.url, "http")+"/rtc?token="+tok+"&session="+c.v.ID, nil)
	if err != nil {
		return nil, err
	}
	ws.SetReadLimit(1 << 20)
	s := &socket{ws: ws, msgs: make(chan rtcMessage, 256), closed: make(chan websocket.StatusCode, 1)}
	go s.read()
	return s, nil
}

func (s *socket) read() {
	for {
		_, b, err := s.ws.Read(context.Background())
		if err != nil {
			s.closed <- websocket.CloseStatus(err)
			return
		}
		var m rtcMessage
		if json.Unmarshal(b, &m) == nil {
			s.msgs <- m
		}
	}
}

// canResume is the room's rule: a call ID and a peer still connected.
func (c *candidate) canResume() bool {
	if c.callID == "" || c.p == nil || c.pcGone == nil {
		return false
	}
	select {
	case <-c.pcGone:
		return false
	default:
		return true
	}
}

// offer closes the peer the call had, if any, and offers a new one.
func (c *candidate) offer() {
	c.closePeer()
	p := peer.New(c.tb, peer.Options{})
	c.p, c.events, c.pcGone, c.ended = p, p.Events(), p.DataChannelClosed(), false
	c.send(map[string]string{"type": "sdp_offer", "sdp": p.Offer()})
}

func (c *candidate) closePeer() {
	if c.p != nil {
		c.p.Close()
	}
	c.p, c.events, c.pcGone, c.callID, c.answerC = nil, nil, nil, "", nil
}

func (c *candidate) resumeFailed() {
	c.resuming, c.resumeC = false, nil
	c.offer()
}

// note adds a line to the candidate's trace.
func (c *candidate) note(format string, args ...any) {
	c.trace = append(c.trace, time.Now().Format("15:04:05.000")+" "+fmt.Sprintf(format, args...))
}

func (c *candidate) onMessage(m rtcMessage) {
	if m.Type != "transcript" && m.Type != "pong" && m.Type != "progress" {
		c.note("← %s %s %s %s", m.Type, m.CallID, m.Code, m.Message)
	}
	switch m.Type {
	case "sdp_answer":
		if c.p != nil {
			c.p.Answer(m.SDP)
		}
	case "session":
		c.callID = m.CallID
		c.calls[m.CallID] = true
		c.hasCall.Store(true)
		c.connected(true)
	case "resumed":
		if c.resuming {
			c.resuming, c.resumeC = false, nil
			c.connected(false)
		}
	case "error":
		c.onError(m)
	}
}

// connected ends a takeover: its latency counts from the kill of the
// instance the candidate was on (or from the drop), and the recent final
// events are sent again for the new reader.
func (c *candidate) connected(newCall bool) {
	c.backoff, c.dropAt = firstBackoff, time.Time{}
	if !c.takeoverFrom.IsZero() {
		c.takeovers = append(c.takeovers, takeover{latency: time.Since(c.takeoverFrom), fellBack: newCall})
		c.takeoverFrom = time.Time{}
	}
	c.replayWitness()
}

func (c *candidate) onError(m rtcMessage) {
	switch {
	case m.Code == "RATE_LIMITED" || m.Code == "BAD_MESSAGE":
		c.tb.Logf("%s: %s %s", c.v.ID, m.Code, m.Message)
	case c.resuming && m.Code != "INTERVIEW_CLOSED":
		c.resumeFailed()
	case m.Code == "UPSTREAM_UNAVAILABLE" || m.Code == "UPSTREAM_REJECTED":
		c.closePeer() // the server's call is gone: the next one is new
		c.drop(false)
	}
}

func (c *candidate) onClose(code websocket.StatusCode) {
	c.note("/rtc closed %d", code)
	c.ws = nil
	switch code {
	case websocket.StatusNormalClosure, 4009:
		c.finished = true
	case 4004, 4010, 4011, websocket.StatusPolicyViolation, websocket.StatusMessageTooBig:
		c.failure = fmt.Sprintf("/rtc closed with %d", code)
	default: // 1001 drain, 1006 a killed instance, 1011
		c.drop(true)
	}
}

// drop starts a reconnection. A socket that closed under a live call
// (closed) starts a takeover, timed from the moment its instance was
// stopped when that is what closed it.
func (c *candidate) drop(closed bool) {
	if c.ws != nil {
		_ = c.ws.ws.CloseNow()
		c.ws = nil
	}
	c.resuming, c.resumeC = false, nil
	if closed && c.takeoverFrom.IsZero() && c.callID != "" {
		c.takeoverFrom = time.Now()
		if k := c.inst.lastKill(); time.Since(k) < 5*time.Second {
			c.takeoverFrom = k
		}
	}
	c.dropped()
}

// dropped schedules the next connection, with the room's backoff, until
// the grace window has passed.
func (c *candidate) dropped() {
	if c.dropAt.IsZero() {
		c.dropAt = time.Now()
	}
	if time.Since(c.dropAt) > graceWindow {
		c.failure = "could not reconnect within the grace window"
		return
	}
	c.retryC = time.After(c.backoff)
	c.backoff = min(c.backoff*2, maxBackoff)
}

// onEvent handles one event of the peer's data channel: the witness, and
// the next answer once the interviewer's response is done.
func (c *candidate) onEvent(ev peer.Event) {
	if ev.ItemID != "" {
		c.items[ev.ItemID] = true
	}
	if ev.Item != nil && ev.Item.ID != "" {
		c.items[ev.Item.ID] = true
	}
	c.witness(ev)
	if ev.Type != "response.done" || ev.Response == nil {
		return
	}
	c.note("response.done %s (%d items)", ev.Response.Status, len(ev.Response.Output))
	if ev.Response.Status != "completed" {
		return
	}
	spoke := false
	for _, it := range ev.Response.Output {
		switch {
		case it.Type == "function_call" && it.Name == "end_interview":
			c.ended = true
		case it.Type == "message":
			spoke = true
		}
	}
	if spoke && !c.ended {
		c.answerC = time.After(c.think())
	}
}

// answer types the next prepared answer and asks for the response, as a
// text client must; a peer that is gone takes nothing (its call ended).
func (c *candidate) answer() {
	if c.p == nil {
		return
	}
	text := answers[c.answered%len(answers)]
	c.answered++
	c.note("answer %d", c.answered)
	for _, ev := range []any{peer.UserMessage(text), peer.ResponseCreate()} {
		b, _ := json.Marshal(ev)
		if err := c.p.SendText(string(b)); err != nil {
			return
		}
	}
}

// send writes one message; a write on a dropped socket is left to the
// reader, which reports the close.
func (c *candidate) send(v any) {
	if c.ws == nil {
		return
	}
	b, _ := json.Marshal(v)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = c.ws.ws.Write(ctx, websocket.MessageText, b)
}
