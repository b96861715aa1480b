package calls

import (
	"context"
	"encoding/json"
	"time"
)

// updatesChannel carries a notice each time an instance stores something
// the subscribers of an interview want: transcript entries, the question
// reached, the end (docs/scaling.md, "Fan-out").
const updatesChannel = "interviewd_updates"

// What a notice says changed.
const (
	kindEntries  = "entries"
	kindProgress = "progress"
	kindStatus   = "status"
)

// notice is the payload on updatesChannel. It only says where to look:
// every instance re-reads the store for the interviews it has subscribers
// for, so a lost or repeated notice costs a read, never a line.
type notice struct {
	Tenant    string `json:"tenant"`
	Interview string `json:"interview"`
	Seq       int64  `json:"seq,omitempty"` // the highest Seq stored, for entries
	Kind      string `json:"kind"`
}

// announce tells every instance (this one included) that k changed. A
// failure is logged: this instance's own subscribers have been told, and
// another instance catches up at its next notice for k.
func (m *Manager) announce(k key, kind string, seq int64) {
	b, err := json.Marshal(notice{Tenant: k.tenant, Interview: k.interview, Seq: seq, Kind: kind})
	if err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), m.cfg.HangupTimeout)
		defer cancel()
		err = m.cfg.Store.Notify(ctx, updatesChannel, string(b))
	}
	if err != nil {
		m.log.Warn("announce update", "interview_id", k.interview, "kind", kind, "error", err.Error())
	}
}

// startFanout starts the goroutine that listens for notices until the
// manager closes.
func (m *Manager) startFanout() {
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		m.fanout(m.ctx)
	}()
}

// fanout listens on updatesChannel and refreshes the interviews it is
// told about. It re-reads every subscribed interview once listening (what
// was stored before is not announced again) and whenever the store says
// notices may have been lost (""). Listening that fails is retried with
// backoff.
func (m *Manager) fanout(ctx context.Context) {
	wait := 100 * time.Millisecond
	for ctx.Err() == nil {
		ch, err := m.cfg.Store.Listen(ctx, updatesChannel)
		if err != nil {
			m.log.Warn("listen for updates", "error", err.Error(), "retry_in", wait.String())
			select {
			case <-ctx.Done():
			case <-time.After(wait):
			}
			wait = min(2*wait, 10*time.Second)
			continue
		}
		m.refreshAll(ctx)
		for payload := range ch {
			m.received(ctx, payload)
		}
	}
}

// received acts on one notice.
func (m *Manager) received(ctx context.Context, payload string) {
	if payload == "" {
		m.refreshAll(ctx)
		return
	}
	var n notice
	if err := json.Unmarshal([]byte(payload), &n); err != nil || n.Tenant == "" || n.Interview == "" {
		m.log.Warn("bad update notice", "payload", payload)
		return
	}
	m.refresh(ctx, key{n.Tenant, n.Interview}, n.Kind)
}

// refreshAll refreshes every interview with subscribers here.
func (m *Manager) refreshAll(ctx context.Context) {
	m.mu.Lock()
	keys := make([]key, 0, len(m.hubs))
	for k := range m.hubs {
		keys = append(keys, k)
	}
	m.mu.Unlock()
	for _, k := range keys {
		m.refresh(ctx, k, "")
	}
}

// refresh re-reads what kind says changed in k ("" for everything), if k
// has subscribers here, and publishes what they have not been sent: the
// entries after the last Seq sent, the question when it moved, and the
// end, which closes the subscriptions after the last entries.
func (m *Manager) refresh(ctx context.Context, k key, kind string) {
	seq, ok := m.hubSeq(k)
	if !ok {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, m.cfg.HangupTimeout)
	defer cancel()
	st := m.cfg.Store
	if kind == "" || kind == kindEntries || kind == kindStatus {
		entries, err := st.ListTranscript(ctx, k.tenant, k.interview, seq)
		if err != nil {
			m.log.Warn("refresh transcript", "interview_id", k.interview, "error", err.Error())
			return
		}
		m.deliver(k, entries)
	}
	if kind == kindEntries {
		return
	}
	v, err := st.GetSession(ctx, k.tenant, k.interview)
	if err != nil {
		m.log.Warn("refresh interview", "interview_id", k.interview, "error", err.Error())
		return
	}
	if v.Status.Terminal() {
		m.closeSubscribers(k)
		return
	}
	if v.CurrentQuestion > 0 && kind != kindStatus {
		p, err := st.GetPosition(ctx, k.tenant, v.PositionID)
		if err != nil {
			m.log.Warn("refresh progress", "interview_id", k.interview, "error", err.Error())
			return
		}
		m.sendProgress(k, Progress{Question: v.CurrentQuestion, Total: len(p.Questions)}, false)
	}
}

// hubSeq is the last Seq sent to k's subscribers; false when k has none.
func (m *Manager) hubSeq(k key) (int64, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	h := m.hubs[k]
	if h == nil {
		return 0, false
	}
	return h.seq, true
}
