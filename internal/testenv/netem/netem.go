// Package netem gives a test a bad network: a network namespace of its own
// joined to the machine by one link whose delay, jitter, loss and outages
// the test sets. What runs in the namespace (a headless Chromium, started
// by Browser) reaches the test's servers, which stay outside it, only over
// that link.
//
// The link is a veth pair shaped by the kernel's `tc qdisc … netem` when the
// kernel has sch_netem. Kernels built without it (the Firecracker kernels
// these machines and CI run have no sch_netem) get the same conditions from
// a userspace wire: a TUN device on each side, the packets between them
// carried by the test process, which delays, jitters and drops them as
// netem would. The wire is the default (the path that has run here);
// INTERVIEWD_NETEM=kernel asks for the kernel's netem, =auto uses it where
// the kernel has it.
//
// It needs root (namespaces, links, /dev/net/tun) and iproute2 (`ip`, and
// `tc` for the kernel's netem); without them the test skips, or fails under
// CI=true (testenv.Missing).
package netem

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/interviewd/interviewd/internal/testenv"
)

// Conditions is what the link does to packets, in each direction.
type Conditions struct {
	Delay  time.Duration // one way; the round trip is twice this
	Jitter time.Duration // each packet's delay varies uniformly by ± this
	Loss   float64       // percent of packets dropped, 0–100
	Down   bool          // an outage: every packet is dropped
}

func (c Conditions) String() string {
	if c.Down {
		return "down (100% loss)"
	}
	return fmt.Sprintf("delay %v ± %v, loss %.1f%% each way", c.Delay, c.Jitter, c.Loss)
}

// Link is the namespace and its link to the machine.
type Link struct {
	NS     string // the namespace's name (ip netns)
	HostIP string // the machine's end of the link
	PeerIP string // the namespace's end
	Kind   string // "kernel netem" or "userspace wire"

	t        testing.TB
	host     string // the machine's interface
	peer     string // the namespace's interface
	wire     *wire  // the userspace wire; nil with the kernel's netem
	mu       sync.Mutex
	now      Conditions
	netemSet bool
}

// New makes a namespace and its link, with no impairment yet, and removes
// both when the test ends.
func New(t testing.TB) *Link {
	t.Helper()
	if os.Geteuid() != 0 {
		testenv.Missing(t, "root (network namespaces for the bad-network tests)", errors.New("not running as root"))
	}
	if _, err := exec.LookPath("ip"); err != nil {
		testenv.Missing(t, "iproute2's ip", err)
	}
	id := rand.IntN(1 << 20)
	l := &Link{
		t:      t,
		NS:     fmt.Sprintf("interviewd-netem-%d", id),
		host:   fmt.Sprintf("nmh%d", id),
		peer:   fmt.Sprintf("nmp%d", id),
		HostIP: fmt.Sprintf("10.%d.%d.1", 200+id%50, (id/50)%256),
		PeerIP: fmt.Sprintf("10.%d.%d.2", 200+id%50, (id/50)%256),
	}
	if err := l.ip("netns", "add", l.NS); err != nil {
		testenv.Missing(t, "network namespaces", err)
	}
	t.Cleanup(func() { _ = l.ip("netns", "del", l.NS) })

	// The userspace wire is the default: it is the path that has run on
	// these machines (their kernels have no sch_netem); the kernel's netem
	// is asked for with INTERVIEWD_NETEM=kernel, or =auto to use it where
	// the kernel has it (docs/performance.md, "Bad networks").
	kind := os.Getenv("INTERVIEWD_NETEM")
	if (kind == "kernel" || kind == "auto") && l.makeVeth() == nil {
		if err := l.tc("add", Conditions{}); err == nil {
			l.Kind, l.netemSet = "kernel netem", true
		} else {
			if kind == "kernel" {
				t.Fatalf("INTERVIEWD_NETEM=kernel: %v", err)
			}
			_ = l.ip("link", "del", l.host) // the wire takes its place
		}
	}
	if l.Kind == "" {
		w, err := l.makeWire()
		if err != nil {
			testenv.Missing(t, "a TUN device (/dev/net/tun) for the userspace wire", err)
		}
		l.wire, l.Kind = w, "userspace wire"
		t.Cleanup(w.close)
	}
	for _, args := range [][]string{
		{"-n", l.NS, "link", "set", "lo", "up"},
		{"addr", "add", l.HostIP, "peer", l.PeerIP, "dev", l.host},
		{"link", "set", l.host, "up"},
		{"-n", l.NS, "addr", "add", l.PeerIP, "peer", l.HostIP, "dev", l.peer},
		{"-n", l.NS, "link", "set", l.peer, "up"},
	} {
		if err := l.ip(args...); err != nil {
			t.Fatalf("set up the link: %v", err)
		}
	}
	t.Logf("netem: namespace %s, link %s (%s) ↔ %s (%s), %s", l.NS, l.host, l.HostIP, l.peer, l.PeerIP, l.Kind)
	return l
}

// makeVeth makes the veth pair, one end in the namespace.
func (l *Link) makeVeth() error {
	if _, err := exec.LookPath("tc"); err != nil {
		return err
	}
	if err := l.ip("link", "add", l.host, "type", "veth", "peer", "name", l.peer, "netns", l.NS); err != nil {
		return err
	}
	l.t.Cleanup(func() { _ = l.ip("link", "del", l.host) })
	return nil
}

// Set changes the link's conditions, in both directions, at once.
func (l *Link) Set(c Conditions) {
	l.t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.now = c
	if l.wire != nil {
		l.wire.set(c)
	} else if err := l.tc("change", c); err != nil {
		l.t.Fatalf("netem %s: %v", c, err)
	}
	l.t.Logf("netem: %s", c)
}

