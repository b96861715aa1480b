package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/coder/websocket"

	"github.com/interviewd/interviewd/internal/calls"
	"github.com/interviewd/interviewd/internal/realtime"
)

// rtcSession is one browser's signalling connection: it relays offers and
// answers, echoes stored transcript entries, and closes with the
// protocol's codes when the interview ends for it.
type rtcSession struct {
	s      *server
	ws     *websocket.Conn
	conn   *calls.Conn
	log    *slog.Logger
	limits RTCLimits
	bucket *tokenBucket
	bad    int  // bad messages so far
	over   int  // messages dropped by the rate limit so far
	warned bool // RATE_LIMITED was sent for the current burst
}

// frame is one message as read.
type frame struct {
	data []byte
	text bool
}

func newRTCSession(s *server, ws *websocket.Conn, conn *calls.Conn, log *slog.Logger) *rtcSession {
	l := s.rtc.limits
	return &rtcSession{s: s, ws: ws, conn: conn, log: log, limits: l, bucket: newTokenBucket(l.MessagesPerSecond, time.Now())}
}

// run serves the connection until it ends, then detaches the browser from
// the interview (which starts the grace window if the interview runs).
// Messages are handled on the reading goroutine itself, so an offer
// reaches the provider without a hand-off; what the manager tells the
// connection is written from a second goroutine (writes are safe for
// concurrent use).
func (x *rtcSession) run(ctx context.Context) {
	ctx, cancel := context.WithCancel(ctx)
	echo, unsubscribe := x.s.calls.Subscribe(x.conn.TenantID(), x.conn.InterviewID())
	x.ws.SetReadLimit(2 * x.limits.MaxMessageBytes) // larger frames: the library closes with 1009
	x.replay(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { x.watch(ctx, echo) })
	x.readLoop(ctx)
	cancel()
	_ = x.ws.CloseNow()
	wg.Wait()
	unsubscribe()
	x.conn.Close()
}

// replay sends the transcript stored so far, so that a room that
// reconnects has the lines stored while it was away, then the question
// reached, when the interviewer has asked one. It runs after Subscribe: a
// line stored in between comes twice, and the room keeps one per item. A
// failed read costs the room those lines, not the call.
func (x *rtcSession) replay(ctx context.Context) {
	entries, err := x.s.store.ListTranscript(ctx, x.conn.TenantID(), x.conn.InterviewID(), 0)
	if err != nil {
		x.log.Warn("replay transcript", "interview_id", x.conn.InterviewID(), "error", err.Error())
		return
	}
	for _, e := range entries {
		if x.send(ctx, transcriptMessage(e)) != nil {
			return
		}
	}
	if p, err := x.conn.Progress(ctx); err == nil && p.Question > 0 {
		_ = x.send(ctx, progressMessage(p))
	}
}

// readLoop reads and handles client messages until the connection ends.
func (x *rtcSession) readLoop(ctx context.Context) {
	for {
		typ, b, err := x.ws.Read(ctx)
		if err != nil {
			return // the browser left, or the connection was closed
		}
		if x.handle(ctx, frame{data: b, text: typ == websocket.MessageText}) {
			return
		}
	}
}

// watch relays what the manager says: transcript entries, progress, a call that
// failed after its answer, and the end of this connection's part.
// It also pings the browser (keepalive): one goroutine for both, as an
// idle connection's cost is mostly its goroutines' stacks
// (docs/performance.md, "Idle signalling").
func (x *rtcSession) watch(ctx context.Context, echo <-chan calls.Update) {
	ping := time.NewTicker(x.limits.PingInterval)
	defer ping.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ping.C:
			if !x.keepalive(ctx) {
				return
			}
		case <-x.conn.Done():
			x.drain(ctx, echo)
			x.finish(ctx, outcomeOf(x.conn.Err()))
			return
		case err := <-x.conn.Failures():
			x.report(ctx, outcomeOf(err))
		case u, ok := <-echo:
			if !ok {
				echo = nil
				continue
			}
			_ = x.send(ctx, updateMessage(u))
		}
	}
}

// drain sends the entries stored while the interview ended, which the
// manager publishes before it closes the subscription.
func (x *rtcSession) drain(ctx context.Context, echo <-chan calls.Update) {
	if echo == nil {
		return
	}
	t := time.NewTimer(time.Second)
	defer t.Stop()
	for {
		select {
		case u, ok := <-echo:
			if !ok {
				return
			}
			_ = x.send(ctx, updateMessage(u))
		case <-t.C:
			return
		}
	}
}

// keepalive pings the browser; a ping not answered within the interval
// closes the connection, which detaches it (false).
func (x *rtcSession) keepalive(ctx context.Context) bool {
	pctx, cancel := context.WithTimeout(ctx, x.limits.PingInterval)
	err := x.ws.Ping(pctx)
	cancel()
	if err != nil {
		_ = x.ws.CloseNow()
		return false
	}
	return true
}

