package engine

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/coder/websocket"
	"github.com/pion/webrtc/v4"
)

// call is one WebRTC call: its peer, the connections that hear its events
// (the data channel and any sidebands), and the interviewer that drives it.
// The run goroutine owns the interview state; everything shared with pion's
// callbacks and the sideband handlers sits under mu.
type call struct {
	id      string
	e       *Engine
	log     *slog.Logger
	pc      *webrtc.PeerConnection
	speaker *speaker
	audio   audioBuffer
	sessID  string
	convID  string
	expires time.Time
	offer   offerInfo

	ctx    context.Context
	cancel context.CancelCauseFunc
	inbox  chan input
	wake   chan struct{}
	done   chan struct{}
	wg     sync.WaitGroup // the call's own goroutines: media, RTCP, speech

	mu        sync.Mutex
	sess      session
	dc        *dataChannel
	sidebands map[*sideband]struct{}
	connected bool
	lost      bool
	ending    bool

	iv interview // owned by the run goroutine, as are t, usage and audioZero
	// usage is the conversation in estimated tokens, for response.done.
	usage usageTally
	t     *timers
	// audioZero is when the peer connected: the origin of the audio
	// offsets of input_audio_buffer.timeout_triggered.
	audioZero time.Time
}

// ending is why a call ended: the close code its sidebands get and a reason.
type ending struct {
	code   websocket.StatusCode
	reason string
}

func (e ending) Error() string { return e.reason }

var (
	endHangup     = ending{websocket.StatusNormalClosure, "call hung up"}
	endPeerGone   = ending{websocket.StatusNormalClosure, "peer connection closed"}
	endNoConnect  = ending{websocket.StatusNormalClosure, "peer never connected"}
	endShutdown   = ending{websocket.StatusGoingAway, "server shutting down"}
	endExpiredFmt = "Your session hit the maximum duration of %s."
)

func newCall(e *Engine, sess session, offer offerInfo) *call {
	ctx, cancel := context.WithCancelCause(context.Background())
	id := newCallID()
	return &call{
		id: id, e: e, log: e.log.With("call_id", id),
		sessID: newID("sess_"), convID: newID("conv_"),
		expires: time.Now().Add(e.cfg.Limits.MaxDuration),
		ctx:     ctx, cancel: cancel,
		inbox: make(chan input, 64), wake: make(chan struct{}, 1), done: make(chan struct{}),
		sess: sess, sidebands: map[*sideband]struct{}{}, offer: offer,
		iv: newInterview(parseInstructions(sess.Instructions)),
	}
}

// stop ends the call for reason; the run goroutine does the closing.
func (c *call) stop(reason ending) { c.cancel(reason) }

// goTracked runs fn as one of the call's goroutines, unless the call is
// already ending (then fn's resources are being closed anyway); it reports
// whether fn runs.
func (c *call) goTracked(fn func()) bool {
	if !c.track() {
		return false
	}
	go func() {
		defer c.wg.Done()
		fn()
	}()
	return true
}

func (c *call) track() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ending {
		return false
	}
	c.wg.Add(1)
	return true
}

// signal wakes the run goroutine to look at the peer's state again.
func (c *call) signal() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// post hands an input to the run goroutine; it blocks (back-pressure on the
// sender) until there is room or the call ends.
func (c *call) post(in input) {
	select {
	case c.inbox <- in:
	case <-c.ctx.Done():
	}
}

// emit sends one server event to the data channel and every sideband, in
// the same order for all of them.
func (c *call) emit(v any) {
	c.e.record(c.id, v)
	msg := encode(v)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.dc != nil {
		c.dc.send(msg)
	}
	for sb := range c.sidebands {
		if !sb.send(msg) {
			delete(c.sidebands, sb)
			c.log.Warn("sideband dropped: too slow")
		}
	}
}

// finish closes everything the call holds; it runs once, when run returns.
func (c *call) finish() {
	why, ok := context.Cause(c.ctx).(ending)
	if !ok {
		why = endHangup
	}
	c.mu.Lock()
	c.ending = true
	dc, sidebands, lost := c.dc, c.sidebands, c.lost
	c.dc, c.sidebands = nil, nil
	c.mu.Unlock()
	for sb := range sidebands {
		sb.close(why.code, why.reason)
	}
	if dc != nil && !lost {
		dc.flush(250 * time.Millisecond)
	}
	if err := c.pc.Close(); err != nil {
		c.log.Debug("close peer", "err", err)
	}
	c.cancel(why)
	c.wg.Wait()
	c.e.calls.remove(c)
	c.log.Info("call ended", "reason", why.reason)
	close(c.done)
}

// abort frees a call that never started: its peer and goroutines.
func (c *call) abort() {
	c.mu.Lock()
	c.ending = true
	c.mu.Unlock()
	if c.pc != nil {
		_ = c.pc.Close()
	}
	c.cancel(endHangup)
	c.wg.Wait()
}
