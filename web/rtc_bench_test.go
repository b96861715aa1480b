package web

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/realtime"
)

// BenchmarkSDPProxy measures, in one run against the same local engine,
// the time from sdp_offer sent on /rtc to sdp_answer received, and a
// direct POST /v1/realtime/calls with the same offer. It reports the
// medians, the ratio and the time the proxy adds at p50 and p99. Creating
// interviews, connecting and hanging up are outside the measurements.
func BenchmarkSDPProxy(b *testing.B) {
	checkRTCLeaks(b)
	a := newRTCApp(b, rtcOptions{limits: RTCLimits{ConnsPerIPPerMinute: 1 << 30}})
	offer := newRTCPeer(b).offer()
	offerMsg, _ := json.Marshal(map[string]string{"type": msgSDPOffer, "sdp": offer})
	direct := realtime.NewClient(a.URL+"/v1", rtcEngineKey, nil)
	var proxied, straight []time.Duration
	ctx := context.Background()
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		v := a.newInterview(rtcQuestions...)
		ws := a.rawDial(b, a.token(v), v.ID)
		session := realtime.BuildSession(realtime.Settings{Model: "gpt-realtime"}, realtime.Brief{Position: interview.Position{Title: "x", Questions: rtcQuestions}})
		b.StartTimer()

		start := time.Now()
		if err := ws.Write(ctx, websocket.MessageText, offerMsg); err != nil {
			b.Fatal(err)
		}
		if m := readMessage(b, ws); m.Type != msgSDPAnswer {
			b.Fatalf("got %+v", m)
		}
		proxied = append(proxied, time.Since(start))

		start = time.Now()
		call, err := direct.CreateCall(ctx, offer, session)
		straight = append(straight, time.Since(start))

		b.StopTimer()
		if err != nil {
			b.Fatal(err)
		}
		_ = direct.Hangup(ctx, call.ID)
		readMessage(b, ws) // session
		_ = ws.Write(ctx, websocket.MessageText, []byte(`{"type":"end"}`))
		for {
			if _, _, err := ws.Read(ctx); err != nil {
				break
			}
		}
		b.StartTimer()
	}
	b.StopTimer()
	p50, p99 := percentile(proxied, 50), percentile(proxied, 99)
	d50, d99 := percentile(straight, 50), percentile(straight, 99)
	b.ReportMetric(ms(p50), "proxy_p50_ms")
	b.ReportMetric(ms(d50), "direct_p50_ms")
	b.ReportMetric(ms(p50)/ms(d50), "ratio_p50")
	b.ReportMetric(ms(p50-d50), "added_p50_ms")
	b.ReportMetric(ms(p99-d99), "added_p99_ms")
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
