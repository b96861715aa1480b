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

// checkUserTurn checks the events of a user audio turn in GA order, up to
// its transcript: speech_started, speech_stopped, committed (chained to
// prev), the item added and done with a null transcript, the transcription
// (its delta left out).
func checkUserTurn(t *testing.T, evs []event, prev string) {
	t.Helper()
	var kept []event
	for _, ev := range evs {
		if ev.Type != "conversation.item.input_audio_transcription.delta" {
			kept = append(kept, ev)
		}
	}
	evs = kept
	types := []string{"input_audio_buffer.speech_started", "input_audio_buffer.speech_stopped",
		"input_audio_buffer.committed", "conversation.item.added", "conversation.item.done",
		"conversation.item.input_audio_transcription.completed"}
	if len(evs) < len(types) {
		t.Fatalf("user turn: %d events", len(evs))
	}
	id := evs[0].ItemID
	for i, want := range types {
		ev := evs[i]
		if ev.Item != nil {
			ev.ItemID = ev.Item.ID
		}
		if ev.Type != want || ev.ItemID != id {
			t.Fatalf("event %d: %s, want %s for item %s", i, evs[i].Raw, want, id)
		}
	}
	if c := evs[2]; c.PreviousItemID == nil || *c.PreviousItemID != prev {
		t.Errorf("commit %s, want previous_item_id %s", c.Raw, prev)
	}
	if it := evs[3].Item; it.Role != "user" || len(it.Content) != 1 || it.Content[0].Type != "input_audio" ||
		it.Content[0].Transcript != nil {
		t.Errorf("user item %s", evs[3].Raw)
	}
}

func TestVoiceDetectorDrivesAnswers(t *testing.T) {
	checkLeaks(t)
	det := &packetTurns{}
	e, srv := startEngine(t, func(c *Config) { c.VoiceDetector = det })
	if !strings.Contains(e.Capabilities().String(), "voice_detector=test-packets") {
		t.Errorf("capabilities %v", e.Capabilities())
	}
	cl, sb, _ := connect(t, srv, true, testInstructions)
	greetItem := sb.events.response().itemID
	go cl.Send(peer.Silence(15 * peer.Frame)...)
	evs := sb.events.until("response.created")
	checkUserTurn(t, evs, greetItem)
	if evs[5].Note == "" {
		t.Errorf("transcript %s", evs[5].Raw)
	}
	if q := checkResponse(t, append(evs[6:], sb.events.until("response.done")...)); !strings.Contains(q.text, "Why do you want") {
		t.Errorf("next line %q", q.text)
	}
	if td := det.settings.Load(); td == nil || td.Type != "server_vad" || *td.SilenceDurationMS != 1200 {
		t.Errorf("detector settings %+v", td)
	}
}
