package netem

import (
	"net"
	"testing"
	"time"
)

// TestLink measures what the link does under the bad-network conditions
// the browser tests use: the round trip of a TCP handshake from the
// namespace, the loss of UDP packets echoed back, an outage that lets
// nothing through, and recovery once it ends.
func TestLink(t *testing.T) {
	l := New(t)
	bad := Conditions{Delay: 75 * time.Millisecond, Jitter: 10 * time.Millisecond, Loss: 3}
	l.Set(bad)

	rtts := l.RTT(15)
	median := rtts[len(rtts)/2]
	t.Logf("%s: TCP handshake round trips %v (median %v)", l.Kind, rtts, median)
	if median < 130*time.Millisecond || median > 250*time.Millisecond {
		t.Errorf("median round trip %v, want 150 ms ± 20 ms", median)
	}

	echo := udpEcho(t, l)
	const n = 600
	got := echo(n, 2*time.Millisecond)
	lost := 100 * float64(n-got) / n
	t.Logf("%s: %d of %d UDP packets echoed (%.1f%% lost on the round trip; 3%% each way is 5.9%%)", l.Kind, got, n, lost)
	if lost < 2 || lost > 12 {
		t.Errorf("round-trip loss %.1f%%, want about 5.9%%", lost)
	}
	if up, down, ok := l.Counts(); ok {
		t.Logf("wire counts: namespace → host %+v, host → namespace %+v", up, down)
		if up.Dropped == 0 || down.Dropped == 0 {
			t.Error("the wire dropped nothing in one direction")
		}
	}

	l.Set(Conditions{Down: true})
	if got := echo(50, 5*time.Millisecond); got != 0 {
		t.Errorf("%d packets crossed a link that is down", got)
	}
	l.Set(bad)
	if got := echo(50, 5*time.Millisecond); got < 40 {
		t.Errorf("%d of 50 packets crossed once the link is back", got)
	}
}

// udpEcho starts a UDP echo server on the link's host end and returns a
// function that sends n numbered packets from the namespace, one every
// gap, and counts the distinct ones echoed back within a second of the last.
func udpEcho(t *testing.T, l *Link) func(n int, gap time.Duration) int {
	t.Helper()
	srv, err := net.ListenPacket("udp", net.JoinHostPort(l.HostIP, "0"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	go func() {
		buf := make([]byte, 64)
		for {
			n, from, err := srv.ReadFrom(buf)
			if err != nil {
				return
			}
			_, _ = srv.WriteTo(buf[:n], from)
		}
	}()
	return func(n int, gap time.Duration) int {
		seen := map[uint16]bool{}
		err := l.InNS(func() error {
			c, err := net.Dial("udp", srv.LocalAddr().String())
			if err != nil {
				return err
			}
			defer c.Close()
			done := make(chan struct{})
			go func() {
				defer close(done)
				buf := make([]byte, 64)
				for {
					m, err := c.Read(buf)
					if err != nil {
						return
					}
					if m == 2 {
						seen[uint16(buf[0])<<8|uint16(buf[1])] = true
					}
				}
			}()
			for i := range n {
				if _, err := c.Write([]byte{byte(i >> 8), byte(i)}); err != nil {
					return err
				}
				time.Sleep(gap)
			}
			time.Sleep(time.Second)
			c.Close()
			<-done
			return nil
		})
		if err != nil {
			t.Fatalf("echo: %v", err)
		}
		return len(seen)
	}
}
