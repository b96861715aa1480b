package engine

import (
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
// of the candidate's track until the peer closes, and feeds the voice
// detector. It must never block on anything slower than the inbox.
func (c *call) receiveAudio(track *webrtc.TrackRemote, receiver *webrtc.RTPReceiver) {
	c.goTracked(func() { drainRTCP(receiver.ReadRTCP) })
	levelID := extensionID(receiver, sdp.AudioLevelURI)
	det := c.e.cfg.VoiceDetector.NewTurnDetector(c.turnSettings())
	var first uint32
	started := false
	for {
		pkt, _, err := track.ReadRTP()
		if err != nil {
			return
		}
		if !started {
			first, started = pkt.Timestamp, true
		}
		f := Frame{At: rtpOffset(pkt.Timestamp-first, track.Codec().ClockRate)}
		f.Level, f.Voice = audioLevel(pkt, levelID)
		// Issue 6 seam: decode pkt.Payload (Opus) into f.PCM here, off no
		// lock, and c.audio.append(f.PCM) while a turn is open.
		if v := det.Feed(f); v != VoiceNone {
			c.post(voiceInput{voice: v, at: f.At})
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
