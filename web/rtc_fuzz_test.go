package web

import (
	"encoding/json"
	"testing"
)

// FuzzDecodeClientMessage: any bytes decode to a known message or an error
// with a message for the client, never a panic.
func FuzzDecodeClientMessage(f *testing.F) {
	for _, s := range []string{`{"type":"sdp_offer","sdp":"v=0\r\nm=audio 9"}`, `{"type":"ping"}`, `{"type":"end"}`,
		`{"type":"ice_candidate","candidate":{"candidate":"x"}}`, `{"type":1}`, `[]`, `{"type":"sdp_offer","sdp":null}`, "\x00",
		`{"TYPE":"end"}`, `{"type":"ping","Type":"end"}`, `{"type":"sdp_offer","SDP":"v=0"}`, `{"type":"ping","extra":1}`} {
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
