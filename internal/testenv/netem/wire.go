package netem

import (
	"fmt"
	"math/rand/v2"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"
)

// WireCount is one direction of the userspace wire: packets carried and
// packets dropped (by loss or an outage).
type WireCount struct{ Carried, Dropped int64 }

// wire is the userspace link: a TUN device on each side, and the test
// process carrying IP packets between them as netem would, each delayed by
// Delay ± Jitter (uniform, so packets may overtake one another, as with
// netem) or dropped with probability Loss.
type wire struct {
	ends [2]*os.File // 0: the host's device, 1: the namespace's
	mu   sync.Mutex
	now  Conditions
	rng  *rand.Rand
	cnt  [2]struct{ carried, dropped atomic.Int64 } // 0: namespace → host, 1: host → namespace
	wg   sync.WaitGroup
}

// makeWire makes both TUN devices on the host, moves the peer's into the
// namespace, and starts carrying packets.
func (l *Link) makeWire() (*wire, error) {
	w := &wire{rng: rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))}
	for i, name := range []string{l.host, l.peer} {
		f, err := openTUN(name)
		if err != nil {
			w.close()
			return nil, err
		}
		w.ends[i] = f
	}
	if err := l.ip("link", "set", l.peer, "netns", l.NS); err != nil {
		w.close()
		return nil, err
	}
	w.wg.Add(2)
	go w.carry(w.ends[1], w.ends[0], 0)
	go w.carry(w.ends[0], w.ends[1], 1)
	return w, nil
}

// openTUN creates the TUN device name (IP packets, no header) and returns
// it as a pollable file, so that closing it ends a blocked read.
func openTUN(name string) (*os.File, error) {
	fd, err := unix.Open("/dev/net/tun", unix.O_RDWR|unix.O_CLOEXEC|unix.O_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("open /dev/net/tun: %w", err)
	}
	ifr, err := unix.NewIfreq(name)
	if err != nil {
		unix.Close(fd)
		return nil, err
	}
	ifr.SetUint16(unix.IFF_TUN | unix.IFF_NO_PI)
	if err := unix.IoctlIfreq(fd, unix.TUNSETIFF, ifr); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("TUNSETIFF %s: %w", name, err)
	}
	return os.NewFile(uintptr(fd), "tun:"+name), nil
}

func (w *wire) set(c Conditions) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.now = c
}

// fate decides one packet's: dropped, or delivered after the delay.
func (w *wire) fate() (time.Duration, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	c := w.now
	if c.Down || (c.Loss > 0 && w.rng.Float64()*100 < c.Loss) {
		return 0, false
	}
	d := c.Delay
	if c.Jitter > 0 {
		d += time.Duration(w.rng.Int64N(int64(2*c.Jitter)+1)) - c.Jitter
	}
	return max(d, 0), true
}

// carry moves packets from one device to the other until they close.
func (w *wire) carry(from, to *os.File, dir int) {
	defer w.wg.Done()
	buf := make([]byte, 1<<16)
	for {
		n, err := from.Read(buf)
		if err != nil {
			return
		}
		d, ok := w.fate()
		if !ok {
			w.cnt[dir].dropped.Add(1)
			continue
		}
		w.cnt[dir].carried.Add(1)
		pkt := append([]byte(nil), buf[:n]...)
		if d == 0 {
			_, _ = to.Write(pkt)
			continue
		}
		time.AfterFunc(d, func() { _, _ = to.Write(pkt) }) // a write after close fails harmlessly
	}
}

func (w *wire) count(dir int) WireCount {
	return WireCount{Carried: w.cnt[dir].carried.Load(), Dropped: w.cnt[dir].dropped.Load()}
}

func (w *wire) close() {
	for _, f := range w.ends {
		if f != nil {
			f.Close()
		}
	}
	w.wg.Wait()
}
