package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// BenchmarkIdleSignaling measures what an idle /rtc connection costs: a
// room that has opened its signalling (subscribed, transcript replayed,
// keepalive running) and sends nothing. Beside it, in the same run, the
// same number of connections to a bare coder/websocket server whose
// handler only reads. Both ends live in this process in both cases, so
// the client's share is the same on each side; the figures are per
// connection: live heap plus goroutine stacks after a GC, and goroutines.
//
// IDLE_CONNS sets how many connections each side opens (default 500);
// IDLE_CONNS=10000 is the sizing check (docs/performance.md).
func BenchmarkIdleSignaling(b *testing.B) {
	n := 500
	if v, err := strconv.Atoi(os.Getenv("IDLE_CONNS")); err == nil && v > 0 {
		n = v
	}
	var bare, rtc idleCost
	for range b.N {
		bare = measureIdle(b, n, bareServer(b))
		rtc = measureIdle(b, n, rtcIdleDialer(b, n))
	}
	b.ReportMetric(bare.bytes/1024, "bare_KiB/conn")
	b.ReportMetric(rtc.bytes/1024, "rtc_KiB/conn")
	b.ReportMetric(rtc.bytes/bare.bytes, "ratio_mem")
	b.ReportMetric(bare.goroutines, "bare_goroutines/conn")
	b.ReportMetric(rtc.goroutines, "rtc_goroutines/conn")
	b.ReportMetric(rtc.bytes*10000/(1<<20), "rtc_MiB/10k")
	b.ReportMetric(bare.stack/1024, "bare_stack_KiB/conn")
	b.ReportMetric(rtc.stack/1024, "rtc_stack_KiB/conn")
}

// idleCost is one side's cost per connection.
type idleCost struct{ bytes, stack, goroutines float64 }

// dialer opens one idle connection, returning once the server is idle on
// it (it has answered a ping).
type dialer func(ctx context.Context) (*websocket.Conn, error)

// measureIdle opens n connections with dial and reports the growth of
// live memory and goroutines, per connection. The connections are closed
// before it returns.
func measureIdle(b *testing.B, n int, dial dialer) idleCost {
	b.Helper()
	ctx := context.Background()
	settle()
	before, s0, g0 := liveBytes(), stackBytes(), runtime.NumGoroutine()
	conns := make([]*websocket.Conn, 0, n)
	defer func() {
		for _, c := range conns {
			_ = c.CloseNow()
		}
	}()
	for range n {
		c, err := dial(ctx)
		if err != nil {
			b.Fatal(err)
		}
		conns = append(conns, c)
	}
	settle()
	after, s1, g1 := liveBytes(), stackBytes(), runtime.NumGoroutine()
	runtime.KeepAlive(conns)
	return idleCost{bytes: float64(after-before) / float64(n), stack: (float64(s1) - float64(s0)) / float64(n), goroutines: float64(g1-g0) / float64(n)}
}

// settle lets finished goroutines exit and collects the garbage.
func settle() {
	time.Sleep(50 * time.Millisecond)
	runtime.GC()
	runtime.GC()
}

// liveBytes is the live heap plus the goroutine stacks.
func liveBytes() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc + m.StackInuse
}

// bareServer is the baseline: a coder/websocket server that accepts and
// reads, answering each message with the same bytes, on its own
// loopback port.
func bareServer(b *testing.B) dialer {
	url := bareServerURL(b)
	return func(ctx context.Context) (*websocket.Conn, error) {
		ws, _, err := websocket.Dial(ctx, url, nil)
		if err != nil {
			return nil, err
		}
		return ws, pingPong(ctx, ws)
	}
}

// bareServerURL starts the bare server and returns its ws:// URL.
func bareServerURL(t testing.TB) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer ws.CloseNow()
		for {
			typ, p, err := ws.Read(r.Context())
			if err != nil || ws.Write(r.Context(), typ, p) != nil {
				return
			}
		}
	}))
	t.Cleanup(srv.Close)
	return "ws" + srv.URL[len("http"):]
}

// rtcIdleDialer opens /rtc on a fresh interview each time; the
// interviews are created before it returns, outside the measurement.
func rtcIdleDialer(b *testing.B, n int) dialer {
	a := newRTCApp(b, rtcOptions{limits: RTCLimits{ConnsPerIPPerMinute: 1 << 30}})
	urls := make(chan string, n)
	for range n {
		v := a.newInterview(rtcQuestions...)
		urls <- a.rtcURL(a.token(v), v.ID)
	}
	h := http.Header{"Origin": {a.URL}}
	return func(ctx context.Context) (*websocket.Conn, error) {
		ws, _, err := websocket.Dial(ctx, <-urls, &websocket.DialOptions{HTTPHeader: h})
		if err != nil {
			return nil, err
		}
		return ws, pingPong(ctx, ws)
	}
}

// pingPong sends the protocol's ping and reads one answer, so the
// server's side of the connection is set up and waiting.
func pingPong(ctx context.Context, ws *websocket.Conn) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := ws.Write(ctx, websocket.MessageText, []byte(`{"type":"ping"}`)); err != nil {
		return err
	}
	_, _, err := ws.Read(ctx)
	return err
}

// stackBytes is the goroutine stacks alone.
func stackBytes() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.StackInuse
}
