package calls

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/interviewd/interviewd/internal/auth"
	"github.com/interviewd/interviewd/internal/realtime"
	"github.com/interviewd/interviewd/internal/store"
)

// Config configures a Manager; Store and Provider are required, every zero
// knob takes the default named on it.
type Config struct {
	Store    store.Store // the privileged path: the manager acts for the server
	Provider Provider    // OpenAI or the local engine (*realtime.Client); the manager cannot tell
	// Sidebands opens the sidebands; nil means Provider. Give it a client
	// of its own (same base URL and key, another http.Client): a WebSocket
	// upgrade keeps the pooled connection it was sent on, and would
	// otherwise cost the next call creation a fresh connection.
	Sidebands Provider
	Settings  realtime.Settings
	Logger    *slog.Logger     // nil discards
	Now       func() time.Time // nil means time.Now
	Metrics   Metrics          // nil counts nothing

	// Grace is the reconnect window after the signalling connection is lost
	// (default 30 s): a new offer within it continues the interview, after
	// it the interview is abandoned.
	Grace time.Duration
	// Patience is how long, with no news about it, the transcript waits for
	// a line that holds later ones back (default realtime.DefaultPatience,
	// 30 s); a line still being said is always waited for.
	Patience time.Duration
	// Settle is how long a call that the provider ended while the
	// signalling connection is still attached waits for that connection
	// to drop too before the end counts as the interview's end (default
	// 1 s): a vanished browser loses its peer and its WebSocket together.
	Settle time.Duration
	// SidebandDelay is how long the sideband waits after the answer has
	// been handed on (default 1 ms). The answer is what the candidate
	// waits for; the sideband is not needed before the browser's ICE and
	// DTLS are done, tens of milliseconds later, so opening it must not
	// compete for the CPU with the answer's delivery (measured on 2 cores:
	// without the wait, the proxy's added p50 triples; docs/signaling.md).
	SidebandDelay time.Duration
	// SidebandTimeout bounds opening the sideband and sending
	// session.update (default 5 s).
	SidebandTimeout time.Duration
	// HangupTimeout bounds a hangup and the final transcript flush (default 5 s).
	HangupTimeout time.Duration
	// MaxLength caps every interview below its position's MaxMinutes; zero
	// means the position's limit alone.
	MaxLength time.Duration
	// SubscriberBuffer is how many entries a subscriber may fall behind
	// before it is dropped (default 64).
	SubscriberBuffer int

	// InstanceID names this process among those sharing the database
	// ("inst_…"); empty means a random one. It owns the call leases it
	// takes (docs/scaling.md).
	InstanceID string
	// TenantID limits the orphan scan to one tenant (a per-tenant
	// deploy); empty means every tenant.
	TenantID string
	// LeaseTTL is how long a call lease lasts unless renewed (default
	// 15 s). Leases and the heartbeat are renewed every third of it, and
	// the store is scanned for orphaned calls once per LeaseTTL.
	LeaseTTL time.Duration
	// HandoverWait bounds how long taking a call that a live instance
	// holds waits for that instance to hand it over (default 3 s).
	HandoverWait time.Duration
	// OrphanScan is how often the store is scanned for calls no live
	// instance owns (default 1 s, one cheap query): on PostgreSQL a
	// killed instance's calls are free at once (store.HoldInstance).
	OrphanScan time.Duration
}

func (c Config) withDefaults() Config {
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Metrics == nil {
		c.Metrics = noMetrics{}
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&c.Grace, 30*time.Second)
	def(&c.Patience, realtime.DefaultPatience)
	def(&c.Settle, time.Second)
	def(&c.SidebandDelay, time.Millisecond)
	def(&c.SidebandTimeout, 5*time.Second)
	def(&c.HangupTimeout, 5*time.Second)
	def(&c.LeaseTTL, 15*time.Second)
	def(&c.HandoverWait, 3*time.Second)
	def(&c.OrphanScan, time.Second)
	if c.SubscriberBuffer <= 0 {
		c.SubscriberBuffer = 64
	}
	if c.InstanceID == "" {
		c.InstanceID = auth.NewToken("inst_")
	}
	return c
}

