package web

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"strings"
	"sync"
	"testing"
	"time"
)

// balancer is the load balancer in front of several instances: each new
// connection goes to the first instance, in order, that accepts a TCP
// connection. An instance that is shutting down has closed its listener
// (interviewd's SIGTERM stops serving before it drains), so new
// connections reach the next one. Plain requests are proxied as they are;
// WebSocket upgrades are relayed frame by frame, and the balancer keeps
// what each side of each signalling connection said (socketLog), as a
// capture on the wire would.
type balancer struct {
	URL      string
	backends []balancerBackend
	proxy    *httputil.ReverseProxy

	mu      sync.Mutex
	sockets []*socketLog
}

// balancerBackend is one instance behind the balancer.
type balancerBackend struct{ name, addr string }

// newBalancerListener reserves the balancer's address, so that the
// instances can be built knowing their public URL; serve starts it.
func newBalancerListener(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	return ln
}

// serveBalancer serves on ln in front of the backends, in order of
// preference, until the test ends.
func serveBalancer(t *testing.T, ln net.Listener, backends ...balancerBackend) *balancer {
	t.Helper()
	b := &balancer{URL: "http://" + ln.Addr().String(), backends: backends}
	tr := &http.Transport{DisableKeepAlives: true, DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		_, c, err := b.dial(ctx)
		return c, err
	}}
	b.proxy = &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		r.Out.URL.Scheme, r.Out.URL.Host = "http", "instance"
		r.Out.Host = r.In.Host // the public host, as a load balancer keeps it
	}, Transport: tr}
	srv := &httptest.Server{Listener: ln, Config: &http.Server{Handler: b}}
	srv.Start()
	t.Cleanup(srv.Close)
	return b
}

// dial connects to the first backend that accepts.
func (b *balancer) dial(ctx context.Context) (string, net.Conn, error) {
	var errs []error
	for _, be := range b.backends {
		c, err := (&net.Dialer{Timeout: time.Second}).DialContext(ctx, "tcp", be.addr)
		if err == nil {
			return be.name, c, nil
		}
		errs = append(errs, fmt.Errorf("%s: %w", be.name, err))
	}
	return "", nil, errors.Join(errs...)
}

func (b *balancer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
		b.relayWebSocket(w, r)
		return
	}
	b.proxy.ServeHTTP(w, r)
}

// relayWebSocket sends the upgrade to a backend, hands its answer back
// byte for byte, and then relays the frames both ways until either side
// closes.
func (b *balancer) relayWebSocket(w http.ResponseWriter, r *http.Request) {
	name, up, err := b.dial(r.Context())
	if err != nil {
		http.Error(w, "no instance: "+err.Error(), http.StatusBadGateway)
		return
	}
	defer up.Close()
	fromUp := bufio.NewReader(up)
	head, err := upgradeAnswer(r, up, fromUp)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	down, rw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return
	}
	defer down.Close()
	if _, err := down.Write(head); err != nil || !bytes.HasPrefix(head, []byte("HTTP/1.1 101 ")) {
		return
	}
	s := &socketLog{Backend: name, Path: r.URL.Path}
	b.mu.Lock()
	b.sockets = append(b.sockets, s)
	b.mu.Unlock()
	done := make(chan struct{})
	go func() {
		defer close(done)
		relayFrames(up, rw.Reader, s, true)
		_ = up.Close()
		_ = down.Close()
	}()
	relayFrames(down, fromUp, s, false)
	_ = up.Close()
	_ = down.Close()
	<-done
}

// upgradeAnswer writes the upgrade request to up and reads the backend's
// answer up to the end of its header.
func upgradeAnswer(r *http.Request, up net.Conn, fromUp *bufio.Reader) ([]byte, error) {
	if err := r.Write(up); err != nil {
		return nil, fmt.Errorf("send the upgrade: %w", err)
	}
	var head []byte
	for !bytes.HasSuffix(head, []byte("\r\n\r\n")) {
		line, err := fromUp.ReadSlice('\n')
		if err != nil {
			return nil, fmt.Errorf("read the upgrade's answer: %w", err)
		}
		head = append(head, line...)
	}
	return head, nil
}

