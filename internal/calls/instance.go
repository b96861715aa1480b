package calls

import (
	"context"
	"os"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
)

// startLeases starts the instance's background loop: the heartbeat and
// lease renewals every third of LeaseTTL, the orphan scan every
// OrphanScan, and the answers to handover requests and release notices.
// It ends when the manager stops.
func (m *Manager) startLeases() {
	requests, err := m.cfg.Store.Listen(m.ctx, HandoverChannel)
	if err != nil {
		m.log.Warn("listen for handovers", "error", err.Error())
	}
	m.heartbeat(false)
	m.wg.Add(1)
	go m.leaseLoop(requests)
}

func (m *Manager) leaseLoop(requests <-chan string) {
	defer m.wg.Done()
	tick := time.NewTicker(m.cfg.LeaseTTL / 3)
	defer tick.Stop()
	scan := time.NewTicker(m.cfg.OrphanScan)
	defer scan.Stop()
	for {
		select {
		case <-m.ctx.Done():
			return
		case p, ok := <-requests:
			if !ok {
				requests = nil
				continue
			}
			m.handOver(p)
		case <-tick.C:
			m.heartbeat(m.isDraining())
			m.renewLeases()
		case <-scan.C:
			m.scanOrphans()
		}
	}
}

// heartbeat refreshes this instance's row; a failure is logged.
func (m *Manager) heartbeat(draining bool) {
	ctx, cancel := context.WithTimeout(context.Background(), m.cfg.HangupTimeout)
	defer cancel()
	host, _ := os.Hostname()
	inst := interview.Instance{ID: m.cfg.InstanceID, Host: host, StartedAt: m.started, HeartbeatAt: m.now(), Draining: draining}
	if err := m.cfg.Store.Heartbeat(ctx, inst); err != nil && m.ctx.Err() == nil {
		m.log.Warn("instance heartbeat", "error", err.Error())
	}
}

// removeInstance deletes this instance's row at a clean exit.
func (m *Manager) removeInstance() {
	ctx, cancel := context.WithTimeout(context.Background(), m.cfg.HangupTimeout)
	defer cancel()
	if err := m.cfg.Store.RemoveInstance(ctx, m.cfg.InstanceID); err != nil {
		m.log.Warn("remove instance", "error", err.Error())
	}
}

func (m *Manager) isDraining() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.draining
}

// scanOrphans takes over the calls of instances that died (their leases
// expired) while this one runs.
func (m *Manager) scanOrphans() {
	ctx, cancel := context.WithTimeout(m.ctx, m.cfg.LeaseTTL)
	defer cancel()
	if _, err := m.Recover(ctx, m.cfg.TenantID); err != nil && m.ctx.Err() == nil {
		m.log.Warn("orphan scan", "error", err.Error())
	}
}

// InstanceID is the name this manager's leases carry.
func (m *Manager) InstanceID() string { return m.cfg.InstanceID }

// Drain stops this instance without ending its calls, for another
// instance to carry on: new connections and offers are refused
// (ErrShutdown), the instance is marked draining, each call's sideband is
// no longer read (its held-back lines are stored first) but not hung up,
// its lease is released, and each connection is told SHUTTING_DOWN (the
// room reconnects, to another instance, and resumes the call). Then it
// stops as Close does.
func (m *Manager) Drain(ctx context.Context) error {
	m.mu.Lock()
	m.draining = true
	m.mu.Unlock()
	m.heartbeat(true)
	m.shut(true)
	return ctx.Err()
}
