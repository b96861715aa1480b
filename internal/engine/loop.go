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
	connect, expire, wait, pace, idle *time.Timer
}

func newTimers(connect, expire time.Duration) *timers {
	stopped := func() *time.Timer {
		t := time.NewTimer(time.Hour)
		t.Stop()
		return t
	}
	return &timers{connect: time.NewTimer(connect), expire: time.NewTimer(expire),
		wait: stopped(), pace: stopped(), idle: stopped()}
}

func (t *timers) stop() {
	for _, x := range []*time.Timer{t.connect, t.expire, t.wait, t.pace, t.idle} {
		x.Stop()
	}
}

// run is the call's one goroutine of control: it owns the conversation,
// and returns (then finishes the call) when the call's context ends. The
// engine never ends a call by itself, except at Limits.MaxDuration.
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
		case <-t.wait.C:
			c.iv.waited = true
			c.checkPeer()
		case <-t.idle.C:
			c.idleTimeout()
		case <-t.connect.C:
			c.stop(endNoConnect)
		case <-t.expire.C:
			c.expire()
		}
	}
}

// checkPeer reacts to the peer's state and to new listeners: it ends a
// lost call, and starts a response that was requested before the call was
// ready.
func (c *call) checkPeer() {
	c.mu.Lock()
	connected, lost := c.connected, c.lost
	c.mu.Unlock()
	if lost {
		c.stop(endPeerGone)
		return
	}
	if !connected {
		return
	}
	if !c.iv.connected {
		c.iv.connected, c.audioZero = true, time.Now()
		c.t.connect.Stop()
		c.t.wait.Reset(c.e.cfg.Turn.SidebandWait)
	}
	if c.iv.requested && c.iv.line == nil && c.ready() {
		c.iv.requested = false
		c.startResponse()
	}
}

// ready reports whether a response may start: the peer is connected and
// everyone who will hear it is there, the data channel if the offer has
// one and a sideband (a server writes the transcript from it); after
// SidebandWait, anyone listening is enough.
func (c *call) ready() bool {
	if !c.iv.connected {
		return false
	}
	c.mu.Lock()
	dcOpen, sidebands := c.dc != nil, len(c.sidebands) > 0
	c.mu.Unlock()
	everyone := (dcOpen || !c.offer.dataChannel) && sidebands
	return everyone || (dcOpen || sidebands) && c.iv.waited
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

// userTurnDone asks for a response after a user turn, as server VAD does
// with create_response; during a response it starts once that one ends.
// While the candidate speaks again, or another turn awaits its transcript,
// the response waits for that turn: OpenAI would have started one at the
// commit and had it interrupted by the new speech, so the candidate never
// hears the interviewer talk over an answer.
func (c *call) userTurnDone() {
	if !c.sess.Turn.createResponse() || c.iv.speechItem != "" || c.iv.pending > 0 {
		return
	}
	if c.iv.line != nil {
		c.iv.queued = true
		return
	}
	c.startResponse()
}

// awaitSpeech starts turn_detection.idle_timeout_ms once a response has
// ended and nobody speaks, as OpenAI does; without it the engine waits.
func (c *call) awaitSpeech() {
	ms := c.sess.Turn.IdleTimeoutMS
	if !c.listens() || ms == nil || *ms <= 0 || c.iv.speechItem != "" || c.iv.line != nil {
		return
	}
	c.iv.idleFrom = time.Now()
	c.t.idle.Reset(time.Duration(*ms) * time.Millisecond)
}

// listens reports whether the call's turns end by voice detection.
func (c *call) listens() bool {
	_, none := c.e.cfg.VoiceDetector.(NoVoiceDetector)
	return !none && c.sess.Turn.Type != ""
}

// idleTimeout commits the silence since the last response as an empty
// user audio item and responds to it, as OpenAI's idle timeout does.
func (c *call) idleTimeout() {
	if c.iv.line != nil || c.iv.speechItem != "" || c.iv.pending > 0 {
		return
	}
	id := newID("item_")
	c.emit(timeoutEvent{header: hdr("input_audio_buffer.timeout_triggered"),
		AudioStartMS: c.audioMS(c.iv.idleFrom), AudioEndMS: c.audioMS(time.Now()), ItemID: id})
	c.commit(id)
	c.emit(transcriptionCompletedEvent{header: hdr("conversation.item.input_audio_transcription.completed"),
		ItemID: id, Usage: transcriptionUsage(0, "")})
	c.userTurnDone()
}

// audioMS is t as an offset into the call's audio.
func (c *call) audioMS(t time.Time) int64 {
	return max(t.Sub(c.audioZero).Milliseconds(), 0)
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
