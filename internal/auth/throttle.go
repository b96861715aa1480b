package auth

import (
	"sync"
	"time"
)

// Throttle counts failures per key (an email, an IP address) in a fixed
// window and says when a key has had too many. It is in memory: interviewd
// is one process, and a restart forgiving old failures is acceptable.
type Throttle struct {
	mu      sync.Mutex
	limit   int
	window  time.Duration
	maxKeys int
	now     func() time.Time
	keys    map[string]*failures
}

type failures struct {
	count int
	start time.Time
}

// NewThrottle allows limit failures per key within window.
func NewThrottle(limit int, window time.Duration, now func() time.Time) *Throttle {
	if now == nil {
		now = time.Now
	}
	return &Throttle{limit: limit, window: window, maxKeys: 100_000, now: now, keys: map[string]*failures{}}
}

// Blocked reports whether any of keys has reached the limit.
func (t *Throttle) Blocked(keys ...string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	for _, k := range keys {
		if f, ok := t.keys[k]; ok && now.Sub(f.start) < t.window && f.count >= t.limit {
			return true
		}
	}
	return false
}

// Fail records one failure for each of keys.
func (t *Throttle) Fail(keys ...string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	for _, k := range keys {
		f, ok := t.keys[k]
		if !ok || now.Sub(f.start) >= t.window {
			t.evictIfFull(now)
			f = &failures{start: now}
			t.keys[k] = f
		}
		f.count++
	}
}

// Reset forgets the failures of keys, after a success.
func (t *Throttle) Reset(keys ...string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, k := range keys {
		delete(t.keys, k)
	}
}

// evictIfFull drops expired keys when the map is full, and if none have
// expired, the whole map: memory stays bounded under a flood of new keys.
func (t *Throttle) evictIfFull(now time.Time) {
	if len(t.keys) < t.maxKeys {
		return
	}
	for k, f := range t.keys {
		if now.Sub(f.start) >= t.window {
			delete(t.keys, k)
		}
	}
	if len(t.keys) >= t.maxKeys {
		clear(t.keys)
	}
}
