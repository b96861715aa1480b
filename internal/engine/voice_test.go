package engine

import (
	"strings"
	"sync/atomic"
	"testing"

	"github.com/interviewd/interviewd/internal/testenv/peer"
)

// packetTurns is a voice detector for tests: speech starts at the first
// packet and stops at the tenth. It proves the media path feeds the
// detector and that its transitions drive the interview, with real RTP.
type packetTurns struct {
	settings atomic.Pointer[TurnDetection]
}

func (*packetTurns) Name() string { return "test-packets" }

func (p *packetTurns) NewTurnDetector(td TurnDetection) TurnDetector {
	p.settings.Store(&td)
	return &packetCounter{}
}

type packetCounter struct{ n int }

func (c *packetCounter) Feed(Frame) Voice {
	c.n++
	switch c.n {
	case 1:
		return VoiceStarted
	case 10:
		return VoiceStopped
	}
	return VoiceNone
}

func TestVoiceDetectorDrivesAnswers(t *testing.T) {
	checkLeaks(t)
	det := &packetTurns{}
	e, srv := startEngine(t, func(c *Config) { c.VoiceDetector = det })
	if !strings.Contains(e.Capabilities().String(), "voice_detector=test-packets") {
		t.Errorf("capabilities %v", e.Capabilities())
	}
	cl, sb, _ := connect(t, srv, true, testInstructions)
	_, greetItem := checkResponse(t, sb.events.until("response.done"))
	go cl.Send(peer.Silence(15 * peer.Frame)...)
	evs := sb.events.until("response.done")
	types := []string{"input_audio_buffer.speech_started", "input_audio_buffer.speech_stopped",
		"input_audio_buffer.committed", "conversation.item.input_audio_transcription.completed"}
	for i, want := range types {
		if evs[i].Type != want || evs[i].ItemID != evs[0].ItemID {
			t.Fatalf("event %d: %s, want %s for item %s", i, evs[i].Raw, want, evs[0].ItemID)
		}
	}
	if *evs[2].PreviousItemID != greetItem || evs[3].Note == "" {
		t.Errorf("commit %s / transcript %s", evs[2].Raw, evs[3].Raw)
	}
	if q, _ := checkResponse(t, evs[4:]); !strings.Contains(q, "Why do you want") {
		t.Errorf("next line %q", q)
	}
	if td := det.settings.Load(); td == nil || td.Type != "server_vad" || *td.SilenceDurationMS != 1200 {
		t.Errorf("detector settings %+v", td)
	}
}
