package web

import (
	"net"
	"strings"
	"sync"
	"sync/atomic"
)

// rtcRequest is how a browser's signalling connection starts: the
// WebSocket upgrade of /rtc.
const rtcRequest = "GET /rtc?"

// sidebandRequest is how the calls manager's sideband to a call of the
// local engine (mounted at /v1 of the same server) starts.
const sidebandRequest = "GET /v1/realtime?call_id="

// connListener is the test server's listener. It keeps the connections it
// has accepted, so that a test can cut the browser's signalling from the
// server's side, as a network failure or a proxy's timeout would (cutRTC),
// and refuse new signalling connections for a while (refuseRTC).
// httptest.Server's CloseClientConnections cannot do this: it forgets a
// connection once the WebSocket upgrade hijacks it.
type connListener struct {
	net.Listener
	refuse   atomic.Bool
	refused  atomic.Int32 // /rtc connections closed by refuseRTC
	refuseSB atomic.Bool  // new sidebands are closed (refuseSidebands)
	mu       sync.Mutex
	conns    map[*spottedConn]struct{}
}

// trackConns wraps ln; connections other than TCP ones are passed through
// untracked.
func trackConns(ln net.Listener) *connListener {
	return &connListener{Listener: ln, conns: map[*spottedConn]struct{}{}}
}

// Accept tracks each TCP connection until it is closed. The connection
// keeps every method of *net.TCPConn (CloseWrite, ReadFrom), so the
// server treats it as it treats an unwrapped one.
func (l *connListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	tc, ok := c.(*net.TCPConn)
	if err != nil || !ok {
		return c, err
	}
	sc := &spottedConn{TCPConn: tc, l: l}
	l.mu.Lock()
	l.conns[sc] = struct{}{}
	l.mu.Unlock()
	return sc, nil
}

// cutRTC closes every open /rtc connection and reports how many it closed.
func (l *connListener) cutRTC() int { return l.cut(rtcRequest) }

// cutSidebands closes every open sideband connection, as a network
// failure between interviewd and the provider would, without hanging up
// the call, and reports how many it closed.
func (l *connListener) cutSidebands() int { return l.cut(sidebandRequest) }

// refuseSidebands makes the server close each new sideband connection
// (on), or serve them again (off).
func (l *connListener) refuseSidebands(on bool) { l.refuseSB.Store(on) }

func (l *connListener) cut(prefix string) int {
	l.mu.Lock()
	var cut []*spottedConn
	for c := range l.conns {
		if c.starts(nil, prefix) {
			cut = append(cut, c)
		}
	}
	l.mu.Unlock()
	for _, c := range cut {
		_ = c.Close()
	}
	return len(cut)
}

// refuseRTC makes the server close each new /rtc connection as soon as
// its request arrives (on), or serve them again (off).
func (l *connListener) refuseRTC(on bool) { l.refuse.Store(on) }

func (l *connListener) forget(c *spottedConn) {
	l.mu.Lock()
	delete(l.conns, c)
	l.mu.Unlock()
}

// spottedConn is one accepted connection that knows whether it carries
// /rtc, from the first bytes the client sent.
type spottedConn struct {
	*net.TCPConn
	l    *connListener
	mu   sync.Mutex
	head []byte // the client's first bytes, up to len(sidebandRequest)
}

func (c *spottedConn) Read(p []byte) (int, error) {
	n, err := c.TCPConn.Read(p)
	if n > 0 && c.starts(p[:n], rtcRequest) && c.l.refuse.Load() {
		c.l.refused.Add(1)
		_ = c.Close()
		return 0, net.ErrClosed
	}
	if n > 0 && c.starts(nil, sidebandRequest) && c.l.refuseSB.Load() {
		_ = c.Close()
		return 0, net.ErrClosed
	}
	return n, err
}

func (c *spottedConn) Close() error {
	c.l.forget(c)
	return c.TCPConn.Close()
}

// starts adds read to the bytes seen while they are fewer than the longest
// request line's start, and reports whether the connection's request
// starts with prefix.
func (c *spottedConn) starts(read []byte, prefix string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if k := len(sidebandRequest) - len(c.head); k > 0 {
		c.head = append(c.head, read[:min(k, len(read))]...)
	}
	return strings.HasPrefix(string(c.head), prefix)
}
