package calls

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/realtime"
)

// live is the manager's state of one interview that has, or recently had,
// a call. Its op lock serialises everything that changes the interview's
// call: offers, ends, the sideband ending and the timers.
type live struct {
	key key
	op  sync.Mutex

	// Guarded by op.
	removed bool          // no longer in the manager's map
	ended   bool          // reached a terminal status through the manager
	started bool          // the interview is (or was) in progress
	call    *upstream     // the provider call, nil when none runs
	conn    *Conn         // the attached signalling connection, nil when detached
	limit   time.Duration // the interview's time limit
	end     time.Time     // when the time limit passes; zero before it started
	grace   *time.Timer   // the reconnect window, while detached
	lost    string        // why the window runs, when not a dropped connection
	timeUp  *time.Timer   // the time limit
	settle  *time.Timer   // a provider-ended call waiting for the connection to drop
	leased  bool          // this instance holds the interview's call lease
}

// upstream is one provider call and the goroutine reading its sideband.
type upstream struct {
	id       string
	cancel   func()
	done     chan struct{} // closed when the reader has stored its last line
	stopping atomic.Bool   // the manager ends this call itself
	leaving  atomic.Bool   // the manager stops reading and leaves the call running (drain, handover)
	tools    *tools        // the interviewer's tools on this sideband

	mu      sync.Mutex
	seen    map[string]bool             // the item and function call IDs the reader has had events of
	witness []interview.TranscriptEntry // witnessed lines waiting witnessWait for the reader to report them
}

// hold keeps witnessed entries the reader has not seen, waiting to learn
// whether it reports them (Conn.Witness).
func (up *upstream) hold(entries []interview.TranscriptEntry) {
	up.mu.Lock()
	defer up.mu.Unlock()
	up.witness = append(up.witness, entries...)
}

// unhold takes back the held entries among entries (all of them when
// entries is nil) and returns those the reader has still not seen: the
// lines to store. An entry is returned once, to whichever asks first.
func (up *upstream) unhold(entries []interview.TranscriptEntry) []interview.TranscriptEntry {
	up.mu.Lock()
	defer up.mu.Unlock()
	want := make(map[string]bool, len(entries))
	for _, e := range entries {
		want[e.ItemID] = true
	}
	var out []interview.TranscriptEntry
	kept := up.witness[:0]
	for _, e := range up.witness {
		switch {
		case entries != nil && !want[e.ItemID]:
			kept = append(kept, e)
		case !up.seen[e.ItemID]:
			out = append(out, e)
		}
	}
	up.witness = kept
	return out
}

// see records the items and function calls ev is about.
func (up *upstream) see(ev realtime.Event) {
	up.mu.Lock()
	defer up.mu.Unlock()
	for _, id := range []string{ev.ItemID, ev.CallID} {
		if id != "" {
			up.seen[id] = true
		}
	}
	if ev.Item != nil {
		up.seen[ev.Item.ID] = true
		if ev.Item.CallID != "" {
			up.seen[ev.Item.CallID] = true
		}
	}
	if ev.Response != nil {
		for _, it := range ev.Response.Output {
			up.seen[it.ID] = true
			if it.CallID != "" {
				up.seen[it.CallID] = true
			}
		}
	}
}

// unseen keeps the entries whose items the reader has not seen.
func (up *upstream) unseen(entries []interview.TranscriptEntry) []interview.TranscriptEntry {
	up.mu.Lock()
	defer up.mu.Unlock()
	var out []interview.TranscriptEntry
	for _, e := range entries {
		if !up.seen[e.ItemID] {
			out = append(out, e)
		}
	}
	return out
}

// saw reports whether the reader has had events of id.
func (up *upstream) saw(id string) bool {
	up.mu.Lock()
	defer up.mu.Unlock()
	return up.seen[id]
}

// acquire returns the interview's live state, creating it, with op held.
func (m *Manager) acquire(k key) (*live, error) {
	for {
		m.mu.Lock()
		if m.closed {
			m.mu.Unlock()
			return nil, ErrShutdown
		}
		l := m.lives[k]
		if l == nil {
			l = &live{key: k}
			m.lives[k] = l
		}
		m.mu.Unlock()
		l.op.Lock()
		if !l.removed {
			return l, nil
		}
		l.op.Unlock() // removed while we waited: take a fresh one
	}
}

// lock takes op of a live state a timer or reader holds, unless it has
// been removed since.
func (m *Manager) lock(l *live) bool {
	l.op.Lock()
	if l.removed {
		l.op.Unlock()
		return false
	}
	return true
}

// release drops op, first forgetting the state if nothing is left in it.
func (m *Manager) release(l *live) {
	idle := l.call == nil && l.conn == nil && l.grace == nil && l.settle == nil
	if l.ended || idle {
		m.stopTimers(l)
		m.releaseLease(l, "")
		l.removed = true
		m.mu.Lock()
		if m.lives[l.key] == l {
			delete(m.lives, l.key)
		}
		m.mu.Unlock()
	}
	l.op.Unlock()
}

func (m *Manager) stopTimers(l *live) {
	m.stopTimer(&l.grace)
	m.stopTimer(&l.timeUp)
	m.stopTimer(&l.settle)
}
