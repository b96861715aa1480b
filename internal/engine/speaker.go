package engine

import (
	"context"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
)

const (
	speakRate    = 8000                  // G.711
	speakFrame   = 20 * time.Millisecond // one RTP packet
	speakSamples = speakRate * 20 / 1000
)

// speaker sends the interviewer's lines on the call's outbound track as
// G.711 µ-law, one 20 ms packet at a time, in real time. Between lines it
// sends nothing; each line's first packet has the marker bit (a talkspurt)
// and timestamps follow the wall clock, so the browser's jitter buffer sees
// the pause for what it is.
type speaker struct {
	mu    sync.Mutex // one line at a time: a cancelled line stops within a packet
	track *webrtc.TrackLocalStaticRTP
	voice bool // the track is PCMU; an Opus track stays silent
	seq   uint16
	start time.Time
}

func newSpeaker(track *webrtc.TrackLocalStaticRTP, pcmu bool) *speaker {
	return &speaker{track: track, voice: pcmu, seq: uint16(rand.N(1 << 16)), start: time.Now()}
}

// frames encodes a line's audio as 20 ms payloads; none when the track
// cannot carry speech.
func (s *speaker) frames(p PCM) [][]byte {
	if s == nil || !s.voice || len(p.Samples) == 0 {
		return nil
	}
	p = resample(p, speakRate)
	var out [][]byte
	for i := 0; i < len(p.Samples); i += speakSamples {
		f := make([]byte, speakSamples)
		for j := range f {
			f[j] = 0xff // µ-law silence pads the last packet
		}
		for j, v := range p.Samples[i:min(i+speakSamples, len(p.Samples))] {
			f[j] = ulaw(v)
		}
		out = append(out, f)
	}
	return out
}

// play sends frames in real time until they are all sent or ctx ends,
// counting the packets sent in sent. It checks ctx before every packet, so
// a cancelled line stops within a packet.
func (s *speaker) play(ctx context.Context, frames [][]byte, sent *atomic.Int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	tick := time.NewTicker(speakFrame)
	defer tick.Stop()
	ts := uint32(time.Since(s.start) * speakRate / time.Second)
	for i, f := range frames {
		if ctx.Err() != nil {
			return
		}
		pkt := &rtp.Packet{Header: rtp.Header{Version: 2, Marker: i == 0, SequenceNumber: s.seq,
			Timestamp: ts + uint32(i*speakSamples)}, Payload: f}
		s.seq++
		if s.track.WriteRTP(pkt) != nil {
			return // the peer is closing
		}
		sent.Add(1)
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