// handle acts on one client message and reports whether the connection is over.
func (x *rtcSession) handle(ctx context.Context, f frame) bool {
	if int64(len(f.data)) > x.limits.MaxMessageBytes {
		x.finish(ctx, outcome{rtcTooLarge, fmt.Sprintf("a message may have at most %d bytes", x.limits.MaxMessageBytes),
			websocket.StatusMessageTooBig, "message too large"})
		return true
	}
	if !x.allow() {
		return x.over > 10*int(x.bucket.burst) && x.finish(ctx, outcome{rtcRateLimited, "too many messages",
			websocket.StatusPolicyViolation, "rate limited"})
	}
	if !f.text {
		return x.badMessage(ctx, "messages must be JSON text frames")
	}
	m, err := decodeClientMessage(f.data)
	if err != nil {
		return x.badMessage(ctx, err.Error())
	}
	switch m.Type {
	case msgPing:
		_ = x.send(ctx, serverMessage{Type: msgPong})
	case msgICECandidate:
		// Accepted and not needed: the provider's answer carries all its
		// candidates and it learns the browser's from its checks.
	case msgEnd:
		if err := x.conn.End(ctx); err != nil {
			return x.finish(ctx, outcomeOf(err))
		}
		// Done is closed now; watch closes the connection.
		return false
	case msgSDPOffer:
		return x.offer(ctx, m.SDP)
	case msgResume:
		return x.resume(ctx, m.CallID)
	case msgWitness:
		return x.witness(ctx, m.events)
	}
	return false
}

// resume re-attaches the browser to the call its peer connection still
// holds, without a new offer. It answers resumed, or the error: when the
// connection stays open the browser falls back to a new offer.
func (x *rtcSession) resume(ctx context.Context, callID string) bool {
	if err := x.conn.Resume(ctx, callID); err != nil {
		o := outcomeOf(err)
		x.log.Info("resume refused; the browser offers again", "call_id", callID, "code", string(o.code))
		if o.close == 0 {
			x.report(ctx, o)
			return false
		}
		return x.finish(ctx, o)
	}
	return x.send(ctx, serverMessage{Type: msgResumed, InterviewID: x.conn.InterviewID(), CallID: callID}) != nil
}

// witness stores the browser's copy of the lines it heard (calls.Witness).
// Only an ended interview is the browser's business; another failure
// costs those lines, not the call, and is logged.
func (x *rtcSession) witness(ctx context.Context, events []realtime.Event) bool {
	if len(events) == 0 {
		return false
	}
	err := x.conn.Witness(ctx, events)
	switch {
	case err == nil:
		return false
	case errors.Is(err, calls.ErrClosed), errors.Is(err, calls.ErrNotFound):
		return x.finish(ctx, outcomeOf(err))
	}
	x.log.Warn("store the browser's transcript", "events", len(events), "error", err.Error())
	return false
}

// allow applies the message rate limit; the first message dropped in a
// burst gets one RATE_LIMITED error.
func (x *rtcSession) allow() bool {
	if x.bucket.allow(time.Now()) {
		x.warned = false
		return true
	}
	x.over++
	if !x.warned {
		x.warned = true
		_ = x.send(context.Background(), errorMessage(rtcRateLimited, "too many messages; this one was dropped"))
	}
	return false
}

func (x *rtcSession) offer(ctx context.Context, sdp string) bool {
	var sent error
	err := x.conn.Offer(ctx, sdp, func(ans calls.Answer) {
		if sent = x.send(ctx, serverMessage{Type: msgSDPAnswer, SDP: ans.SDP}); sent == nil {
			sent = x.send(ctx, serverMessage{Type: msgSession, InterviewID: x.conn.InterviewID(), CallID: ans.CallID,
				ExpiresAt: ans.ExpiresAt.UTC().Format(time.RFC3339)})
		}
	})
	if err != nil {
		o := outcomeOf(err)
		switch {
		case o.code == rtcBadMessage:
			return x.badMessage(ctx, o.message)
		case o.close == 0:
			x.report(ctx, o)
			return false
		}
		return x.finish(ctx, o)
	}
	return sent != nil // a browser that cannot take its answer is gone
}

func (x *rtcSession) badMessage(ctx context.Context, msg string) bool {
	x.bad++
	if x.bad >= x.limits.MaxBadMessages {
		return x.finish(ctx, outcome{rtcBadMessage, "too many bad messages", websocket.StatusPolicyViolation, "too many bad messages"})
	}
	_ = x.send(ctx, errorMessage(rtcBadMessage, msg))
	return false
}

// report sends an error that leaves the connection open.
func (x *rtcSession) report(ctx context.Context, o outcome) {
	if o.code != "" {
		_ = x.send(ctx, errorMessage(o.code, o.message))
	}
}

// finish sends the outcome's error, if any, and closes the connection with
// its code. It reports true, for the callers that return it.
func (x *rtcSession) finish(ctx context.Context, o outcome) bool {
	x.report(ctx, o)
	if o.close == 0 {
		o.close, o.reason = websocket.StatusNormalClosure, ""
	}
	if o.close == websocket.StatusInternalError {
		x.log.Error("signalling closed on an internal error", "error", o.message)
	}
	_ = x.ws.Close(o.close, o.reason)
	return true
}

// send writes one message within the write timeout; a browser too slow to
// take it is dropped.
func (x *rtcSession) send(ctx context.Context, m serverMessage) error {
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, x.limits.WriteTimeout)
	defer cancel()
	if err := x.ws.Write(ctx, websocket.MessageText, b); err != nil {
		_ = x.ws.CloseNow()
		return err
	}
	return nil
}
