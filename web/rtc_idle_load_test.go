package web

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// Idle-load sizing targets (issue 13): what one idle /rtc connection may
// cost the server, and what 10,000 may.
const (
	idleTargetPerConn = 32 << 10
	idleTargetAt10k   = 400 << 20
)

// TestIdleLoad opens IDLE_LOAD_CONNS idle /rtc connections (default 200;
// `go tool task idle` opens 10,000) to one server and reports what they
// cost it per connection: live heap plus goroutine stacks, resident memory
// and goroutines; beside them, in the same run, the same number to a bare
// coder/websocket server. The clients run in a child process (this test
// binary run again), so every figure is the server's alone.
func TestIdleLoad(t *testing.T) {
	if f := os.Getenv("IDLE_LOAD_CLIENT_URLS"); f != "" {
		idleClients(t, f)
		return
	}
	n := 200
	if v, err := strconv.Atoi(os.Getenv("IDLE_LOAD_CONNS")); err == nil && v > 0 {
		n = v
	}
	raiseFileLimit(t, n+1000)
	bare := idleServerCost(t, n, bareURLs(t, n))
	rtc := idleServerCost(t, n, rtcIdleURLs(t, n))
	t.Logf("%d idle connections, the server's cost per connection:", n)
	t.Logf("  bare: %5.1f KiB heap+stacks (%.1f stacks), %5.1f KiB RSS, %.2f goroutines", bare.kib(), bare.stackKiB(), bare.rssKiB(), bare.goroutines)
	t.Logf("  /rtc: %5.1f KiB heap+stacks (%.1f stacks), %5.1f KiB RSS, %.2f goroutines", rtc.kib(), rtc.stackKiB(), rtc.rssKiB(), rtc.goroutines)
	t.Logf("  /rtc × 10,000: %.0f MiB heap+stacks, %.0f MiB RSS", rtc.bytes*10000/(1<<20), rtc.rss*10000/(1<<20))
	if rtc.goroutines > 2.05 {
		t.Errorf("an idle /rtc connection holds %.2f goroutines; it should be 2 (reader, watcher)", rtc.goroutines)
	}
	if raceDetector {
		return
	}
	if rtc.bytes > idleTargetPerConn {
		t.Errorf("an idle /rtc connection costs the server %.1f KiB; the target is %d KiB", rtc.kib(), idleTargetPerConn>>10)
	}
	if n >= 5000 && rtc.rss*10000 > idleTargetAt10k {
		t.Errorf("10,000 idle /rtc connections would take %.0f MiB of RSS; the target is %d MiB", rtc.rss*10000/(1<<20), idleTargetAt10k>>20)
	}
}

// serverCost is one server's growth per idle connection.
type serverCost struct{ bytes, stack, rss, goroutines float64 }

func (c serverCost) kib() float64      { return c.bytes / 1024 }
func (c serverCost) stackKiB() float64 { return c.stack / 1024 }
func (c serverCost) rssKiB() float64   { return c.rss / 1024 }

// idleURLs are the URLs the clients dial, with the Origin they send.
type idleURLs struct {
	urls   []string
	origin string
}

// idleServerCost has a child process open one idle connection to each
// URL and measures this process's growth while they are open.
func idleServerCost(t *testing.T, n int, u idleURLs) serverCost {
	t.Helper()
	file := filepath.Join(t.TempDir(), "urls")
	if err := os.WriteFile(file, []byte(u.origin+"\n"+strings.Join(u.urls, "\n")), 0o600); err != nil {
		t.Fatal(err)
	}
	debug.FreeOSMemory()
	settle()
	heap0, stack0, rss0, g0 := liveBytes(), stackBytes(), residentBytes(t), runtime.NumGoroutine()
	cmd := exec.Command(os.Args[0], "-test.run=^TestIdleLoad$", "-test.timeout=30m")
	cmd.Env = append(os.Environ(), "IDLE_LOAD_CLIENT_URLS="+file)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = stdin.Close(); _ = cmd.Wait() }()
	if err := waitReady(out, n); err != nil {
		t.Fatal(err)
	}
	settle()
	heap1, stack1, rss1, g1 := liveBytes(), stackBytes(), residentBytes(t), runtime.NumGoroutine()
	per := func(a, b uint64) float64 { return (float64(b) - float64(a)) / float64(n) }
	return serverCost{bytes: per(heap0, heap1), stack: per(stack0, stack1), rss: per(rss0, rss1),
		goroutines: float64(g1-g0) / float64(n)}
}

