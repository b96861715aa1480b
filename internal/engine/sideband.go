package engine

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// sideband is a server's WebSocket attached to a call with ?call_id=. It
// hears every server event except session.created, and may send client
// events. Events wait in a bounded queue; a reader that lets it fill up is
// dropped, never waited for.
type sideband struct {
	conn    *websocket.Conn
	timeout time.Duration

	mu     sync.Mutex
	out    chan []byte
	closed bool
	slow   bool
	code   websocket.StatusCode
	reason string
}

func newSideband(conn *websocket.Conn, limits Limits) *sideband {
	return &sideband{conn: conn, timeout: limits.WriteTimeout, out: make(chan []byte, limits.SidebandBuffer)}
}

func (s *sideband) send(msg []byte) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	select {
	case s.out <- msg:
		return true
	default:
		s.slow = true
		s.shut(websocket.StatusPolicyViolation, "too slow to keep up with events")
		return false
	}
}

// close sends what is queued, then closes with code and reason.
func (s *sideband) close(code websocket.StatusCode, reason string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.closed {
		s.shut(code, reason)
	}
}

func (s *sideband) shut(code websocket.StatusCode, reason string) {
	s.closed, s.code, s.reason = true, code, reason
	close(s.out)
}

// writeLoop writes queued events until close, then closes the WebSocket.
func (s *sideband) writeLoop() {
	for msg := range s.out {
		if s.isSlow() {
			break
		}
		ctx, cancel := context.WithTimeout(context.Background(), s.timeout)
		err := s.conn.Write(ctx, websocket.MessageText, msg)
		cancel()
		if err != nil {
			_ = s.conn.CloseNow()
			return
		}
	}
	s.mu.Lock()
	slow, code, reason := s.slow, s.code, s.reason
	s.mu.Unlock()
	if slow {
		_ = s.conn.CloseNow()
		return
	}
	_ = s.conn.Close(code, reason)
}

func (s *sideband) isSlow() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.slow
}

// readLoop hands client events to the call until the connection ends.
func (s *sideband) readLoop(c *call) {
	for {
		typ, data, err := s.conn.Read(context.Background())
		if err != nil {
			return
		}
		if typ != websocket.MessageText {
			s.send(encode(newErrorEvent(invalidEvent("", "Binary messages are not supported; send JSON text."))))
			continue
		}
		c.receive(s, data)
	}
}

// attach makes the sideband hear the call's events; false once it ends.
func (c *call) attach(s *sideband) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ending || c.ctx.Err() != nil {
		return false
	}
	c.sidebands[s] = struct{}{}
	return true
}

func (c *call) detach(s *sideband) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.sidebands, s)
}

// serveSideband is GET /v1/realtime?call_id=…
func (e *Engine) serveSideband(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("call_id")
	if id == "" {
		writeError(w, missingParam("call_id"))
		return
	}
	c := e.calls.get(id)
	if c == nil {
		writeError(w, errNoCall)
		return
	}
	if !e.calls.enter() {
		writeError(w, errClosed)
		return
	}
	defer e.calls.leave()
	conn, err := websocket.Accept(w, r, nil)
	if err != nil {
		return // Accept has answered the request
	}
	conn.SetReadLimit(e.cfg.Limits.MaxEventBytes)
	e.runSideband(c, newSideband(conn, e.cfg.Limits))
}

func (e *Engine) runSideband(c *call, s *sideband) {
	if !c.attach(s) {
		_ = s.conn.Close(websocket.StatusNormalClosure, "call ended")
		return
	}
	c.signal()
	written := make(chan struct{})
	go func() {
		defer close(written)
		s.writeLoop()
	}()
	s.readLoop(c)
	c.detach(s)
	s.close(websocket.StatusNormalClosure, "")
	<-written
}
