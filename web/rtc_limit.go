package web

import (
	"sync"
	"time"
)

// RTCLimits are the signalling WebSocket's limits; zero values take the
// defaults named on each field (docs/signaling.md, "Limits").
type RTCLimits struct {
	ConnsPerIPPerMinute        int           // new connections per client IP (default 30)
	ConnsPerInterviewPerMinute int           // new connections per interview (default 12)
	MessagesPerSecond          float64       // per connection, with a burst of twice as many (default 20)
	MaxMessageBytes            int64         // one client message (default 256 KiB)
	MaxBadMessages             int           // bad messages before the connection is closed (default 10)
	PingInterval               time.Duration // keepalive ping; a missing pong within it closes (default 20 s)
	WriteTimeout               time.Duration // every write (default 5 s)
}

func (l RTCLimits) withDefaults() RTCLimits {
	if l.ConnsPerIPPerMinute <= 0 {
		l.ConnsPerIPPerMinute = 30
	}
	if l.ConnsPerInterviewPerMinute <= 0 {
		l.ConnsPerInterviewPerMinute = 12
	}
	if l.MessagesPerSecond <= 0 {
		l.MessagesPerSecond = 20
	}
	if l.MaxMessageBytes <= 0 {
		l.MaxMessageBytes = 256 << 10
	}
	if l.MaxBadMessages <= 0 {
		l.MaxBadMessages = 10
	}
	if l.PingInterval <= 0 {
		l.PingInterval = 20 * time.Second
	}
	if l.WriteTimeout <= 0 {
		l.WriteTimeout = 5 * time.Second
	}
	return l
}

// windowLimiter allows limit events per key in fixed windows. It is in
// memory, like the sign-in throttle: interviewd is one process.
type windowLimiter struct {
	mu     sync.Mutex
	limit  int
	window time.Duration
	now    func() time.Time
	keys   map[string]*windowCount
}

type windowCount struct {
	n     int
	start time.Time
}

const maxLimiterKeys = 100_000

func newWindowLimiter(limit int, window time.Duration) *windowLimiter {
	return &windowLimiter{limit: limit, window: window, now: time.Now, keys: map[string]*windowCount{}}
}

// allow counts one event for key and reports whether it is within the limit.
func (l *windowLimiter) allow(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	c, ok := l.keys[key]
	if !ok || now.Sub(c.start) >= l.window {
		if !ok && len(l.keys) >= maxLimiterKeys {
			l.evict(now)
		}
		c = &windowCount{start: now}
		l.keys[key] = c
	}
	c.n++
	return c.n <= l.limit
}

// evict forgets the windows that have passed; if none has, it forgets
// everything rather than grow without bound.
func (l *windowLimiter) evict(now time.Time) {
	for k, c := range l.keys {
		if now.Sub(c.start) >= l.window {
			delete(l.keys, k)
		}
	}
	if len(l.keys) >= maxLimiterKeys {
		clear(l.keys)
	}
}

// tokenBucket limits one connection's messages per second.
type tokenBucket struct {
	rate, burst, tokens float64
	last                time.Time
}

func newTokenBucket(rate float64, now time.Time) *tokenBucket {
	return &tokenBucket{rate: rate, burst: 2 * rate, tokens: 2 * rate, last: now}
}

func (b *tokenBucket) allow(now time.Time) bool {
	b.tokens = min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.rate)
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}
