// Package peer is a candidate's browser as a pion WebRTC peer, for tests
// of the realtime side: an Opus microphone (silence, chosen packets or an
// Ogg file's, optionally with the RFC 6464 audio-level extension), the
// oai-events data channel and the server events it brings, all on ICE over
// UDP4 loopback. Only tests import it. It imports no other interviewd
// package, so the engine's own tests can use it too.
//
// A test creates a Peer, sends its Offer to whatever answers (the engine's
// calls endpoint, or /rtc through interviewd), applies the Answer and waits
// until it is connected:
//
//	p := peer.New(t, peer.Options{AudioLevel: true})
//	answer := postOffer(p.Offer())
//	p.Answer(answer)
//	p.WaitConnected()
//	p.SendEvent(peer.ResponseCreate())       // ask for the greeting, as interviewd does
//	p.Until("response.done", 10*time.Second) // the greeting
//	p.Send(packets...)                       // an answer, in real time
//
// Everything the peer started ends with the test, or earlier with Close.
package peer

import (
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pion/ice/v4"
	"github.com/pion/sdp/v3"
	"github.com/pion/webrtc/v4"
)

// EventsLabel is the data channel OpenAI's clients open for events.
const EventsLabel = "oai-events"

// ConnectTimeout is how long WaitConnected waits for ICE and DTLS.
const ConnectTimeout = 10 * time.Second

// Options shape a Peer. The zero value is a browser whose microphone sends
// nothing until Play or Send gives it packets, with the data channel.
type Options struct {
	// AudioLevel negotiates the RFC 6464 audio-level header extension;
	// every packet then carries its Packet.Level, as Chromium's do.
	AudioLevel bool
	// OpenMic sends a packet every Frame from the moment the peer is
	// connected: what Play was given, else Opus silence, as an open
	// microphone in a quiet room does.
	OpenMic bool
	// NoDataChannel leaves out the oai-events data channel, as a client
	// that hears the call only through a sideband.
	NoDataChannel bool
}

// Peer is one candidate's browser. Its methods that can fail end the test
// with t.Fatal, so call them from the test's goroutine; Play, Send, Heard,
// Close and the channels may be used from any goroutine.
type Peer struct {
	t      testing.TB
	opts   Options
	pc     *webrtc.PeerConnection
	track  *webrtc.TrackLocalStaticRTP
	dc     *webrtc.DataChannel
	events chan Event
	heard  atomic.Int64
	// levelID is the negotiated extension's id (0 sends no levels), set
	// before the microphone starts and never after.
	levelID uint8

	connected chan struct{}
	dcOpen    chan struct{}
	dcClosed  chan struct{}
	stop      chan struct{}
	wake      chan struct{} // Play gave the microphone something
	closeOnce sync.Once
	wg        sync.WaitGroup

	mu     sync.Mutex // guards the fields below
	closed bool       // Close has begun: no goroutine may start
	clips  []*clip    // what the microphone plays, the current one first
	micOff bool       // the microphone has stopped for good
}

// New creates a peer with its microphone track and, unless told
// otherwise, its data channel, both before the offer as a browser does.
func New(t testing.TB, o Options) *Peer {
	t.Helper()
	api, err := NewAPI(o)
	if err != nil {
		t.Fatal(err)
	}
	pc, err := api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		t.Fatalf("new peer connection: %v", err)
	}
	p := &Peer{t: t, opts: o, pc: pc, events: make(chan Event, 1024), connected: make(chan struct{}),
		dcOpen: make(chan struct{}), dcClosed: make(chan struct{}), stop: make(chan struct{}), wake: make(chan struct{}, 1)}
	t.Cleanup(p.Close)
	p.track, err = webrtc.NewTrackLocalStaticRTP(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2}, "mic", "candidate")
	if err != nil {
		t.Fatal(err)
	}
	sender, err := pc.AddTrack(p.track)
	if err != nil {
		t.Fatalf("add the microphone: %v", err)
	}
	p.wg.Go(func() {
		for {
			if _, _, err := sender.ReadRTCP(); err != nil {
				return
			}
		}
	})
	var once sync.Once
	pc.OnConnectionStateChange(func(s webrtc.PeerConnectionState) {
		if s == webrtc.PeerConnectionStateConnected {
			once.Do(func() { p.start(sender) })
		}
	})
	pc.OnTrack(p.listen)
	if !o.NoDataChannel {
		p.openDataChannel()
	}
	return p
}

