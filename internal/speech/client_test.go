package speech

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pion/ice/v4"
	"github.com/pion/opus"
	"github.com/pion/opus/pkg/oggreader"
	"github.com/pion/rtp"
	"github.com/pion/sdp/v3"
	"github.com/pion/webrtc/v4"

	"github.com/interviewd/interviewd/internal/engine"
	"github.com/interviewd/interviewd/internal/testenv"
)

const testKey = "sk-test-speech"

// utterance is recorded microphone audio: 20 ms Opus packets and the
// RFC 6464 level of each, as Chromium would put in the header extension.
type utterance struct {
	packets [][]byte
	levels  []int
	path    string // the Ogg file
}

// trailingSilence is how long the utterance ends with packets quieter than
// speech (the engine's detector counts its end-of-turn silence from there).
func (u utterance) trailingSilence() time.Duration {
	n := 0
	for i := len(u.levels) - 1; i >= 0 && u.levels[i] > 40; i-- {
		n++
	}
	return time.Duration(n) * 20 * time.Millisecond
}

// part of a recorded answer: words spoken by flite, or a pause.
type part struct {
	text  string
	pause time.Duration
}

func say(text string) part       { return part{text: text} }
func pause(d time.Duration) part { return part{pause: d} }
func needTool(t testing.TB, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		testenv.Missing(t, name, err)
	}
}

// record speaks the parts with flite (voice slt, 16 kHz), encodes them
// with opusenc into an Ogg file, and reads the packets back with pion's
// Ogg reader: the audio a browser's microphone would send.
func record(t testing.TB, parts ...part) utterance {
	t.Helper()
	needTool(t, "flite")
	needTool(t, "opusenc")
	dir := t.TempDir()
	pcm := engine.PCM{Rate: 16000}
	for i, p := range parts {
		if p.text == "" {
			pcm.Samples = append(pcm.Samples, make([]int16, int(p.pause.Seconds()*16000))...)
			continue
		}
		wav := filepath.Join(dir, "part.wav")
		if out, err := exec.Command("flite", "-voice", "slt", "-t", p.text, "-o", wav).CombinedOutput(); err != nil {
			t.Fatalf("flite part %d: %v %s", i, err, out)
		}
		spoken, err := ReadWAV(wav)
		if err != nil || spoken.Rate != 16000 {
			t.Fatalf("flite output: %v (rate %d)", err, spoken.Rate)
		}
		pcm.Samples = append(pcm.Samples, spoken.Samples...)
	}
	wav, ogg := filepath.Join(dir, "answer.wav"), filepath.Join(dir, "answer.opus")
	if err := writeWAVFile(wav, pcm); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("opusenc", "--quiet", "--bitrate", "24", "--framesize", "20", wav, ogg).CombinedOutput(); err != nil {
		t.Fatalf("opusenc: %v %s", err, out)
	}
	u := readOgg(t, ogg)
	u.path = ogg
	return u
}

func readOgg(t testing.TB, path string) utterance {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, _, err := oggreader.NewWith(f)
	if err != nil {
		t.Fatal(err)
	}
	dec, _ := opus.NewDecoderWithOutput(16000, 1)
	pcm := make([]int16, 1920)
	var u utterance
	for {
		pkt, _, err := r.ParseNextPacket()
		if errors.Is(err, io.EOF) {
			return u
		}
		if err != nil {
			t.Fatal(err)
		}
		if bytes.HasPrefix(pkt, []byte("OpusTags")) {
			continue
		}
		n, err := dec.DecodeToInt16(pkt, pcm)
		if err != nil {
			t.Fatal(err)
		}
		u.packets = append(u.packets, pkt)
		u.levels = append(u.levels, levelOf(pcm[:n]))
	}
}

func levelOf(s []int16) int {
	var sum float64
	for _, v := range s {
		sum += float64(v) * float64(v)
	}
	if len(s) == 0 || sum/float64(len(s)) < 1 {
		return 127
	}
	db := 10 * math.Log10(sum/float64(len(s))/(32768*32768))
	return min(127, max(0, int(-db+0.5)))
}

