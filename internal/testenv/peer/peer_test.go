package peer

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
	"github.com/pion/webrtc/v4/pkg/media"
	"github.com/pion/webrtc/v4/pkg/media/oggwriter"
	"go.uber.org/goleak"
)

func checkLeaks(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) })
}

// answerer is the other side in these tests: a plain pion peer that keeps
// the microphone's packets and the data channel's messages, greets with
// events when the channel opens, and speaks PCMU.
type answerer struct {
	pc      *webrtc.PeerConnection
	speaker *webrtc.TrackLocalStaticSample
	packets chan *rtp.Packet
	texts   chan string
}

// connect answers p's offer and waits until p is connected.
func connect(t *testing.T, p *Peer, events ...string) *answerer {
	t.Helper()
	api, err := NewAPI(Options{AudioLevel: true})
	if err != nil {
		t.Fatal(err)
	}
	pc, err := api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = pc.Close() })
	a := &answerer{pc: pc, packets: make(chan *rtp.Packet, 1024), texts: make(chan string, 16)}
	pc.OnTrack(func(tr *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		for {
			pkt, _, err := tr.ReadRTP()
			if err != nil {
				return
			}
			select {
			case a.packets <- pkt:
			default:
			}
		}
	})
	pc.OnDataChannel(func(dc *webrtc.DataChannel) {
		dc.OnOpen(func() {
			for _, e := range events {
				_ = dc.SendText(e)
			}
		})
		dc.OnMessage(func(m webrtc.DataChannelMessage) { a.texts <- string(m.Data) })
	})
	must(t, pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: p.Offer()}))
	a.speaker, err = webrtc.NewTrackLocalStaticSample(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypePCMU, ClockRate: 8000}, "voice", "interviewer")
	must(t, err)
	_, err = pc.AddTrack(a.speaker)
	must(t, err)
	answer, err := pc.CreateAnswer(nil)
	must(t, err)
	gathered := webrtc.GatheringCompletePromise(pc)
	must(t, pc.SetLocalDescription(answer))
	<-gathered
	p.Answer(pc.LocalDescription().SDP)
	p.WaitConnected()
	return a
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// packet returns the next packet the answerer heard, and its level (-1
// without the extension).
func (a *answerer) packet(t *testing.T) (*rtp.Packet, int) {
	t.Helper()
	select {
	case pkt := <-a.packets:
		for _, id := range pkt.GetExtensionIDs() {
			if lv := pkt.GetExtension(id); len(lv) == 1 {
				return pkt, int(lv[0] & 0x7f)
			}
		}
		return pkt, NoLevel
	case <-time.After(5 * time.Second):
		t.Fatal("no packet within 5 s")
	}
	return nil, 0
}

// TestPeer: events arrive decoded and in order, Say sends a user message,
// a muted microphone sends only what it is given, in real time and with
// its levels, and what the other side speaks in PCMU is counted.
func TestPeer(t *testing.T) {
	checkLeaks(t)
	p := New(t, Options{AudioLevel: true})
	a := connect(t, p, `{"type":"session.created","session":{"audio":{"output":{"voice":"marin"}}}}`,
		`{"type":"response.done","item_id":"item_1"}`)
	evs := p.Until("response.done", 5*time.Second)
	if len(evs) != 2 || evs[0].Session == nil || evs[0].Session.Audio.Output.Voice != "marin" ||
		evs[1].ItemID != "item_1" || evs[1].Raw != `{"type":"response.done","item_id":"item_1"}` {
		t.Fatalf("events %+v", evs)
	}
	p.Say("I built a compiler.")
	if got := <-a.texts; !strings.Contains(got, `"type":"conversation.item.create"`) || !strings.Contains(got, "I built a compiler.") {
		t.Errorf("Say sent %s", got)
	}

	time.Sleep(5 * Frame)
	if len(a.packets) != 0 {
		t.Fatalf("a muted microphone sent %d packets", len(a.packets))
	}
	sent := []Packet{{Payload: []byte{1, 2, 3}, Level: 20}, {Payload: []byte{4}, Level: NoLevel}, Silence(Frame)[0]}
	start := time.Now()
	p.Send(sent...)
	if d := time.Since(start); d < 3*Frame {
		t.Errorf("3 packets sent in %v", d)
	}
	var first *rtp.Packet
	for i, want := range sent {
		pkt, lv := a.packet(t)
		if first == nil {
			first = pkt
		}
		if !bytes.Equal(pkt.Payload, want.Payload) || lv != want.Level ||
			pkt.SequenceNumber != first.SequenceNumber+uint16(i) || pkt.Timestamp != first.Timestamp+uint32(i*frameTicks) {
			t.Errorf("packet %d: %v level %d, want %v level %d", i, pkt, lv, want.Payload, want.Level)
		}
	}

	for range 10 {
		must(t, a.speaker.WriteSample(media.Sample{Data: make([]byte, 160), Duration: Frame}))
	}
	deadline := time.Now().Add(5 * time.Second)
	for p.Heard() < 10 && time.Now().Before(deadline) {
		time.Sleep(Frame)
	}
	if p.Heard() != 10 {
		t.Errorf("heard %d PCMU packets, want 10", p.Heard())
	}
	_ = a.pc.Close()
	select {
	case <-p.DataChannelClosed():
	case <-time.After(10 * time.Second):
		t.Error("the data channel did not close with the other side")
	}
}