// Manager runs every live interview of the process. It is safe for
// concurrent use; Close ends everything it started.
type Manager struct {
	cfg    Config
	log    *slog.Logger
	ctx    context.Context // ends at Close; the parent of every call
	cancel context.CancelFunc
	wg     sync.WaitGroup // every goroutine and pending timer

	started time.Time // for the instance's heartbeat row
	stopped sync.Once // the end of Close and Drain
	unhold  func()    // gives up the instance's liveness (store.HoldInstance)

	mu       sync.Mutex
	closed   bool
	draining bool
	lives    map[key]*live
	hubs     map[key]*hub
	released map[key]chan struct{} // closed when a lease of the interview is released (claim waits)
}

// key names one interview of one tenant.
type key struct{ tenant, interview string }

// New checks cfg and returns a Manager.
func New(cfg Config) (*Manager, error) {
	if cfg.Store == nil || cfg.Provider == nil {
		return nil, errors.New("calls: Store and Provider are required")
	}
	cfg = cfg.withDefaults()
	if cfg.Sidebands == nil {
		cfg.Sidebands = cfg.Provider
	}
	unhold, err := cfg.Store.HoldInstance(context.Background(), cfg.InstanceID)
	if err != nil {
		return nil, fmt.Errorf("calls: hold instance: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	m := &Manager{cfg: cfg, log: cfg.Logger.With("component", "calls", "instance", cfg.InstanceID), ctx: ctx, cancel: cancel,
		started: time.Now(), unhold: unhold, lives: map[key]*live{}, hubs: map[key]*hub{}, released: map[key]chan struct{}{}}
	m.startLeases()
	m.startFanout()
	return m, nil
}

// Close hangs up every call (storing the rest of its transcript), tells
// every attached connection the server is stopping, releases the call
// leases, closes every subscription and waits for the manager's
// goroutines. Statuses stay as they are: a candidate may continue with
// the next process. A server that shares its calls drains instead (Drain);
// Close after Drain only waits.
func (m *Manager) Close() error {
	m.shut(false)
	return nil
}

// shut ends every live interview, by hanging up its call or (drain) by
// leaving it to another instance, then stops the manager.
func (m *Manager) shut(drain bool) {
	first, lives := m.refuse()
	for _, l := range lives {
		if !first {
			break
		}
		l.op.Lock()
		m.stopTimers(l)
		if drain {
			m.stopReading(l)
		} else {
			m.stopCall(l)
		}
		if l.conn != nil {
			l.conn.finish(ErrShutdown)
			l.conn = nil
		}
		m.releaseLease(l, "")
		l.removed = true
		l.op.Unlock()
	}
	m.stopped.Do(func() {
		m.cancel()
		m.closeHubs()
		m.wg.Wait()
		m.removeInstance()
		m.unhold()
	})
}

// refuse makes the manager refuse new work and returns whether it was
// open until now, with its live interviews.
func (m *Manager) refuse() (bool, []*live) {
	m.mu.Lock()
	first := !m.closed
	m.closed = true
	m.mu.Unlock()
	return first, m.liveList() // no live is added once closed
}

func (m *Manager) isClosed() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.closed
}

// after runs f after d on its own goroutine, counted in m.wg until it has
// run or been stopped with stopTimer.
func (m *Manager) after(d time.Duration, f func()) *time.Timer {
	m.wg.Add(1)
	return time.AfterFunc(d, func() {
		defer m.wg.Done()
		f()
	})
}

// stopTimer stops *t if it has not fired and forgets it.
func (m *Manager) stopTimer(t **time.Timer) {
	if *t != nil && (*t).Stop() {
		m.wg.Done()
	}
	*t = nil
}

func (m *Manager) now() time.Time { return m.cfg.Now() }

// Grace is the reconnect window: how long an interview whose connection
// dropped waits for a new one before it is abandoned.
func (m *Manager) Grace() time.Duration { return m.cfg.Grace }
