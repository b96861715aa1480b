package sqlite

import (
	"context"
	"fmt"
	"sync"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

// listenBuffer is how many payloads a listener may fall behind by before
// it loses some.
const listenBuffer = 64

// hub is the in-process Notifier and Locks of one Store: SQLite serves one
// process (the DATA_DIR lock), so every instance there is is this one.
type hub struct {
	mu        sync.Mutex
	listeners map[string]map[chan string]bool // channel → its listeners
	locks     map[string]bool                 // names held
}

func newHub() *hub {
	return &hub{listeners: map[string]map[chan string]bool{}, locks: map[string]bool{}}
}

// Notify hands payload to every listener of channel that has room for it.
func (s *Store) Notify(ctx context.Context, channel, payload string) error {
	if err := store.CheckNotify(channel, payload); err != nil {
		return err
	}
	h := s.hub
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.listeners[channel] {
		select {
		case ch <- payload:
		default: // a slow listener loses payloads; it never blocks the sender
		}
	}
	return nil
}

// Listen delivers channel's payloads until ctx ends. In process nothing is
// lost to a connection, so it never delivers "" of its own.
func (s *Store) Listen(ctx context.Context, channel string) (<-chan string, error) {
	if err := store.CheckNotify(channel, ""); err != nil {
		return nil, err
	}
	h := s.hub
	ch := make(chan string, listenBuffer)
	h.mu.Lock()
	if h.listeners[channel] == nil {
		h.listeners[channel] = map[chan string]bool{}
	}
	h.listeners[channel][ch] = true
	h.mu.Unlock()
	go func() {
		<-ctx.Done()
		h.mu.Lock()
		delete(h.listeners[channel], ch)
		h.mu.Unlock()
		close(ch)
	}()
	return ch, nil
}

// TryLock takes the named lock in process; the DATA_DIR lock keeps every
// other process off the file.
func (s *Store) TryLock(ctx context.Context, name string) (func(), bool, error) {
	if name == "" {
		return nil, false, fmt.Errorf("try lock: %w", interview.Errorf(interview.CodeInvalid, "a lock needs a name"))
	}
	h := s.hub
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.locks[name] {
		return nil, false, nil
	}
	h.locks[name] = true
	var once sync.Once
	return func() {
		once.Do(func() {
			h.mu.Lock()
			delete(h.locks, name)
			h.mu.Unlock()
		})
	}, true, nil
}
