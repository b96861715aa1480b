package calls

import (
	"context"

	"github.com/interviewd/interviewd/internal/interview"
)

// errNoResume is a call that cannot be resumed here: the browser falls
// back to a new offer, which continues the interview on a new call.
var errNoResume = &Error{Code: CodeUnavailable, Retryable: true,
	Message: "The call could not be resumed; starting a new one."}

// Resume re-attaches this connection to the interview's call that is
// still running at the provider (callID, which the browser's peer
// connection still holds), without a new offer: the candidate hears no
// gap. The instance takes the call's lease (asking a live owner to hand it
// over), attaches its sideband by call ID and carries on. An error means
// the call cannot be resumed here: the browser falls back to a new offer.
func (c *Conn) Resume(ctx context.Context, callID string) error {
	m := c.m
	l, err := m.acquire(c.key)
	if err != nil {
		return err
	}
	defer m.release(l)
	if err := c.Err(); err != nil {
		return err
	}
	if c.v.StartedAt == nil || callID == "" {
		return errNoResume // nothing ran that could be resumed
	}
	if l.call != nil && l.call.id == callID {
		m.attachConn(l, c, c.v) // this instance reads the call already
		return m.resumed(ctx, l, c, callID)
	}
	if l.call != nil {
		return errNoResume // another call is the interview's now
	}
	lease, err := m.claim(ctx, l, "")
	if err != nil {
		m.log.Warn("resume: call lease", "interview_id", c.key.interview, "error", err.Error())
		return errNoResume
	}
	if lease.CallID != callID {
		m.log.Info("resume: not the interview's call", "interview_id", c.key.interview, "call_id", callID, "lease_call_id", lease.CallID)
		return errNoResume
	}
	sb, err := m.dialSideband(callID)
	if err != nil {
		m.log.Info("resume: the call is gone", "interview_id", c.key.interview, "call_id", callID, "error", err.Error())
		return errNoResume
	}
	m.attachConn(l, c, c.v)
	l.call = m.startReader(l, callID, sb)
	return m.resumed(ctx, l, c, callID)
}

// resumed records the resumed call on the interview and arms the time
// limit; past it, the interview ends now.
func (m *Manager) resumed(ctx context.Context, l *live, c *Conn, callID string) error {
	if !l.end.IsZero() && !m.now().Before(l.end) {
		m.finish(l, interview.StatusCompleted, "time limit", "")
		return ErrClosed
	}
	if l.timeUp == nil && !l.end.IsZero() {
		l.timeUp = m.after(l.end.Sub(m.now()), func() { m.timeIsUp(l) })
	}
	c.resumed = callID
	info := interview.CallInfo{WebRTCStatus: "connected", WebRTCServerURL: c.v.WebRTCServerURL, WebRTCSessionID: c.id, CallID: callID}
	if err := m.cfg.Store.UpdateSessionCall(ctx, l.key.tenant, l.key.interview, info); err != nil {
		m.log.Warn("resume: record call", "interview_id", l.key.interview, "error", err.Error())
	}
	m.log.Info("call resumed", "interview_id", l.key.interview, "call_id", callID)
	return nil
}
