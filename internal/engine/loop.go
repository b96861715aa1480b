package engine

import (
	"fmt"
	"time"
)

// input is anything the run goroutine reacts to besides timers and the
// peer's state: clientInput, synthesized, recognized, voiceInput.
type input any

type clientInput struct {
	from sink
	ev   clientEvent
}

// timers are the run goroutine's clocks; a stopped timer never fires.
type timers struct {
	connect, expire, greet, pace, limit, hangup, idle *time.Timer
}

func newTimers(connect, expire time.Duration) *timers {
	stopped := func() *time.Timer {
		t := time.NewTimer(time.Hour)
		t.Stop()
		return t
	}
	return &timers{connect: time.NewTimer(connect), expire: time.NewTimer(expire),
		greet: stopped(), pace: stopped(), limit: stopped(), hangup: stopped(), idle: stopped()}
}

func (t *timers) stop() {
	for _, x := range []*time.Timer{t.connect, t.expire, t.greet, t.pace, t.limit, t.hangup, t.idle} {
		x.Stop()
	}
}

// run is the call's one goroutine of control: it owns the interview, and
// returns (then finishes the call) when the call's context ends.
func (c *call) run() {
	defer c.finish()
	c.t = newTimers(c.e.cfg.Limits.ConnectTimeout, time.Until(c.expires))
	defer c.t.stop()
	t := c.t
	for {
		select {
		case <-c.ctx.Done():
			return
		case <-c.wake:
			c.checkPeer()
		case in := <-c.inbox:
			c.handle(in)
		case <-t.pace.C:
			c.tick()
		case <-t.greet.C:
			c.iv.greetDue = true
			c.checkPeer()
		case <-t.limit.C:
			c.timeUp()
		case <-t.idle.C:
			c.noAnswer()
		case <-t.hangup.C:
			c.stop(endFinished)
		case <-t.connect.C:
			c.stop(endNoConnect)
		case <-t.expire.C:
			c.expire()
		}
	}
}

// checkPeer reacts to the peer's state and to new listeners. It ends a
// lost call. Once connected, it greets as soon as everyone who will hear
// the call is there: the data channel if the offer has one, and a sideband
// (a server writes the transcript from it); after SidebandWait, or on
// response.create, anyone listening is enough.
func (c *call) checkPeer() {
	c.mu.Lock()
	connected, lost := c.connected, c.lost
	dcOpen, sidebands := c.dc != nil, len(c.sidebands) > 0
	c.mu.Unlock()
	if lost {
		c.stop(endPeerGone)
		return
	}
	if !connected || c.iv.phase != phaseWaiting {
		return
	}
	if !c.iv.connected {
		c.iv.connected = true
		c.t.connect.Stop()
		c.t.greet.Reset(c.e.cfg.Turn.SidebandWait)
	}
	everyone := (dcOpen || !c.offer.dataChannel) && sidebands
	anyone := dcOpen || sidebands
	if everyone || anyone && (c.iv.wantGreet || c.iv.greetDue) {
		c.greet()
	}
}

func (c *call) greet() {
	if c.iv.phase != phaseWaiting {
		return
	}
	c.t.greet.Stop()
	if d := c.iv.script.TimeLimit; d > 0 {
		c.t.limit.Reset(d)
	}
	text, kind := c.iv.greeting()
	if kind == lineQuestion {
		c.iv.asked = c.iv.first()
	}
	c.startLine(text, kind)
}

func (c *call) handle(in input) {
	switch in := in.(type) {
	case clientInput:
		c.handleClient(in)
	case synthesized:
		c.voice(in)
	case recognized:
		c.transcribed(in)
	case voiceInput:
		c.voiceActivity(in)
	case played:
		c.played(in)
	}
}

// afterLine decides what follows a finished line.
func (c *call) afterLine(kind lineKind) {
	if kind == lineClosing {
		c.iv.phase = phaseDone
		c.t.hangup.Reset(c.e.cfg.Turn.HangupDelay)
		return
	}
	c.iv.phase = phaseAwaiting
	switch {
	case c.iv.timeUp:
		c.startLine(c.iv.closing(), lineClosing)
	case c.iv.retry != "":
		text := c.iv.retry
		c.iv.retry, c.iv.advance = "", false
		c.startLine(text, lineQuestion)
	case c.iv.advance:
		c.iv.advance = false
		c.nextLine()
	default:
		c.awaitAnswer()
	}
}

// answered moves the interview on after an answer's transcript is final.
// An empty answer (no words) gets one follow-up per question.
func (c *call) answered(empty bool) {
	if !c.iv.isAnswerable() {
		return
	}
	c.t.idle.Stop()
	if empty && c.iv.followed != c.iv.asked {
		c.iv.followed = c.iv.asked
		c.followUp(c.iv.notCaught())
		return
	}
	if c.iv.phase == phaseSpeaking {
		c.iv.advance = true
		return
	}
	c.nextLine()
}

func (c *call) followUp(text string) {
	if c.iv.phase == phaseSpeaking {
		c.iv.retry = text
		return
	}
	c.startLine(text, lineQuestion)
}

// awaitAnswer starts the wait for an answer when the engine listens: after
// turn_detection.idle_timeout_ms (or Turn.AnswerWait) without speech the
// interviewer follows up once, then moves on.
func (c *call) awaitAnswer() {
	if !c.listens() || c.iv.speechItem != "" || c.iv.pending > 0 || !c.iv.isAnswerable() {
		return
	}
	wait := c.e.cfg.Turn.AnswerWait
	if ms := c.sess.Turn.IdleTimeoutMS; ms != nil && *ms > 0 {
		wait = time.Duration(*ms) * time.Millisecond
	}
	c.t.idle.Reset(wait)
}

// listens reports whether the call's answers end by voice detection.
func (c *call) listens() bool {
	_, none := c.e.cfg.VoiceDetector.(NoVoiceDetector)
	return !none && c.sess.Turn.Type != ""
}

// noAnswer follows up once on a question nobody answered, then moves on.
func (c *call) noAnswer() {
	if c.iv.phase != phaseAwaiting || c.iv.speechItem != "" || c.iv.pending > 0 || !c.iv.isAnswerable() {
		return
	}
	if c.iv.followed != c.iv.asked {
		c.iv.followed = c.iv.asked
		c.startLine(c.iv.nudge(), lineQuestion)
		return
	}
	c.nextLine()
}

func (c *call) nextLine() {
	text, kind := c.iv.next()
	if kind == lineQuestion {
		c.iv.asked++
	}
	c.startLine(text, kind)
}

// timeUp ends the interview politely at the script's time limit.
func (c *call) timeUp() {
	c.iv.timeUp = true
	if c.iv.phase == phaseAwaiting {
		c.startLine(c.iv.closing(), lineClosing)
	}
}

// expire ends the call at the session's maximum duration, as OpenAI does.
func (c *call) expire() {
	msg := fmt.Sprintf(endExpiredFmt, formatMinutes(c.e.cfg.Limits.MaxDuration))
	c.emit(newErrorEvent(invalidRequest(0, "session_expired", "", msg)))
	c.stop(ending{code: 1001, reason: clip(msg, 120)})
}

func formatMinutes(d time.Duration) string {
	if m := int(d / time.Minute); m > 0 {
		return fmt.Sprintf("%d minutes", m)
	}
	return d.String()
}