// event is a server event as these tests read it.
type event struct {
	Type           string  `json:"type"`
	ItemID         string  `json:"item_id"`
	ResponseID     string  `json:"response_id"`
	PreviousItemID *string `json:"previous_item_id"`
	Transcript     string  `json:"transcript"`
	Delta          string  `json:"delta"`
	Note           string  `json:"note"`
	Raw            string  `json:"-"`
}

// peer is a candidate's browser as a pion peer: a microphone that sends
// 20 ms Opus packets in real time (silence between answers, optionally
// with the audio-level header extension, as Chromium does) and the
// oai-events data channel.
type peer struct {
	t         testing.TB
	pc        *webrtc.PeerConnection
	track     *webrtc.TrackLocalStaticRTP
	levels    bool
	levelID   atomic.Uint32
	events    chan event
	mic       chan utterance
	spoken    chan struct{}
	heard     atomic.Int64 // PCMU packets from the interviewer
	connected chan struct{}
	closed    chan struct{}
	stop      chan struct{}
	wg        sync.WaitGroup
}

var silenceFrame = []byte{0xf8, 0xff, 0xfe}

func newPeer(t testing.TB, levels bool) *peer {
	t.Helper()
	var se webrtc.SettingEngine
	se.SetIncludeLoopbackCandidate(true)
	se.SetIPFilter(func(ip net.IP) bool { return ip.IsLoopback() && ip.To4() != nil })
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	m := &webrtc.MediaEngine{}
	must(t, m.RegisterDefaultCodecs())
	if levels {
		must(t, m.RegisterHeaderExtension(webrtc.RTPHeaderExtensionCapability{URI: sdp.AudioLevelURI}, webrtc.RTPCodecTypeAudio))
	}
	pc, err := webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithSettingEngine(se)).NewPeerConnection(webrtc.Configuration{})
	must(t, err)
	p := &peer{t: t, pc: pc, levels: levels, events: make(chan event, 4096), mic: make(chan utterance, 4),
		spoken: make(chan struct{}, 4), connected: make(chan struct{}), closed: make(chan struct{}), stop: make(chan struct{})}
	t.Cleanup(p.close)
	p.track, err = webrtc.NewTrackLocalStaticRTP(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2}, "mic", "candidate")
	must(t, err)
	sender, err := pc.AddTrack(p.track)
	must(t, err)
	p.wg.Go(func() {
		for {
			if _, _, err := sender.ReadRTCP(); err != nil {
				return
			}
		}
	})
	var once sync.Once
	pc.OnConnectionStateChange(func(s webrtc.PeerConnectionState) {
		switch s {
		case webrtc.PeerConnectionStateConnected:
			once.Do(func() {
				p.findLevelID(sender)
				close(p.connected)
				p.wg.Go(p.microphone)
			})
		}
	})
	pc.OnTrack(func(tr *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		for {
			pkt, _, err := tr.ReadRTP()
			if err != nil {
				return
			}
			if pkt.PayloadType == 0 {
				p.heard.Add(1)
			}
		}
	})
	dc, err := pc.CreateDataChannel("oai-events", nil)
	must(t, err)
	dc.OnMessage(func(m webrtc.DataChannelMessage) {
		var ev event
		if json.Unmarshal(m.Data, &ev) == nil {
			ev.Raw = string(m.Data)
			select {
			case p.events <- ev:
			default:
				t.Errorf("event dropped: %s", m.Data)
			}
		}
	})
	dc.OnClose(func() { close(p.closed) })
	return p
}

func (p *peer) findLevelID(sender *webrtc.RTPSender) {
	if !p.levels {
		return
	}
	for _, ext := range sender.GetParameters().HeaderExtensions {
		if ext.URI == sdp.AudioLevelURI {
			p.levelID.Store(uint32(ext.ID))
		}
	}
}

// microphone sends one packet every 20 ms: the next packet of the
// utterance being said, else silence.
func (p *peer) microphone() {
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	var cur utterance
	var i int
	pkt := rtp.Packet{Header: rtp.Header{Version: 2}}
	for {
		select {
		case <-p.stop:
			return
		case <-tick.C:
		}
		if i >= len(cur.packets) {
			if cur.packets != nil {
				cur.packets = nil
				p.spoken <- struct{}{}
			}
			select {
			case cur = <-p.mic:
				i = 0
			default:
			}
		}
		payload, lv := silenceFrame, 127
		if i < len(cur.packets) {
			payload, lv = cur.packets[i], cur.levels[i]
			i++
		}
		pkt.Payload = payload
		pkt.Extensions, pkt.Extension = nil, false
		if id := p.levelID.Load(); id != 0 {
			_ = pkt.SetExtension(uint8(id), []byte{byte(lv)})
		}
		if err := p.track.WriteRTP(&pkt); err != nil {
			return
		}
		pkt.SequenceNumber++
		pkt.Timestamp += 960
	}
}

