package engine

import (
	"time"

	"github.com/pion/webrtc/v4"
)

// eventsLabel is the data channel OpenAI's clients open for events.
const eventsLabel = "oai-events"

// maxDataChannelBacklog is how much may wait in the SCTP send buffer before
// events for that client are dropped: a client that does not read must not
// grow the engine's memory.
const maxDataChannelBacklog = 4 << 20

// dataChannel is the call's oai-events channel as an event sink.
type dataChannel struct {
	dc *webrtc.DataChannel
}

func (d *dataChannel) send(msg []byte) bool {
	if d.dc.ReadyState() != webrtc.DataChannelStateOpen || d.dc.BufferedAmount() > maxDataChannelBacklog {
		return false
	}
	return d.dc.SendText(string(msg)) == nil
}

// flush waits, for at most limit, until SCTP has every queued event
// acknowledged, so the last events are not cut off by the peer closing.
// The limit is short: the last chunk's acknowledgement can lag (seen with
// pion on both ends), and the events have usually arrived by then.
func (d *dataChannel) flush(limit time.Duration) {
	deadline := time.Now().Add(limit)
	for d.dc.BufferedAmount() > 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
}

// hookPeer connects pion's callbacks to the call. They run on pion's
// goroutines, so they only record state and wake the run goroutine.
func (c *call) hookPeer() {
	c.pc.OnConnectionStateChange(func(s webrtc.PeerConnectionState) {
		c.mu.Lock()
		switch s {
		case webrtc.PeerConnectionStateConnected:
			c.connected = true
		case webrtc.PeerConnectionStateFailed, webrtc.PeerConnectionStateClosed:
			c.lost = true
		}
		c.mu.Unlock()
		c.log.Debug("peer state", "state", s.String())
		c.signal()
	})
	c.pc.OnTrack(func(track *webrtc.TrackRemote, receiver *webrtc.RTPReceiver) {
		if track.Kind() != webrtc.RTPCodecTypeAudio || !c.track() {
			return
		}
		defer c.wg.Done()
		c.receiveAudio(track, receiver)
	})
	c.pc.OnDataChannel(func(dc *webrtc.DataChannel) {
		if dc.Label() != eventsLabel {
			return
		}
		d := &dataChannel{dc: dc}
		dc.OnOpen(func() { c.openDataChannel(d) })
		dc.OnMessage(func(m webrtc.DataChannelMessage) { c.fromDataChannel(d, m) })
		dc.OnClose(func() { c.closeDataChannel(d) })
	})
}

// openDataChannel sends session.created, then makes the channel hear every
// later event; both under mu, so nothing slips in between.
func (c *call) openDataChannel(d *dataChannel) {
	c.mu.Lock()
	if c.ending || c.dc != nil {
		c.mu.Unlock()
		return
	}
	d.send(encode(newSessionEvent("session.created", c.sessID, c.sess, c.expires)))
	c.dc = d
	c.mu.Unlock()
	c.signal()
}

func (c *call) closeDataChannel(d *dataChannel) {
	c.mu.Lock()
	if c.dc == d {
		c.dc = nil
	}
	c.mu.Unlock()
}

func (c *call) fromDataChannel(d *dataChannel, m webrtc.DataChannelMessage) {
	if !m.IsString {
		d.send(encode(newErrorEvent(invalidEvent("", "Binary messages are not supported; send JSON text."))))
		return
	}
	c.receive(d, m.Data)
}
