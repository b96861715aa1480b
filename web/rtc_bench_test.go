package web

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/interviewd/interviewd/internal/calls"
	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/realtime"
)

// BenchmarkSDPProxy measures, in one run against the same local engine,
// the time from sdp_offer sent on /rtc to sdp_answer received, and a
// direct POST /v1/realtime/calls with the same offer. It reports the
// medians, the ratio and the time the proxy adds at p50 and p99, and, to
// split that, the round trip of a ping on the same connection. Creating
// interviews, connecting and hanging up are outside the measurements.
//
// The sub-benchmarks differ in calls.Config.SidebandDelay: the default
// (1 ms) lets the answer reach the client before the server opens its
// sideband; "no-delay" opens it at once, and on this 2-core machine the
// client, server and engine then share the CPU with that work.
func BenchmarkSDPProxy(b *testing.B) {
	b.Run("default", func(b *testing.B) { benchSDPProxy(b, calls.Config{}) })
	b.Run("no-delay", func(b *testing.B) { benchSDPProxy(b, calls.Config{SidebandDelay: time.Nanosecond}) })
}

func benchSDPProxy(b *testing.B, cfg calls.Config) {
	checkRTCLeaks(b)
	a := newRTCApp(b, rtcOptions{limits: RTCLimits{ConnsPerIPPerMinute: 1 << 30}, calls: cfg})
	offer := newRTCPeer(b).offer()
	offerMsg, _ := json.Marshal(map[string]string{"type": msgSDPOffer, "sdp": offer})
	client := realtime.NewClient(a.URL+"/v1", rtcEngineKey, nil)
	pingMsg := []byte(`{"type":"ping"}`)
	var proxied, straight, pings []time.Duration
	ctx := context.Background()
	b.ResetTimer()
	b.StopTimer()
	for i := range b.N {
		b.StopTimer()
		v := a.newInterview(rtcQuestions...)
		ws := a.rawDial(b, a.token(v), v.ID)
		session := realtime.BuildSession(realtime.Settings{Model: "gpt-realtime"}, realtime.Brief{Position: interview.Position{Title: "x", Questions: rtcQuestions}})
		// Each measurement starts on a quiet server: the other one's call
		// has been hung up and the engine holds no call. The order
		// alternates, so neither side always runs on the caches the other
		// warmed.
		quiet := func() {
			for a.Engine.ActiveCalls() != 0 {
				time.Sleep(100 * time.Microsecond)
			}
		}
		proxy := func() {
			quiet()
			b.StartTimer()
			start := time.Now()
			if err := ws.Write(ctx, websocket.MessageText, offerMsg); err != nil {
				b.Fatal(err)
			}
			if m := readMessage(b, ws); m.Type != msgSDPAnswer {
				b.Fatalf("got %+v", m)
			}
			proxied = append(proxied, time.Since(start))
			b.StopTimer()
			readMessage(b, ws) // session
			for a.session(v).Status != interview.StatusInProgress {
				time.Sleep(100 * time.Microsecond) // until the sideband is attached
			}
			_ = ws.Write(ctx, websocket.MessageText, []byte(`{"type":"end"}`))
			for {
				if _, _, err := ws.Read(ctx); err != nil {
					break
				}
			}
		}
		direct := func() {
			quiet()
			b.StartTimer()
			start := time.Now()
			call, err := client.CreateCall(ctx, offer, session)
			straight = append(straight, time.Since(start))
			b.StopTimer()
			if err != nil {
				b.Fatal(err)
			}
			_ = client.Hangup(ctx, call.ID)
		}
		// The transport alone: a ping answered by the same handler.
		start := time.Now()
		if err := ws.Write(ctx, websocket.MessageText, pingMsg); err != nil {
			b.Fatal(err)
		}
		if m := readMessage(b, ws); m.Type != msgPong {
			b.Fatalf("got %+v", m)
		}
		pings = append(pings, time.Since(start))
		if i%2 == 0 {
			proxy()
			direct()
		} else {
			direct()
			proxy()
		}
	}
	b.StopTimer()
	p50, p99 := percentile(proxied, 50), percentile(proxied, 99)
	d50, d99 := percentile(straight, 50), percentile(straight, 99)
	b.ReportMetric(ms(p50), "proxy_p50_ms")
	b.ReportMetric(ms(d50), "direct_p50_ms")
	b.ReportMetric(ms(p50)/ms(d50), "ratio_p50")
	b.ReportMetric(ms(p50-d50), "added_p50_ms")
	b.ReportMetric(ms(p99-d99), "added_p99_ms")
	// What the proxy adds beyond one WebSocket round trip, which no proxy
	// on a WebSocket can avoid: the work done per offer.
	b.ReportMetric(ms(percentile(pings, 50)), "ws_rtt_p50_ms")
	b.ReportMetric(ms(p50-d50-percentile(pings, 50)), "added_beyond_rtt_p50_ms")
}

// rawDial opens /rtc for a caller that reads in its own goroutine, as a
// browser's event loop does, without the test client's reader.
func (a *rtcApp) rawDial(b *testing.B, token, session string) *websocket.Conn {
	ws, _, err := websocket.Dial(context.Background(), a.rtcURL(token, session),
		&websocket.DialOptions{HTTPHeader: http.Header{"Origin": {a.URL}}})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = ws.CloseNow() })
	return ws
}

func readMessage(b *testing.B, ws *websocket.Conn) serverMessage {
	_, data, err := ws.Read(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	var m serverMessage
	if err := json.Unmarshal(data, &m); err != nil {
		b.Fatal(err)
	}
	return m
}

func percentile(d []time.Duration, p int) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[min(len(s)-1, len(s)*p/100)]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