// waitReady reads the clients' report: "ready N" once all are open.
func waitReady(out io.Reader, n int) error {
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		return fmt.Errorf("the clients' process ended: %w", err)
	}
	if want := fmt.Sprintf("ready %d", n); strings.TrimSpace(line) != want {
		return fmt.Errorf("the clients' process said %q, want %q", strings.TrimSpace(line), want)
	}
	return nil
}

// idleClients is the child process: it opens a connection to each URL of
// file, each answered a ping (so the server is set up and waiting), says
// so, and holds them open until its stdin closes.
func idleClients(t *testing.T, file string) {
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(b), "\n")
	h := http.Header{}
	if lines[0] != "" {
		h.Set("Origin", lines[0])
	}
	conns := dialAll(t, lines[1:], h)
	defer func() {
		for _, c := range conns {
			_ = c.CloseNow()
		}
	}()
	fmt.Printf("ready %d\n", len(conns))
	_, _ = io.Copy(io.Discard, os.Stdin)
}

// dialAll opens every URL, a few at a time, and fails on the first refusal.
func dialAll(t *testing.T, urls []string, h http.Header) []*websocket.Conn {
	conns := make([]*websocket.Conn, len(urls))
	errs := make(chan error, len(urls))
	var wg sync.WaitGroup
	next := make(chan int)
	for range 8 {
		wg.Go(func() {
			for i := range next {
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				ws, _, err := websocket.Dial(ctx, urls[i], &websocket.DialOptions{HTTPHeader: h})
				if err == nil {
					conns[i], err = ws, pingPong(ctx, ws)
				}
				cancel()
				if err != nil {
					errs <- fmt.Errorf("connection %d: %w", i, err)
				}
			}
		})
	}
	for i := range urls {
		next <- i
	}
	close(next)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	return conns
}

// bareURLs is n times the URL of a bare coder/websocket server (the
// benchmark's baseline).
func bareURLs(t *testing.T, n int) idleURLs {
	url := bareServerURL(t)
	urls := make([]string, n)
	for i := range urls {
		urls[i] = url
	}
	return idleURLs{urls: urls}
}

// rtcIdleURLs are n /rtc URLs, each on an interview of its own.
func rtcIdleURLs(t *testing.T, n int) idleURLs {
	a := newRTCApp(t, rtcOptions{limits: RTCLimits{ConnsPerIPPerMinute: 1 << 30}})
	urls := make([]string, n)
	for i := range urls {
		v := a.newInterview(rtcQuestions...)
		urls[i] = a.rtcURL(a.token(v), v.ID)
	}
	return idleURLs{urls: urls, origin: a.URL}
}

// residentBytes is this process's resident set (Linux).
func residentBytes(t *testing.T) uint64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for l := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			kb, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb << 10
		}
	}
	t.Fatal("no VmRSS in /proc/self/status")
	return 0
}

// raiseFileLimit raises the open files' soft limit to at least n, as far
// as the hard limit allows; the child process inherits it.
func raiseFileLimit(t *testing.T, n int) {
	var l syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l); err != nil {
		t.Fatal(err)
	}
	if l.Cur >= uint64(n) {
		return
	}
	l.Cur = min(uint64(n), l.Max)
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &l); err != nil {
		t.Fatal(err)
	}
	if l.Cur < uint64(n) {
		t.Fatalf("%d connections need %d open files; the hard limit is %d", n-1000, n, l.Max)
	}
}