// speak plays an utterance into the microphone and waits until it is sent.
func (p *peer) speak(u utterance) {
	p.mic <- u
	select {
	case <-p.spoken:
	case <-time.After(time.Duration(len(u.packets))*20*time.Millisecond + 10*time.Second):
		p.t.Fatal("utterance not sent")
	}
}

func (p *peer) close() {
	select {
	case <-p.stop:
	default:
		close(p.stop)
	}
	_ = p.pc.Close()
	p.wg.Wait()
}

// call offers to the engine behind srv with session and applies the answer.
func (p *peer) call(srv *httptest.Server, session string) string {
	p.t.Helper()
	o, err := p.pc.CreateOffer(nil)
	must(p.t, err)
	gathered := webrtc.GatheringCompletePromise(p.pc)
	must(p.t, p.pc.SetLocalDescription(o))
	<-gathered
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, f := range [][3]string{{"sdp", "application/sdp", p.pc.LocalDescription().SDP}, {"session", "application/json", session}} {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="`+f[0]+`"`)
		h.Set("Content-Type", f[1])
		w, _ := mw.CreatePart(h)
		_, _ = io.WriteString(w, f[2])
	}
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/v1/realtime/calls", &body)
	req.Header.Set("Authorization", "Bearer "+testKey)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := http.DefaultClient.Do(req)
	must(p.t, err)
	answer, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		p.t.Fatalf("create call: %d %s", resp.StatusCode, answer)
	}
	must(p.t, p.pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: string(answer)}))
	select {
	case <-p.connected:
	case <-time.After(10 * time.Second):
		p.t.Fatal("peer did not connect")
	}
	return string(answer)
}

// until reads events up to and including the first of type typ.
func (p *peer) until(typ string, within time.Duration) []event {
	p.t.Helper()
	var out []event
	timeout := time.After(within)
	for {
		select {
		case ev := <-p.events:
			out = append(out, ev)
			if ev.Type == typ {
				return out
			}
		case <-timeout:
			p.t.Fatalf("no %s within %v; saw %d events", typ, within, len(out))
		}
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func session(instructions string, silenceMS int) string {
	b, _ := json.Marshal(map[string]any{
		"type": "realtime", "model": "gpt-realtime", "instructions": instructions,
		"audio": map[string]any{
			"input": map[string]any{
				"transcription":  map[string]any{"model": "gpt-4o-transcribe", "language": "en"},
				"turn_detection": map[string]any{"type": "server_vad", "threshold": 0.5, "prefix_padding_ms": 300, "silence_duration_ms": silenceMS},
			},
			"output": map[string]any{"voice": "marin"},
		},
	})
	return string(b)
}

// startEngine serves an engine with the given speech parts on loopback.
func startEngine(t testing.TB, tools Tools, tweak ...func(*engine.Config)) (*engine.Engine, *httptest.Server) {
	t.Helper()
	cfg := engine.Config{APIKey: testKey, ICE: engine.ICE{LoopbackOnly: true},
		Recognizer: tools.Recognizer, Synthesizer: tools.Synthesizer,
		Turn: engine.Turn{SidebandWait: 100 * time.Millisecond, HangupDelay: 200 * time.Millisecond}}
	for _, f := range tweak {
		f(&cfg)
	}
	e, err := engine.New(cfg)
	must(t, err)
	srv := httptest.NewServer(e.Handler())
	t.Cleanup(func() {
		_ = e.Close()
		srv.Close()
	})
	return e, srv
}

func hasLine(sdpText, prefix string) bool {
	for _, l := range strings.Split(sdpText, "\r\n") {
		if strings.HasPrefix(l, prefix) {
			return true
		}
	}
	return false
}
