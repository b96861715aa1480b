package web

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/interviewd/interviewd/internal/calls"
	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/realtime"
)

// FuzzDecodeClientMessage: any bytes decode to a known message or an error
// with a message for the client, never a panic.
func FuzzDecodeClientMessage(f *testing.F) {
	for _, s := range []string{`{"type":"sdp_offer","sdp":"v=0\r\nm=audio 9"}`, `{"type":"ping"}`, `{"type":"end"}`,
		`{"type":"ice_candidate","candidate":{"candidate":"x"}}`, `{"type":1}`, `[]`, `{"type":"sdp_offer","sdp":null}`, "\x00",
		`{"TYPE":"end"}`, `{"type":"ping","Type":"end"}`, `{"type":"sdp_offer","SDP":"v=0"}`, `{"type":"ping","extra":1}`,
		`{"type":"resume","callId":"rtc_123"}`, `{"type":"resume","callId":"rtc 1"}`, `{"type":"resume","CallId":"rtc_1"}`,
		`{"type":"transcript","events":[{"type":"conversation.item.input_audio_transcription.completed","item_id":"i1","transcript":"Hi"}]}`,
		`{"type":"transcript","events":[{"type":"conversation.item.added","item":{"id":"i2","type":"message","role":"user","content":[{"type":"input_text","text":"Go"}]}}]}`,
		`{"type":"transcript","events":[{"type":"response.output_audio_transcript.delta","item_id":"i3","delta":"x"}]}`,
		`{"type":"transcript","events":[]}`, `{"type":"transcript","events":[1]}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := decodeClientMessage(b)
		if err != nil {
			if err.Error() == "" {
				t.Error("an error without a message")
			}
			return
		}
		switch m.Type {
		case msgSDPOffer:
			if m.SDP == "" || len(m.SDP) > maxClientSDPString {
				t.Errorf("accepted an offer of %d bytes", len(m.SDP))
			}
		case msgResume:
			if m.CallID == "" || len(m.CallID) > maxCallID {
				t.Errorf("accepted a resume of call %q", m.CallID)
			}
		case msgWitness:
			checkWitness(t, b, m)
		case msgICECandidate, msgEnd, msgPing:
		default:
			t.Errorf("accepted type %q", m.Type)
		}
		var obj map[string]json.RawMessage
		if json.Unmarshal(b, &obj) != nil {
			t.Fatalf("accepted %q, not a JSON object", b)
		}
		if _, ok := obj["type"]; !ok {
			t.Errorf("accepted %q without an exact \"type\" key", b)
		}
	})
}

// checkWitness holds an accepted transcript message to its limits: at
// most 32 KiB and 1 to 50 events, those kept each a line with an item and
// text.
func checkWitness(t *testing.T, b []byte, m clientMessage) {
	t.Helper()
	if len(b) > maxWitnessBytes || len(m.Events) == 0 || len(m.Events) > maxWitnessEvents || len(m.events) > len(m.Events) {
		t.Fatalf("accepted a transcript of %d bytes and %d events", len(b), len(m.events))
	}
	for _, ev := range m.events {
		if fc, ok := realtime.FunctionCallOf(ev); ok && fc.Name == realtime.ToolEndInterview {
			continue // the interviewer's end, which a new sideband carries over
		}
		if sp, id, text, ok := calls.WitnessLine(ev); !ok || !sp.Valid() || id == "" || text == "" {
			t.Errorf("accepted event %+v", ev)
		}
	}
}

// FuzzDecodeWitness: any events in a transcript message are refused or
// become lines the store takes (a known speaker, an item ID of at most
// 200 bytes, text within interview.MaxTranscriptText).
func FuzzDecodeWitness(f *testing.F) {
	for _, s := range []string{
		`{"type":"response.output_audio_transcript.done","item_id":"i1","transcript":"Hello"}`,
		`{"type":"response.output_text.done","item_id":"i1","text":"Hello"}`,
		`{"type":"conversation.item.done","item":{"id":"i2","type":"message","role":"assistant","content":[{"type":"output_audio","transcript":"Hi"}]}}`,
		`{"type":"conversation.item.created","item":{"id":"i2","type":"function_call","role":"assistant"}}`,
		`{"type":"response.function_call_arguments.done","call_id":"c1","name":"end_interview","arguments":"{}","receivedAt":1}`,
		`{"type":"conversation.item.input_audio_transcription.completed","item_id":"","transcript":"x"}`,
		`{"type":"error"}`, `{}`, `null`, `"x"`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, ev []byte) {
		b := append(append([]byte(`{"type":"transcript","events":[`), ev...), "]}"...)
		m, err := decodeClientMessage(b)
		if err != nil {
			if err.Error() == "" {
				t.Error("an error without a message")
			}
			return
		}
		checkWitness(t, b, m)
		for _, e := range m.events {
			sp, id, text, ok := calls.WitnessLine(e)
			if !ok {
				continue // an end_interview call (checkWitness)
			}
			entry := interview.TranscriptEntry{ItemID: id, Speaker: sp, Text: text, Source: interview.SourceClient, Timestamp: time.Now()}
			if err := entry.Validate(); err != nil {
				t.Errorf("event %s makes an entry the store refuses: %v", ev, err)
			}
		}
	})
}
