package calls

import (
	"context"
	"fmt"
)

// Recover takes over the interviews a previous process left in progress:
// their calls did not survive it (Close hangs them up and keeps the
// status), so each gets the reconnect window a dropped connection gets.
// A candidate whose room reconnects within it continues at the question
// reached; otherwise the interview is abandoned when the window passes.
// tenantID limits it to one tenant (a per-tenant deploy); empty means all.
// It returns how many interviews it took over.
//
// Recover assumes this process is the only one serving these tenants, as
// the calls manager does everywhere: one live call per interview is kept
// in memory (docs/ARCHITECTURE.md).
func (m *Manager) Recover(ctx context.Context, tenantID string) (int, error) {
	list, err := m.cfg.Store.ListInProgress(ctx, tenantID)
	if err != nil {
		return 0, fmt.Errorf("calls: recover interviews in progress: %w", err)
	}
	n := 0
	for _, v := range list {
		l, err := m.acquire(key{v.TenantID, v.ID})
		if err != nil {
			return n, err
		}
		if l.conn == nil && l.call == nil && l.grace == nil && !l.ended {
			l.started = true
			l.lost = "the server restarted and the candidate did not reconnect"
			l.grace = m.after(m.cfg.Grace, func() { m.graceOver(l) })
			n++
		}
		m.release(l)
	}
	if n > 0 {
		m.log.Info("interviews in progress recovered; reconnect window starts", "count", n, "grace", m.cfg.Grace)
	}
	return n, nil
}
