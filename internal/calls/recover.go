package calls

import (
	"context"
	"errors"
	"fmt"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/realtime"
)

// lostReason is why an interview taken over from a stopped instance is
// abandoned when nobody comes back to it.
const lostReason = "the server restarted and the candidate did not reconnect"

// Recover takes over the interviews in progress that no live instance
// owns: those whose call lease expired (the instance died) or was
// released (it drained), or that never had one. For each it takes the
// lease (skipping one another instance takes first) and re-attaches a
// sideband to the same call by its ID; the call goes on, its transcript
// written here. When the call is gone (the provider says so), the
// interview gets the reconnect window a dropped connection gets: a room
// that reconnects within it continues with a new call at the question
// reached; otherwise it is abandoned when the window passes. Either way
// the room, reconnecting, finds the interview here or asks for it
// (handover). tenantID limits it to one tenant; empty means all. It
// returns how many interviews it took over. It never touches a call whose
// lease a live instance holds.
func (m *Manager) Recover(ctx context.Context, tenantID string) (int, error) {
	list, err := m.cfg.Store.ListOrphans(ctx, tenantID, m.now())
	if err != nil {
		return 0, fmt.Errorf("calls: recover orphaned interviews: %w", err)
	}
	n := 0
	for _, o := range list {
		ok, err := m.adopt(ctx, o)
		if err != nil {
			return n, err
		}
		if ok {
			n++
		}
	}
	if n > 0 {
		m.log.Info("orphaned interviews in progress recovered", "count", n, "grace", m.cfg.Grace)
	}
	return n, nil
}

// adopt takes over one orphaned interview; false when it was not this
// instance's to take (held here already, or taken by another).
func (m *Manager) adopt(ctx context.Context, o interview.CallLease) (bool, error) {
	l, err := m.acquire(key{o.TenantID, o.InterviewID})
	if err != nil {
		return false, err
	}
	defer m.release(l)
	if l.conn != nil || l.call != nil || l.grace != nil || l.ended || l.leased {
		return false, nil
	}
	lease, err := m.claimOrphan(ctx, l)
	if err != nil {
		return false, err
	}
	if lease == nil {
		return false, nil
	}
	l.started = true
	m.limitFromStore(ctx, l)
	if lease.CallID != "" {
		if sb, err := m.dialSideband(lease.CallID); err == nil {
			l.call = m.startReader(l, lease.CallID, sb)
			m.log.Info("call taken over", "interview_id", o.InterviewID, "call_id", lease.CallID, "from", o.Owner)
		} else {
			m.log.Info("orphaned call is gone; reconnect window starts", "interview_id", o.InterviewID, "call_id", lease.CallID, "error", err.Error())
		}
	}
	l.lost = lostReason
	l.grace = m.after(m.cfg.Grace, func() { m.graceOver(l) })
	if !l.end.IsZero() && l.timeUp == nil {
		l.timeUp = m.after(l.end.Sub(m.now()), func() { m.timeIsUp(l) })
	}
	return true, nil
}

// claimOrphan takes an orphan's lease without asking anyone: nil when
// another instance took it first. A store failure is an error.
func (m *Manager) claimOrphan(ctx context.Context, l *live) (*interview.CallLease, error) {
	want := interview.CallLease{TenantID: l.key.tenant, InterviewID: l.key.interview, Owner: m.cfg.InstanceID}
	got, err := m.cfg.Store.AcquireLease(ctx, want, m.now(), m.cfg.LeaseTTL)
	switch {
	case errors.Is(err, interview.ErrConflict), errors.Is(err, interview.ErrNotFound):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("calls: take over interview %s: %w", l.key.interview, err)
	}
	l.leased = true
	return &got, nil
}

// limitFromStore sets the time limit of an interview this instance did
// not start, from its start and its position. A failed read leaves it
// unset: the next connection's offer sets it.
func (m *Manager) limitFromStore(ctx context.Context, l *live) {
	v, err := m.cfg.Store.GetSession(ctx, l.key.tenant, l.key.interview)
	if err == nil {
		var p interview.Position
		if p, err = m.cfg.Store.GetPosition(ctx, l.key.tenant, v.PositionID); err == nil && v.StartedAt != nil {
			l.limit = m.timeLimit(p)
			l.end = v.StartedAt.Add(l.limit)
			return
		}
	}
	if err != nil {
		m.log.Warn("take over: read the interview", "interview_id", l.key.interview, "error", err.Error())
	}
}

// dialSideband attaches a sideband to a running call, sending nothing:
// the call's session is configured and its conversation goes on.
func (m *Manager) dialSideband(callID string) (realtime.Sideband, error) {
	ctx, cancel := context.WithTimeout(m.ctx, m.cfg.SidebandTimeout)
	defer cancel()
	sb, err := m.cfg.Sidebands.DialSideband(ctx, callID)
	m.cfg.Metrics.Upstream("sideband", result(err))
	return sb, err
}
