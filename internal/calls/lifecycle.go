package calls

import (
	"context"
	"errors"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/realtime"
)

// attach runs once the provider's answer is on its way to the browser,
// holding op (handed over by Offer): after SidebandDelay it opens the
// sideband, sends session.update and response.create, starts the
// reader, and moves the interview to in_progress. The rule: an interview
// is in progress once the provider has accepted a call and the server's
// sideband is attached to it.
func (m *Manager) attach(l *live, c *Conn, v interview.Session, call realtime.Call, session realtime.Session) {
	defer m.wg.Done()
	defer m.release(l)
	select {
	case <-time.After(m.cfg.SidebandDelay):
	case <-m.ctx.Done(): // openSideband fails at once and the call is hung up
	}
	sb, err := m.openSideband(call.ID, session)
	if err != nil {
		m.log.Warn("sideband failed; hanging up", "interview_id", l.key.interview, "call_id", call.ID, "error", err.Error())
		m.cfg.Metrics.SidebandFailed()
		m.hangup(call.ID)
		c.fail(sidebandError())
		return
	}
	l.call = m.startReader(l, call.ID, sb)
	if l.leased && !m.renewLease(l) { // record the call on the lease
		m.log.Warn("call lease taken while the call started", "interview_id", l.key.interview)
	}
	if err := m.markStarted(l, c, v, call.ID); err != nil {
		m.log.Warn("interview could not start", "interview_id", l.key.interview, "error", err.Error())
		m.stopCall(l)
		if l.conn == c {
			l.conn = nil
		}
		c.finish(err)
		return
	}
	if l.timeUp == nil {
		l.timeUp = m.after(l.end.Sub(m.now()), func() { m.timeIsUp(l) })
	}
}

// openSideband dials the call's sideband, configures the session and asks
// the model to speak: OpenAI's model says nothing until a response is
// requested, so without response.create the candidate would wait in
// silence for the greeting.
func (m *Manager) openSideband(callID string, session realtime.Session) (realtime.Sideband, error) {
	ctx, cancel := context.WithTimeout(m.ctx, m.cfg.SidebandTimeout)
	defer cancel()
	sb, err := m.cfg.Sidebands.DialSideband(ctx, callID)
	if err == nil {
		if err = sb.Send(ctx, realtime.NewSessionUpdate(session)); err == nil {
			err = sb.Send(ctx, realtime.NewResponseCreate())
		}
		if err != nil {
			_ = sb.Close()
		}
	}
	m.cfg.Metrics.Upstream("sideband", result(err))
	if err != nil {
		return nil, err
	}
	return sb, nil
}

// markStarted moves the interview to in_progress (through ready) and
// records the call on it.
func (m *Manager) markStarted(l *live, c *Conn, v interview.Session, callID string) error {
	ctx, cancel := context.WithTimeout(context.Background(), m.cfg.HangupTimeout)
	defer cancel()
	st, now := m.cfg.Store, m.now()
	var err error
	if v.Status == interview.StatusPending && !l.started {
		// Another connection may have started it since v was read: the
		// step to in_progress below decides.
		_, _ = st.TransitionSession(ctx, l.key.tenant, l.key.interview, interview.StatusReady, "", now)
	}
	if v, err = st.TransitionSession(ctx, l.key.tenant, l.key.interview, interview.StatusInProgress, "", now); err != nil {
		return storeError(err)
	}
	l.started = true
	if l.end.IsZero() && v.StartedAt != nil {
		l.end = v.StartedAt.Add(l.limit)
	}
	info := interview.CallInfo{WebRTCStatus: "connected", WebRTCServerURL: v.WebRTCServerURL, WebRTCSessionID: c.id, CallID: callID}
	if err := st.UpdateSessionCall(ctx, l.key.tenant, l.key.interview, info); err != nil {
		m.log.Warn("record call", "interview_id", l.key.interview, "error", err.Error())
	}
	return nil
}

// stopCall hangs up the interview's call, if any, and waits until its
// reader has stored the rest of the transcript.
func (m *Manager) stopCall(l *live) {
	up := l.call
	if up == nil {
		return
	}
	l.call = nil
	up.stopping.Store(true)
	m.hangup(up.id)
	t := time.NewTimer(m.cfg.HangupTimeout)
	defer t.Stop()
	select {
	case <-up.done:
	case <-t.C:
		m.log.Warn("sideband did not close after hangup", "call_id", up.id)
	}
	up.cancel()
	<-up.done
	m.storeHeld(l.key, up)
}

// hangup asks the provider to end a call; a call that is already gone is
// not an error worth more than a debug line.
func (m *Manager) hangup(callID string) {
	ctx, cancel := context.WithTimeout(context.Background(), m.cfg.HangupTimeout)
	defer cancel()
	err := m.cfg.Provider.Hangup(ctx, callID)
	m.cfg.Metrics.Upstream("hangup", result(err))
	if err != nil {
		m.log.Debug("hangup", "call_id", callID, "error", err.Error())
	}
}

