package auth

import (
	"crypto/sha256"
	"sync"
	"time"
)

// Throttle counts attempts per key (an email and client IP pair, a client
// IP, an email) in a fixed window. It lives in this process's memory: a
// restart forgives old attempts, and each machine of a deployment counts
// its own (docs/security.md, "Throttling and password hashing"). Keys are
// stored as SHA-256 sums and their number is capped, so memory stays
// bounded whatever is submitted.
type Throttle struct {
	mu      sync.Mutex
	limit   int
	window  time.Duration
	maxKeys int
	now     func() time.Time
	keys    map[[sha256.Size]byte]*failures
}

type failures struct {
	count int
	start time.Time
}

// NewThrottle allows limit attempts per key within window.
func NewThrottle(limit int, window time.Duration, now func() time.Time) *Throttle {
	if now == nil {
		now = time.Now
	}
	return &Throttle{limit: limit, window: window, maxKeys: 100_000, now: now, keys: map[[sha256.Size]byte]*failures{}}
}

// Reserve counts one attempt against each of keys, unless one of them has
// reached the limit: then it counts nothing and reports false. Check and
// count are one step, so parallel attempts cannot all pass the check before
// any is counted. A reservation stands as a failure until Release or Reset.
func (t *Throttle) Reserve(keys ...string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	for _, k := range keys {
		if f := t.live(sha256.Sum256([]byte(k)), now); f != nil && f.count >= t.limit {
			return false
		}
	}
	for _, k := range keys {
		t.add(sha256.Sum256([]byte(k)), now)
	}
	return true
}

// Add counts one attempt against key and returns how many it has in the
// window, this one included. It never refuses.
func (t *Throttle) Add(key string) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.add(sha256.Sum256([]byte(key)), t.now())
}

// Release gives back one reserved attempt on each of keys: the attempt
// turned out not to be a failure.
func (t *Throttle) Release(keys ...string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, k := range keys {
		if f := t.keys[sha256.Sum256([]byte(k))]; f != nil && f.count > 0 {
			f.count--
		}
	}
}

// Reset forgets every attempt on keys.
func (t *Throttle) Reset(keys ...string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, k := range keys {
		delete(t.keys, sha256.Sum256([]byte(k)))
	}
}

// live returns the counter of h if its window is still open.
func (t *Throttle) live(h [sha256.Size]byte, now time.Time) *failures {
	if f, ok := t.keys[h]; ok && now.Sub(f.start) < t.window {
		return f
	}
	return nil
}

func (t *Throttle) add(h [sha256.Size]byte, now time.Time) int {
	f := t.live(h, now)
	if f == nil {
		t.evictIfFull(now)
		f = &failures{start: now}
		t.keys[h] = f
	}
	f.count++
	return f.count
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
