package engine

import (
	"bytes"
	"sync"
	"time"

	"github.com/pion/interceptor"
	"github.com/pion/rtcp"
	"github.com/pion/rtp"
	"github.com/pion/sdp/v3"
	"github.com/pion/webrtc/v4"
)

// drainRTCP reads RTCP until the peer closes: interceptors only see RTCP
// that somebody reads.
func drainRTCP(read func() ([]rtcp.Packet, interceptor.Attributes, error)) {
	for {
		if _, _, err := read(); err != nil {
			return
		}
	}
}

// receiveAudio is the media goroutine of a call: it reads every RTP packet
// of the candidate's track until the peer closes and hands its audio to the
// call's listener through a bounded queue. It never waits for the listener:
// when the queue is full the packet is dropped and counted.
func (c *call) receiveAudio(track *webrtc.TrackRemote, receiver *webrtc.RTPReceiver) {
	c.goTracked(func() { drainRTCP(receiver.ReadRTCP) })
	levelID := extensionID(receiver, sdp.AudioLevelURI)
	queue := make(chan audioPacket, audioQueueLen)
	defer close(queue)
	l := newListener(c, track.Codec().MimeType)
	if !c.track() {
		return
	}
	go func() {
		defer c.wg.Done()
		l.run(queue)
	}()
	clock := track.Codec().ClockRate
	buf := make([]byte, 1500)
	var pkt rtp.Packet
	var first uint32
	started := false
	for {
		n, _, err := track.Read(buf)
		if err != nil {
			return
		}
		if pkt.Unmarshal(buf[:n]) != nil {
			c.e.stats.badPackets.Add(1)
			continue
		}
		if !started {
			first, started = pkt.Timestamp, true
		}
		p := audioPacket{seq: pkt.SequenceNumber, at: rtpOffset(pkt.Timestamp-first, clock), payload: bytes.Clone(pkt.Payload)}
		p.level, p.voice = audioLevel(&pkt, levelID)
		select {
		case queue <- p:
		default:
			c.e.stats.dropped.Add(1)
		}
	}
}

func (c *call) turnSettings() TurnDetection {
	c.mu.Lock()
	defer c.mu.Unlock()
	td := c.sess.Turn
	if td.Type != "" && td.SilenceDurationMS == nil {
		ms := int(c.e.cfg.Turn.Silence / time.Millisecond)
		td.SilenceDurationMS = &ms
	}
	return td
}

func rtpOffset(ticks, clockRate uint32) time.Duration {
	if clockRate == 0 {
		return 0
	}
	return time.Duration(ticks) * time.Second / time.Duration(clockRate)
}

func extensionID(r *webrtc.RTPReceiver, uri string) uint8 {
	for _, ext := range r.GetParameters().HeaderExtensions {
		if ext.URI == uri && ext.ID > 0 && ext.ID < 256 {
			return uint8(ext.ID)
		}
	}
	return 0
}

// audioLevel reads RFC 6464: one byte, the voice bit then the level in -dBov.
func audioLevel(pkt *rtp.Packet, id uint8) (int, bool) {
	if id == 0 {
		return -1, false
	}
	b := pkt.GetExtension(id)
	if len(b) == 0 {
		return -1, false
	}
	return int(b[0] & 0x7f), b[0]&0x80 != 0
}

// audioBuffer holds the candidate's decoded audio since the last commit.
type audioBuffer struct {
	mu  sync.Mutex
	pcm PCM
}

// maxUtterance caps one answer's audio (at 16 kHz about 5 minutes, 10 MB).
const maxUtterance = 16000 * 60 * 5

func (b *audioBuffer) append(p PCM) {
	if len(p.Samples) == 0 {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.pcm.Rate == 0 {
		b.pcm.Rate = p.Rate
	}
	room := maxUtterance - len(b.pcm.Samples)
	if room > 0 && p.Rate == b.pcm.Rate {
		b.pcm.Samples = append(b.pcm.Samples, p.Samples[:min(room, len(p.Samples))]...)
	}
}

func (b *audioBuffer) take() PCM {
	b.mu.Lock()
	defer b.mu.Unlock()
	p := b.pcm
	b.pcm = PCM{}
	return p
}