// Conditions is what Set last set.
func (l *Link) Conditions() Conditions {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.now
}

// tc adds or changes the netem qdisc on both ends of the veth pair.
func (l *Link) tc(verb string, c Conditions) error {
	args := []string{"netem", "limit", "10000"}
	switch {
	case c.Down:
		args = append(args, "loss", "100%")
	default:
		if c.Delay > 0 {
			args = append(args, "delay", fmt.Sprintf("%dus", c.Delay.Microseconds()))
			if c.Jitter > 0 {
				args = append(args, fmt.Sprintf("%dus", c.Jitter.Microseconds()))
			}
		}
		if c.Loss > 0 {
			args = append(args, "loss", fmt.Sprintf("%g%%", c.Loss))
		}
	}
	for _, end := range [][]string{
		{"qdisc", verb, "dev", l.host, "root"},
		{"-n", l.NS, "qdisc", verb, "dev", l.peer, "root"},
	} {
		if err := run("tc", append(end, args...)...); err != nil {
			return err
		}
	}
	return nil
}

// Command is name with args run inside the namespace.
func (l *Link) Command(ctx context.Context, name string, args ...string) *exec.Cmd {
	return exec.CommandContext(ctx, "ip", append([]string{"netns", "exec", l.NS, name}, args...)...)
}

// InNS runs f on an OS thread that has joined the namespace, so that the
// sockets f opens belong to it; the thread is discarded afterwards.
func (l *Link) InNS(f func() error) error {
	ns, err := os.Open("/run/netns/" + l.NS)
	if err != nil {
		return err
	}
	defer ns.Close()
	done := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread dies with this goroutine
		if err := unix.Setns(int(ns.Fd()), unix.CLONE_NEWNET); err != nil {
			done <- fmt.Errorf("setns %s: %w", l.NS, err)
			return
		}
		done <- f()
	}()
	return <-done
}

// Expose makes addr, a TCP address the test listens on outside the
// namespace (e.g. an httptest server on 127.0.0.1:port), reachable at the
// same address inside it, through the link: a relay in the namespace
// listens on addr and dials the link's host end, where a second relay
// dials addr. A page opened in the namespace's browser at
// http://127.0.0.1:port so keeps its origin (a secure context, the app's
// PUBLIC_URL) while every byte crosses the bad link.
func (l *Link) Expose(addr string) {
	l.t.Helper()
	hostLn, err := net.Listen("tcp", net.JoinHostPort(l.HostIP, "0"))
	if err != nil {
		l.t.Fatalf("listen on the link's host end: %v", err)
	}
	l.t.Cleanup(func() { hostLn.Close() })
	go relay(hostLn, func() (net.Conn, error) { return net.DialTimeout("tcp", addr, 5*time.Second) })

	var nsLn net.Listener
	if err := l.InNS(func() (err error) { nsLn, err = net.Listen("tcp", addr); return err }); err != nil {
		l.t.Fatalf("listen on %s in the namespace: %v", addr, err)
	}
	l.t.Cleanup(func() { nsLn.Close() })
	through := hostLn.Addr().String()
	go relay(nsLn, func() (c net.Conn, err error) {
		err = l.InNS(func() error { c, err = net.DialTimeout("tcp", through, 30*time.Second); return err })
		return c, err
	})
}

// relay accepts on ln until it closes and joins each connection to one
// that dial makes, half-closes included.
func relay(ln net.Listener, dial func() (net.Conn, error)) {
	for {
		in, err := ln.Accept()
		if err != nil {
			return
		}
		go func() {
			out, err := dial()
			if err != nil {
				in.Close()
				return
			}
			var wg sync.WaitGroup
			wg.Add(2)
			pipe := func(dst, src net.Conn) {
				defer wg.Done()
				_, _ = io.Copy(dst, src)
				if tc, ok := dst.(*net.TCPConn); ok {
					_ = tc.CloseWrite()
				}
			}
			go pipe(out, in)
			go pipe(in, out)
			wg.Wait()
			in.Close()
			out.Close()
		}()
	}
}

// RTT measures the link's round trip n times as the time a TCP connection
// from the namespace to the host end takes to open (one round trip), and
// returns the samples, sorted.
func (l *Link) RTT(n int) []time.Duration {
	l.t.Helper()
	ln, err := net.Listen("tcp", net.JoinHostPort(l.HostIP, "0"))
	if err != nil {
		l.t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	var rtts []time.Duration
	err = l.InNS(func() error {
		for range n {
			start := time.Now()
			c, err := net.DialTimeout("tcp", ln.Addr().String(), 10*time.Second)
			if err != nil {
				return err
			}
			rtts = append(rtts, time.Since(start))
			c.Close()
		}
		return nil
	})
	if err != nil {
		l.t.Fatalf("measure the round trip: %v", err)
	}
	slices.Sort(rtts)
	return rtts
}

// Counts is what crossed the link so far: packets carried and dropped,
// each way. Only the userspace wire counts (ok false with the kernel's).
func (l *Link) Counts() (up, down WireCount, ok bool) {
	if l.wire == nil {
		return WireCount{}, WireCount{}, false
	}
	return l.wire.count(0), l.wire.count(1), true
}

func (l *Link) ip(args ...string) error { return run("ip", args...) }

func run(name string, args ...string) error {
	var out bytes.Buffer
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s %s: %w: %s", name, strings.Join(args, " "), err, strings.TrimSpace(out.String()))
	}
	return nil
}