// socketLog is what went over one relayed WebSocket.
type socketLog struct {
	Backend string
	Path    string

	mu     sync.Mutex
	frames []wireFrame
}

// wireFrame is one WebSocket frame as the balancer relayed it.
type wireFrame struct {
	FromRoom bool   // the browser sent it; else the instance did
	Op       byte   // 1 text, 8 close, 9 ping, 10 pong …
	Text     string // a text frame's payload, or a close frame's reason
	Code     int    // a close frame's status code
}

func (s *socketLog) add(f wireFrame) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.frames = append(s.frames, f)
}

// Frames is what went over the socket so far.
func (s *socketLog) Frames() []wireFrame {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]wireFrame(nil), s.frames...)
}

// Messages are the types of the text messages one side sent, in order,
// with the messages themselves.
func (s *socketLog) Messages(fromRoom bool) (types []string, raw []map[string]any) {
	for _, f := range s.Frames() {
		if f.Op != 1 || f.FromRoom != fromRoom {
			continue
		}
		var m map[string]any
		if json.Unmarshal([]byte(f.Text), &m) != nil {
			continue
		}
		typ, _ := m["type"].(string)
		types, raw = append(types, typ), append(raw, m)
	}
	return types, raw
}

// Close is the close frame the instance sent, if any.
func (s *socketLog) Close() (wireFrame, bool) {
	for _, f := range s.Frames() {
		if f.Op == 8 && !f.FromRoom {
			return f, true
		}
	}
	return wireFrame{}, false
}

// Sockets are the WebSockets relayed so far, in the order they opened.
func (b *balancer) Sockets() []*socketLog {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]*socketLog(nil), b.sockets...)
}

// relayFrames copies WebSocket frames from src to dst unchanged, noting
// each in s, until src ends. Frames are read whole: the signalling
// messages are small, and neither side compresses (coder/websocket's
// default, and the balancer leaves the handshake as it is).
func relayFrames(dst io.Writer, src *bufio.Reader, s *socketLog, fromRoom bool) {
	for {
		raw, f, err := readFrame(src)
		if err != nil {
			return
		}
		f.FromRoom = fromRoom
		s.add(f)
		if _, err := dst.Write(raw); err != nil {
			return
		}
	}
}

// readFrame reads one frame (RFC 6455 section 5.2): its bytes as they
// came, and what it says, unmasked.
func readFrame(src *bufio.Reader) ([]byte, wireFrame, error) {
	raw := make([]byte, 2, 16)
	if _, err := io.ReadFull(src, raw); err != nil {
		return nil, wireFrame{}, err
	}
	f := wireFrame{Op: raw[0] & 0x0f}
	n, ext := uint64(raw[1]&0x7f), 0
	switch n {
	case 126:
		ext = 2
	case 127:
		ext = 8
	}
	masked := raw[1]&0x80 != 0
	rest := ext
	if masked {
		rest += 4
	}
	raw = append(raw, make([]byte, rest)...)
	if _, err := io.ReadFull(src, raw[2:]); err != nil {
		return nil, f, err
	}
	switch ext {
	case 2:
		n = uint64(binary.BigEndian.Uint16(raw[2:4]))
	case 8:
		n = binary.BigEndian.Uint64(raw[2:10])
	}
	if n > 1<<20 {
		return nil, f, fmt.Errorf("frame of %d bytes", n)
	}
	start := len(raw)
	raw = append(raw, make([]byte, n)...)
	if _, err := io.ReadFull(src, raw[start:]); err != nil {
		return nil, f, err
	}
	payload := append([]byte(nil), raw[start:]...)
	if masked {
		key := raw[start-4 : start]
		for i := range payload {
			payload[i] ^= key[i%4]
		}
	}
	f.Text = string(payload)
	if f.Op == 8 && len(payload) >= 2 {
		f.Code, f.Text = int(binary.BigEndian.Uint16(payload)), string(payload[2:])
	}
	return raw, f, nil
}