// finish ends the interview with status to: the call is hung up and its
// transcript stored first (a closed interview takes no more lines), then
// the status changes, the attached connection and the subscribers learn.
func (m *Manager) finish(l *live, to interview.Status, reason string, code Code) {
	m.stopTimers(l)
	m.stopCall(l)
	ctx, cancel := context.WithTimeout(context.Background(), m.cfg.HangupTimeout)
	defer cancel()
	v, err := m.transition(ctx, l.key, to, reason)
	if err != nil {
		m.log.Error("end interview", "interview_id", l.key.interview, "to", string(to), "error", err.Error())
	} else {
		info := interview.CallInfo{WebRTCStatus: "closed", WebRTCServerURL: v.WebRTCServerURL, WebRTCSessionID: v.WebRTCSessionID, CallID: v.CallID}
		_ = m.cfg.Store.UpdateSessionCall(ctx, l.key.tenant, l.key.interview, info)
		to, reason = v.Status, v.EndReason
		m.cfg.Metrics.InterviewEnded(string(to))
	}
	m.log.Info("interview ended", "interview_id", l.key.interview, "status", string(to), "reason", reason)
	if l.conn != nil {
		l.conn.finish(&Ended{Status: to, Reason: reason, Code: code})
		l.conn = nil
	}
	l.ended = true
	m.closeHub(l.key)
}

// transition moves the interview to a terminal status, through ready when
// it is still pending and is to fail.
func (m *Manager) transition(ctx context.Context, k key, to interview.Status, reason string) (interview.Session, error) {
	st, now := m.cfg.Store, m.now()
	v, err := st.TransitionSession(ctx, k.tenant, k.interview, to, reason, now)
	if errors.Is(err, interview.ErrTransition) && to == interview.StatusFailed {
		if _, err = st.TransitionSession(ctx, k.tenant, k.interview, interview.StatusReady, "", now); err == nil {
			v, err = st.TransitionSession(ctx, k.tenant, k.interview, to, reason, now)
		}
	}
	return v, err
}

// callEnded runs when a sideband ended without the manager hanging up: the
// provider ended the call. While detached, the grace window decides; while
// attached, it waits Settle for the connection to drop too.
func (m *Manager) callEnded(l *live, up *upstream) {
	if !m.lock(l) {
		return
	}
	defer m.release(l)
	if l.call != up || l.ended {
		return
	}
	l.call = nil
	if c := l.conn; c != nil && m.ctx.Err() == nil {
		l.settle = m.after(m.cfg.Settle, func() { m.providerEnded(l, c) })
	}
}

// probeTimeout bounds the probe of a connection that stayed attached when
// the provider ended its call.
const probeTimeout = 2 * time.Second

// providerEnded ends an interview whose call the provider ended while its
// connection c stayed: completed if anything was said, else failed. A
// connection that does not answer its probe is lost instead (Conn.Close:
// the reconnect window), as its browser may have given the call up in an
// outage and be about to offer a new one.
func (m *Manager) providerEnded(l *live, c *Conn) {
	if c.probe != nil {
		ctx, cancel := context.WithTimeout(m.ctx, probeTimeout)
		err := c.probe(ctx)
		cancel()
		if err != nil && m.ctx.Err() == nil {
			m.log.Info("the provider ended the call and the connection does not answer: taken as lost",
				"interview_id", l.key.interview, "error", err.Error())
			c.detach(errUnanswered)
			return
		}
	}
	if !m.lock(l) {
		return
	}
	defer m.release(l)
	l.settle = nil
	if l.call != nil || l.conn != c || l.ended {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), m.cfg.HangupTimeout)
	entries, err := m.cfg.Store.ListTranscript(ctx, l.key.tenant, l.key.interview, 0)
	cancel()
	if err == nil && l.started && len(entries) > 0 {
		m.finish(l, interview.StatusCompleted, "the interviewer ended the call", "")
		return
	}
	m.finish(l, interview.StatusFailed, "the call ended before anything was said", CodeUnavailable)
}

func (m *Manager) graceOver(l *live) {
	if !m.lock(l) {
		return
	}
	defer m.release(l)
	l.grace = nil
	if l.conn != nil || l.ended {
		return
	}
	reason := "connection lost"
	if l.lost != "" {
		reason = l.lost
	}
	m.finish(l, interview.StatusAbandoned, reason, "")
}

func (m *Manager) timeIsUp(l *live) {
	if !m.lock(l) {
		return
	}
	defer m.release(l)
	l.timeUp = nil
	if !l.ended {
		m.finish(l, interview.StatusCompleted, "time limit", "")
	}
}
