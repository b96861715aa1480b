package speech

import (
	"bytes"
	"fmt"
	"net"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/pion/ice/v4"
	"github.com/pion/interceptor"
	"github.com/pion/rtp"
	"github.com/pion/sdp/v3"
	"github.com/pion/webrtc/v4"

	"github.com/interviewd/interviewd/internal/engine"
	"github.com/interviewd/interviewd/internal/testenv/peer"
)

// lossyNetwork loses one packet in every and delivers another one late,
// after the packet that followed it: what a congested path does.
type lossyNetwork struct {
	interceptor.NoOp
	every int
}

func (n *lossyNetwork) NewInterceptor(string) (interceptor.Interceptor, error) { return n, nil }

func (n *lossyNetwork) BindLocalStream(_ *interceptor.StreamInfo, w interceptor.RTPWriter) interceptor.RTPWriter {
	var mu sync.Mutex
	count := 0
	var held *rtp.Packet
	return interceptor.RTPWriterFunc(func(h *rtp.Header, payload []byte, a interceptor.Attributes) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		count++
		switch count % n.every {
		case 0:
			return len(payload), nil // lost
		case n.every / 2:
			held = &rtp.Packet{Header: h.Clone(), Payload: bytes.Clone(payload)}
			return len(payload), nil // late: sent after the next one
		}
		written, err := w.Write(h, payload, a)
		if held != nil && err == nil {
			_, err = w.Write(&held.Header, held.Payload, a)
			held = nil
		}
		return written, err
	})
}

// TestRecognitionThroughLoss sends the clips through a pion call that
// loses 1 packet in 25 and delivers another after the packet that
// followed it. The engine puts each late packet back in its place (none is
// counted late) and skips the lost ones, and the word error rate stays
// within maxLossGapPoints of the files'.
func TestRecognitionThroughLoss(t *testing.T) {
	checkLeaks(t)
	const maxLossGapPoints = 5.0
	const every = 25
	rec := detected(t).Recognizer
	clips := recordClips(t, gapClips)
	g := gapResult{clips: clips}
	file := make([]string, len(clips))
	for i, c := range clips {
		file[i] = recognizeText(rec, c.wav)
	}
	r := tap{Recognizer: rec, heard: make(chan engine.PCM, len(clips)+4)}
	e, srv := startEngine(t, Tools{Recognizer: r, Synthesizer: engine.NoSynthesizer{}})
	m := newLossyMic(t, srv, every)
	heard := make([]string, len(clips))
	for i, c := range clips {
		m.send(append(c.pkts, peer.Silence(3*time.Second)...))
		heard[i] = m.transcribed(t)
		pcm := <-r.heard
		fmt.Printf("clip %d through loss: WER %5.1f%% (file %5.1f%%), %.2f s of audio\n  %s\n", i+1,
			100*WER(c.text, heard[i]), 100*WER(c.text, file[i]), pcm.Duration().Seconds(), heard[i])
	}
	st := e.Stats()
	fmt.Printf("through loss: pooled WER %.1f%%, files %.1f%%; engine %+v\n", g.pooled(heard), g.pooled(file), st)
	if st.LatePackets != 0 || st.BadFrames != 0 || st.DroppedPackets != 0 {
		t.Errorf("reordered packets not put back in place: %+v", st)
	}
	if gap := g.pooled(heard) - g.pooled(file); gap > maxLossGapPoints {
		t.Errorf("through loss the word error rate is %.1f points above the files' (at most %.0f)", gap, maxLossGapPoints)
	}
}

// lossyMic is a pion candidate whose packets cross a lossyNetwork: its
// microphone sends what it is given in real time, with the audio level.
type lossyMic struct {
	pc      *webrtc.PeerConnection
	track   *webrtc.TrackLocalStaticRTP
	levelID uint8
	events  chan peer.Event
	seq     uint16
	ts      uint32
}

func newLossyMic(t *testing.T, srv *httptest.Server, every int) *lossyMic {
	t.Helper()
	var se webrtc.SettingEngine
	se.SetIncludeLoopbackCandidate(true)
	se.SetIPFilter(func(ip net.IP) bool { return ip.IsLoopback() && ip.To4() != nil })
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	me := &webrtc.MediaEngine{}
	must(t, me.RegisterDefaultCodecs())
	must(t, me.RegisterHeaderExtension(webrtc.RTPHeaderExtensionCapability{URI: sdp.AudioLevelURI}, webrtc.RTPCodecTypeAudio))
	reg := &interceptor.Registry{}
	reg.Add(&lossyNetwork{every: every})
	api := webrtc.NewAPI(webrtc.WithMediaEngine(me), webrtc.WithSettingEngine(se), webrtc.WithInterceptorRegistry(reg))
	pc, err := api.NewPeerConnection(webrtc.Configuration{})
	must(t, err)
	t.Cleanup(func() { _ = pc.Close() })
	m := &lossyMic{pc: pc, events: make(chan peer.Event, 1024)}
	m.track, err = webrtc.NewTrackLocalStaticRTP(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2}, "mic", "candidate")
	must(t, err)
	sender, err := pc.AddTrack(m.track)
	must(t, err)
	go func() {
		for {
			if _, _, err := sender.ReadRTCP(); err != nil {
				return
			}
		}
	}()
	dc, err := pc.CreateDataChannel(peer.EventsLabel, nil)
	must(t, err)
	dc.OnMessage(func(msg webrtc.DataChannelMessage) {
		if ev, err := peer.DecodeEvent(msg.Data); err == nil {
			select {
			case m.events <- ev:
			default:
			}
		}
	})
	connected := make(chan struct{})
	var once sync.Once
	pc.OnConnectionStateChange(func(s webrtc.PeerConnectionState) {
		if s == webrtc.PeerConnectionStateConnected {
			once.Do(func() { close(connected) })
		}
	})
	offer, err := pc.CreateOffer(nil)
	must(t, err)
	gathered := webrtc.GatheringCompletePromise(pc)
	must(t, pc.SetLocalDescription(offer))
	<-gathered
	answer, _ := postOffer(t, srv, pc.LocalDescription().SDP, gapSession(false))
	must(t, pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: answer}))
	select {
	case <-connected:
	case <-time.After(peer.ConnectTimeout):
		t.Fatal("the lossy peer did not connect")
	}
	for _, ext := range sender.GetParameters().HeaderExtensions {
		if ext.URI == sdp.AudioLevelURI {
			m.levelID = uint8(ext.ID)
		}
	}
	return m
}

// send plays packets in real time, one every 20 ms.
func (m *lossyMic) send(pkts []peer.Packet) {
	tick := time.NewTicker(peer.Frame)
	defer tick.Stop()
	for _, p := range pkts {
		<-tick.C
		pkt := rtp.Packet{Header: rtp.Header{Version: 2, SequenceNumber: m.seq, Timestamp: m.ts}, Payload: p.Payload}
		if m.levelID != 0 && p.Level >= 0 {
			_ = pkt.SetExtension(m.levelID, []byte{byte(p.Level)})
		}
		if m.track.WriteRTP(&pkt) != nil {
			return
		}
		m.seq++
		m.ts += 960
	}
}

func (m *lossyMic) transcribed(t *testing.T) string {
	t.Helper()
	timeout := time.After(60 * time.Second)
	for {
		select {
		case ev := <-m.events:
			if ev.Type == "conversation.item.input_audio_transcription.completed" {
				return ev.Transcript
			}
		case <-timeout:
			t.Fatal("no transcription within 60 s")
		}
	}
}
