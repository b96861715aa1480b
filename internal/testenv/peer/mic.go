package peer

import (
	"time"

	"github.com/pion/rtp"
)

// Frame is the audio one packet carries; the microphone sends one packet
// every Frame.
const Frame = 20 * time.Millisecond

// frameTicks is one Frame on Opus's 48 kHz RTP clock.
const frameTicks = 960

// SilenceLevel is the RFC 6464 level of silence, 127 dB below full scale.
const SilenceLevel = 127

// NoLevel as a Packet's Level sends the packet without the extension.
const NoLevel = -1

// Packet is one Frame of the microphone: an Opus payload and its RFC 6464
// level, from 0 (full scale) to SilenceLevel in dB below full scale, or
// NoLevel. The level is sent only when the extension was negotiated.
type Packet struct {
	Payload []byte
	Level   int
}

// opusSilence is one 20 ms Opus frame of silence, as a muted microphone
// sends it.
var opusSilence = []byte{0xf8, 0xff, 0xfe}

// Silence returns d of Opus silence, at SilenceLevel.
func Silence(d time.Duration) []Packet {
	out := make([]Packet, int(d/Frame))
	for i := range out {
		out[i] = Packet{Payload: opusSilence, Level: SilenceLevel}
	}
	return out
}

// clip is what one Play gave the microphone, and the channel closed once
// it is sent.
type clip struct {
	pkts []Packet
	done chan struct{}
}

// Play queues packets on the microphone, after anything it still has to
// play, and returns a channel closed one Frame after the last is sent, or
// once the peer is closed. The microphone runs only once the peer is
// connected; packets played before then wait. RTP sequence numbers and
// timestamps run on across everything the peer sends.
func (p *Peer) Play(pkts ...Packet) <-chan struct{} {
	c := &clip{pkts: pkts, done: make(chan struct{})}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.micOff {
		close(c.done)
		return c.done
	}
	p.clips = append(p.clips, c)
	select {
	case p.wake <- struct{}{}:
	default:
	}
	return c.done
}

// Send plays packets in real time and returns once they are sent, or once
// the peer is closed.
func (p *Peer) Send(pkts ...Packet) { <-p.Play(pkts...) }

// microphone sends, every Frame, the next packet it was given to play,
// else Opus silence with an open microphone, else nothing.
func (p *Peer) microphone() {
	defer p.switchOff()
	tick := time.NewTicker(Frame)
	defer tick.Stop()
	pkt := rtp.Packet{Header: rtp.Header{Version: 2}}
	for {
		if !p.opts.OpenMic && p.idle() {
			select { // a muted microphone starts a clip at once
			case <-p.wake:
				tick.Reset(Frame)
			case <-p.stop:
				return
			}
		} else {
			select {
			case <-p.stop:
				return
			case <-tick.C:
			}
		}
		next, ok := p.next()
		if !ok {
			continue
		}
		pkt.Payload = next.Payload
		pkt.Extensions, pkt.Extension = nil, false
		if p.levelID != 0 && next.Level >= 0 && next.Level <= SilenceLevel {
			_ = pkt.SetExtension(p.levelID, []byte{byte(next.Level)})
		}
		if p.track.WriteRTP(&pkt) != nil {
			return
		}
		pkt.SequenceNumber++
		pkt.Timestamp += frameTicks
	}
}

func (p *Peer) idle() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.clips) == 0
}

// next returns the packet to send now. A clip is done one Frame after its
// last packet, when the next clip's first packet goes out.
func (p *Peer) next() (Packet, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for len(p.clips) > 0 && len(p.clips[0].pkts) == 0 {
		close(p.clips[0].done)
		p.clips = p.clips[1:]
	}
	if len(p.clips) > 0 {
		c := p.clips[0]
		next := c.pkts[0]
		c.pkts = c.pkts[1:]
		return next, true
	}
	if p.opts.OpenMic {
		return Packet{Payload: opusSilence, Level: SilenceLevel}, true
	}
	return Packet{}, false
}

// switchOff stops the microphone for good: whatever it still had to play
// is never sent, and its waiters are released.
func (p *Peer) switchOff() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.micOff = true
	for _, c := range p.clips {
		close(c.done)
	}
	p.clips = nil
}