// NewAPI returns the pion API a peer with these options is built on: ICE
// over UDP4 on 127.0.0.1 only, no mDNS, pion's default codecs, and the
// audio-level extension when o.AudioLevel is set.
func NewAPI(o Options) (*webrtc.API, error) {
	var se webrtc.SettingEngine
	se.SetIncludeLoopbackCandidate(true)
	se.SetIPFilter(func(ip net.IP) bool { return ip.IsLoopback() && ip.To4() != nil })
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	m := &webrtc.MediaEngine{}
	if err := m.RegisterDefaultCodecs(); err != nil {
		return nil, fmt.Errorf("register codecs: %w", err)
	}
	if o.AudioLevel {
		ext := webrtc.RTPHeaderExtensionCapability{URI: sdp.AudioLevelURI}
		if err := m.RegisterHeaderExtension(ext, webrtc.RTPCodecTypeAudio); err != nil {
			return nil, fmt.Errorf("register the audio level: %w", err)
		}
	}
	return webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithSettingEngine(se)), nil
}

// start runs once the peer is connected: it learns the extension's id and
// switches the microphone on, unless Close has begun.
func (p *Peer) start(sender *webrtc.RTPSender) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return
	}
	for _, ext := range sender.GetParameters().HeaderExtensions {
		if p.opts.AudioLevel && ext.URI == sdp.AudioLevelURI {
			p.levelID = uint8(ext.ID)
		}
	}
	close(p.connected)
	p.wg.Go(p.microphone)
}

// listen reads what the other side sends, counting its PCMU packets.
func (p *Peer) listen(tr *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
	const pcmu = 0 // pion's default payload type for PCMU
	for {
		pkt, _, err := tr.ReadRTP()
		if err != nil {
			return
		}
		if pkt.PayloadType == pcmu {
			p.heard.Add(1)
		}
	}
}

// Heard returns how many PCMU packets the peer has received: the
// interviewer's speech, which the local engine sends as PCMU.
func (p *Peer) Heard() int64 { return p.heard.Load() }

// Offer creates the offer and waits for ICE gathering, as a non-trickle
// browser does, and returns its SDP.
func (p *Peer) Offer() string {
	p.t.Helper()
	o, err := p.pc.CreateOffer(nil)
	if err != nil {
		p.t.Fatalf("create offer: %v", err)
	}
	gathered := webrtc.GatheringCompletePromise(p.pc)
	if err := p.pc.SetLocalDescription(o); err != nil {
		p.t.Fatalf("set offer: %v", err)
	}
	<-gathered
	return p.pc.LocalDescription().SDP
}

// Answer applies the answer to the peer's offer.
func (p *Peer) Answer(answer string) {
	p.t.Helper()
	if err := p.pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: answer}); err != nil {
		p.t.Fatalf("set answer: %v", err)
	}
}

// WaitConnected waits until the peer is connected, at most ConnectTimeout.
func (p *Peer) WaitConnected() {
	p.t.Helper()
	select {
	case <-p.connected:
	case <-time.After(ConnectTimeout):
		p.t.Fatalf("peer did not connect within %v", ConnectTimeout)
	}
}

// Close hangs up: the microphone stops and the peer connection closes;
// Close returns once the microphone and the RTCP reader have ended, and
// releases whatever Play still waits on. Closing again does nothing; the
// test's end closes the peer too.
func (p *Peer) Close() {
	p.closeOnce.Do(func() {
		p.mu.Lock()
		p.closed = true
		p.mu.Unlock()
		close(p.stop)
		_ = p.pc.Close()
		p.wg.Wait()
		p.switchOff()
	})
}
