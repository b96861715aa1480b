package calls

import (
	"context"
	"errors"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
)

// errBusy is a call another live instance holds and did not hand over in
// time: the room falls back to a new offer, which may try again.
var errBusy = &Error{Code: CodeUnavailable, Retryable: true,
	Message: "The interview is being moved between servers. Try again in a moment."}

// claimRecheck is how long a claim waits for a release notice before it
// tries the lease again anyway (a notice lost with a listener's connection).
const claimRecheck = time.Second

// claim takes the interview's call lease for this instance, with callID
// (kept as it stands when empty). A lease a dead instance held is taken at
// once (store.HoldInstance). A lease a live instance holds is asked for
// over the Notifier (handover) and waited for up to HandoverWait: the
// owner announces its release on the same channel, which wakes the claim.
// It returns the lease taken: its CallID is the call the interview has, as
// far as the store knows. Held by op.
func (m *Manager) claim(ctx context.Context, l *live, callID string) (interview.CallLease, error) {
	want := interview.CallLease{TenantID: l.key.tenant, InterviewID: l.key.interview, Owner: m.cfg.InstanceID, CallID: callID}
	deadline := time.Now().Add(m.cfg.HandoverWait)
	asked := false
	for {
		released := m.releasedSignal(l.key) // before trying: a release after the try wakes us
		got, err := m.cfg.Store.AcquireLease(ctx, want, m.now(), m.cfg.LeaseTTL)
		if err == nil {
			l.leased = true
			return got, nil
		}
		if !errors.Is(err, interview.ErrConflict) {
			return got, err
		}
		if !asked {
			m.askHandover(ctx, l.key, got.Owner)
			asked = true
		}
		left := time.Until(deadline)
		if left <= 0 {
			m.log.Warn("call lease not handed over in time", "interview_id", l.key.interview, "owner", got.Owner)
			return got, errBusy
		}
		select {
		case <-released:
		case <-time.After(min(left, claimRecheck)):
		case <-ctx.Done():
			return got, ctx.Err()
		case <-m.ctx.Done():
			return got, ErrShutdown
		}
	}
}

// renewLease extends the lease this instance holds; false when another
// instance has taken it meanwhile. A store failure keeps the lease as
// held: the next renewal tries again, well within the lease's life.
func (m *Manager) renewLease(l *live) bool {
	callID := ""
	if l.call != nil {
		callID = l.call.id
	}
	ctx, cancel := context.WithTimeout(m.ctx, m.cfg.HangupTimeout)
	defer cancel()
	want := interview.CallLease{TenantID: l.key.tenant, InterviewID: l.key.interview, Owner: m.cfg.InstanceID, CallID: callID}
	_, err := m.cfg.Store.AcquireLease(ctx, want, m.now(), m.cfg.LeaseTTL)
	switch {
	case errors.Is(err, interview.ErrConflict):
		return false
	case err != nil && m.ctx.Err() == nil:
		m.log.Warn("renew call lease", "interview_id", l.key.interview, "error", err.Error())
	}
	return true
}

// releaseLease gives up the lease this instance holds, so that another
// instance may take the call at once: to that instance when to names it
// (a handover: no orphan scan can take the call in between), else to
// whichever takes it first. Held by op.
func (m *Manager) releaseLease(l *live, to string) {
	if !l.leased {
		return
	}
	l.leased = false
	ctx, cancel := context.WithTimeout(context.Background(), m.cfg.HangupTimeout)
	defer cancel()
	var err error
	if to != "" {
		err = m.cfg.Store.HandOverLease(ctx, l.key.tenant, l.key.interview, m.cfg.InstanceID, to, m.now(), m.cfg.LeaseTTL)
	} else {
		err = m.cfg.Store.ReleaseLease(ctx, l.key.tenant, l.key.interview, m.cfg.InstanceID)
	}
	if err != nil {
		m.log.Warn("release call lease", "interview_id", l.key.interview, "to", to, "error", err.Error())
		return
	}
	m.announceRelease(l.key)
}

// stopReading stops reading the interview's call without hanging it up:
// the reader stores the finished lines it holds, and the call goes on at
// the provider for whichever instance attaches next. A line still being
// said is not stored cut: the next reader hears its end and stores it
// whole (and the room's witness has it if none attaches). Held by op.
func (m *Manager) stopReading(l *live) {
	up := l.call
	if up == nil {
		return
	}
	l.call = nil
	up.leaving.Store(true)
	up.stopping.Store(true)
	up.cancel()
	<-up.done
	m.storeHeld(l.key, up)
}

// letGo leaves the interview to another instance: its call is no longer
// read (nor hung up), its connection, if any, is told that the interview
// went elsewhere, and the lease is released, or handed to instance to
// when it is not empty. Held by op.
func (m *Manager) letGo(l *live, why, to string) {
	m.log.Info("call left to another instance", "interview_id", l.key.interview, "why", why)
	m.stopTimers(l)
	m.stopReading(l)
	if l.conn != nil {
		l.conn.finish(ErrTakenOver)
		l.conn = nil
	}
	m.releaseLease(l, to)
}

// renewLeases renews every lease this instance holds; an interview whose
// lease another instance has taken is let go.
func (m *Manager) renewLeases() {
	for _, l := range m.liveList() {
		if !m.lock(l) {
			continue
		}
		if l.leased && !m.renewLease(l) {
			l.leased = false // not ours to release any more
			m.letGo(l, "lease taken", "")
		}
		m.release(l)
	}
}

// liveList returns the live interviews as they are now.
func (m *Manager) liveList() []*live {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]*live, 0, len(m.lives))
	for _, l := range m.lives {
		out = append(out, l)
	}
	return out
}
