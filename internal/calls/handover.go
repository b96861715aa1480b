package calls

import (
	"context"
	"encoding/json"
)

// HandoverChannel is the Notifier channel on which an instance asks the
// owner of a call to hand it over (docs/scaling.md).
const HandoverChannel = "interviewd_handover"

// handover is a payload on HandoverChannel: a request (the interview
// whose call instance To wants) or a release notice (instance From has
// released the interview's lease: a waiting claim tries again at once).
type handover struct {
	Tenant    string `json:"tenant"`
	Interview string `json:"interview"`
	To        string `json:"to,omitempty"`
	From      string `json:"from,omitempty"`
}

// askHandover asks owner (any instance that holds it) to hand the
// interview's call over to this one. A failure is logged: the caller
// waits for the lease to expire instead.
func (m *Manager) askHandover(ctx context.Context, k key, owner string) {
	b, _ := json.Marshal(handover{Tenant: k.tenant, Interview: k.interview, To: m.cfg.InstanceID})
	m.log.Info("asking for a call's handover", "interview_id", k.interview, "owner", owner)
	if err := m.cfg.Store.Notify(ctx, HandoverChannel, string(b)); err != nil {
		m.log.Warn("ask for handover", "interview_id", k.interview, "error", err.Error())
	}
}

// handOver answers a request on HandoverChannel: when this instance holds
// the interview's lease, it stops reading the call (without hanging it
// up), tells its connection, if any, and hands the lease to the instance
// that asked (store.HandOverLease), so that no orphan scan takes it first.
func (m *Manager) handOver(payload string) {
	var h handover
	if json.Unmarshal([]byte(payload), &h) != nil || h.To == m.cfg.InstanceID {
		return // "" (a reconnected listener) asks nothing; our own request neither
	}
	if h.From != "" {
		m.wake(key{h.Tenant, h.Interview})
		return
	}
	m.mu.Lock()
	l := m.lives[key{h.Tenant, h.Interview}]
	m.mu.Unlock()
	if l == nil || !m.lock(l) {
		return
	}
	defer m.release(l)
	if l.leased && !l.ended {
		m.letGo(l, "handover to "+h.To, h.To)
	}
}

// announceRelease tells the instances waiting for the interview's lease
// that this one has released it. A lost notice costs the waiter its next
// check (claim), not the call.
func (m *Manager) announceRelease(k key) {
	b, _ := json.Marshal(handover{Tenant: k.tenant, Interview: k.interview, From: m.cfg.InstanceID})
	ctx, cancel := context.WithTimeout(context.Background(), m.cfg.HangupTimeout)
	defer cancel()
	if err := m.cfg.Store.Notify(ctx, HandoverChannel, string(b)); err != nil {
		m.log.Warn("announce lease release", "interview_id", k.interview, "error", err.Error())
	}
}

// releasedSignal returns a channel closed at the next release notice for k.
func (m *Manager) releasedSignal(k key) <-chan struct{} {
	m.mu.Lock()
	defer m.mu.Unlock()
	ch := m.released[k]
	if ch == nil {
		ch = make(chan struct{})
		m.released[k] = ch
	}
	return ch
}

// wake wakes the claims waiting for k's lease.
func (m *Manager) wake(k key) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if ch := m.released[k]; ch != nil {
		close(ch)
		delete(m.released, k)
	}
}