// TestOpenMic: an open microphone sends silence at SilenceLevel and plays
// what it is given in between, each clip in turn.
func TestOpenMic(t *testing.T) {
	checkLeaks(t)
	p := New(t, Options{AudioLevel: true, OpenMic: true})
	a := connect(t, p)
	if pkt, lv := a.packet(t); !bytes.Equal(pkt.Payload, opusSilence) || lv != SilenceLevel {
		t.Fatalf("open microphone sent %v at level %d", pkt.Payload, lv)
	}
	one := p.Play(Packet{Payload: []byte{1}, Level: 10})
	two := p.Play(Packet{Payload: []byte{2}, Level: 30})
	<-one
	<-two
	var heard []byte
	for len(heard) < 2 {
		if pkt, _ := a.packet(t); !bytes.Equal(pkt.Payload, opusSilence) {
			heard = append(heard, pkt.Payload...)
		}
	}
	if !bytes.Equal(heard, []byte{1, 2}) {
		t.Errorf("played %v, want [1 2]", heard)
	}
}

// TestClose: what is played before the peer connects waits, and Close
// releases it; a peer without the data channel offers none.
func TestClose(t *testing.T) {
	checkLeaks(t)
	p := New(t, Options{NoDataChannel: true})
	if strings.Contains(p.Offer(), "m=application") {
		t.Error("NoDataChannel offered a data channel")
	}
	played := p.Play(Silence(time.Second)...)
	p.Close()
	<-played
	p.Send(Silence(time.Second)...) // returns at once
	if err := p.SendText("{}"); err == nil {
		t.Error("SendText without a data channel")
	}
}

func TestReadOgg(t *testing.T) {
	path := filepath.Join(t.TempDir(), "silence.opus")
	w, err := oggwriter.New(path, 48000, 2)
	must(t, err)
	pkts := Silence(time.Second)
	for i, pkt := range pkts {
		must(t, w.WriteRTP(&rtp.Packet{Header: rtp.Header{SequenceNumber: uint16(i), Timestamp: uint32(i * frameTicks)}, Payload: pkt.Payload}))
	}
	must(t, w.Close())
	got, err := ReadOgg(path)
	must(t, err)
	if len(got) != len(pkts) {
		t.Fatalf("read %d packets, want %d", len(got), len(pkts))
	}
	for i, pkt := range got {
		if !bytes.Equal(pkt.Payload, opusSilence) || pkt.Level != SilenceLevel {
			t.Fatalf("packet %d: %+v", i, pkt)
		}
	}
	if _, err := ReadOgg(filepath.Join(t.TempDir(), "none.opus")); err == nil {
		t.Error("ReadOgg of a missing file")
	}
}

func TestLevel(t *testing.T) {
	full := make([]int16, 320)
	for i := range full {
		full[i] = 32767
		if i%2 == 1 {
			full[i] = -32767
		}
	}
	quiet := make([]int16, 320)
	for i := range quiet {
		quiet[i] = 327 // 40 dB below full scale
	}
	for _, tt := range []struct {
		name    string
		samples []int16
		want    int
	}{{"full scale", full, 0}, {"40 dB down", quiet, 40}, {"digital silence", make([]int16, 320), SilenceLevel}, {"no samples", nil, SilenceLevel}} {
		if got := level(tt.samples); got != tt.want {
			t.Errorf("%s: level %d, want %d", tt.name, got, tt.want)
		}
	}
}
