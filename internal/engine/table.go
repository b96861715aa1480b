package engine

import (
	"net/http"
	"sync"
)

// callTable holds the live calls and counts the goroutines the engine owns
// (call loops and sideband handlers) so Close can wait for them.
type callTable struct {
	mu       sync.Mutex
	calls    map[string]*call
	reserved int
	max      int
	closed   bool
	wg       sync.WaitGroup
}

func newCallTable(max int) *callTable {
	return &callTable{calls: map[string]*call{}, max: max}
}

var (
	errBusy = newAPIError(http.StatusServiceUnavailable, "server_error", "server_busy", "",
		"The engine is at its limit of concurrent calls; try again later.")
	errClosed = newAPIError(http.StatusServiceUnavailable, "server_error", "server_shutting_down", "",
		"The engine is shutting down.")
	errNoCall = invalidRequest(http.StatusNotFound, "call_not_found", "call_id",
		"No active call with that call_id.")
)

// reserve claims a place for a call about to be created.
func (t *callTable) reserve() *apiError {
	t.mu.Lock()
	defer t.mu.Unlock()
	switch {
	case t.closed:
		return errClosed
	case len(t.calls)+t.reserved >= t.max:
		return errBusy
	}
	t.reserved++
	return nil
}

// release gives back a reservation that did not become a call.
func (t *callTable) release() {
	t.mu.Lock()
	t.reserved--
	t.mu.Unlock()
}

// start turns a reservation into a live call and runs it.
func (t *callTable) start(c *call) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.reserved--
	if t.closed {
		return false
	}
	t.calls[c.id] = c
	t.wg.Add(1)
	go func() {
		defer t.wg.Done()
		c.run()
	}()
	return true
}

func (t *callTable) remove(c *call) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.calls[c.id] == c {
		delete(t.calls, c.id)
	}
}

func (t *callTable) get(id string) *call {
	if !validCallID(id) {
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.calls[id]
}

func (t *callTable) len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.calls)
}

// enter counts a request goroutine that lives as long as a call may (a
// sideband); it fails once the table is closed.
func (t *callTable) enter() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return false
	}
	t.wg.Add(1)
	return true
}

func (t *callTable) leave() { t.wg.Done() }

// close refuses new calls and returns the live ones.
func (t *callTable) close() []*call {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.closed = true
	out := make([]*call, 0, len(t.calls))
	for _, c := range t.calls {
		out = append(out, c)
	}
	return out
}
