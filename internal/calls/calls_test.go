package calls

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/realtime"
	"github.com/interviewd/interviewd/internal/store/sqlite"
)

const offer = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=fingerprint:sha-256 AA:BB\r\n" +
	"m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\n"

func TestCheckOffer(t *testing.T) {
	if err := CheckOffer(offer); err != nil {
		t.Fatal(err)
	}
	for name, sdp := range map[string]string{
		"empty":          "",
		"json":           `{"error":{}}`,
		"no audio":       strings.Replace(offer, "m=audio", "m=video", 1),
		"no ufrag":       strings.Replace(offer, "a=ice-ufrag:abcd\r\n", "", 1),
		"no fingerprint": strings.Replace(offer, "a=fingerprint:sha-256 AA:BB\r\n", "", 1),
	} {
		if CheckOffer(sdp) == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func FuzzCheckOffer(f *testing.F) {
	f.Add(offer)
	f.Add("v=0\nm=audio 9\na=ice-ufrag:x\na=ice-pwd:y\na=fingerprint:z")
	f.Fuzz(func(t *testing.T, s string) {
		if CheckOffer(s) != nil {
			return
		}
		for _, must := range []string{"m=audio ", "a=ice-ufrag:", "a=ice-pwd:", "a=fingerprint:"} {
			if !strings.Contains(s, must) {
				t.Errorf("accepted an offer without %s: %q", must, s)
			}
		}
		if len(s) > realtime.MaxSDPSize {
			t.Errorf("accepted %d bytes", len(s))
		}
	})
}

func TestClassify(t *testing.T) {
	cases := []struct {
		err       error
		code      Code
		retryable bool
	}{
		{&realtime.UpstreamError{Message: "timed out"}, CodeUnavailable, true},
		{&realtime.UpstreamError{Status: 503}, CodeUnavailable, true},
		{&realtime.UpstreamError{Status: 429, Code: "rate_limit_exceeded"}, CodeUnavailable, true},
		{&realtime.UpstreamError{Status: 502, Code: "bad_answer"}, CodeUnavailable, true},
		{&realtime.UpstreamError{Status: 400, Code: "invalid_offer"}, CodeRejected, true},
		{&realtime.UpstreamError{Status: 401, Code: "invalid_api_key"}, CodeRejected, true},
		{&realtime.UpstreamError{Status: 400, Code: "invalid_value"}, CodeRejected, false},
		{errors.New("boom"), CodeUnavailable, true},
	}
	for _, tc := range cases {
		e := classify(tc.err)
		if e.Code != tc.code || e.Retryable != tc.retryable || e.Message == "" {
			t.Errorf("%v: got %+v", tc.err, e)
		}
	}
}

// TestSlowSubscriberDropped: a subscriber that does not read is dropped
// (its channel closed) and never blocks publishing; others go on.
func TestSlowSubscriberDropped(t *testing.T) {
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	m, err := New(Config{Store: st, Provider: realtime.NewClient("http://127.0.0.1:1", "k", nil), SubscriberBuffer: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	slow, _ := m.Subscribe("t", "i")
	fast, cancel := m.Subscribe("t", "i")
	defer cancel()
	other, cancelOther := m.Subscribe("t2", "i")
	defer cancelOther()
	for seq := int64(1); seq <= 3; seq++ {
		m.Publish("t", "i", []interview.TranscriptEntry{{Seq: seq, ItemID: fmt.Sprint("item-", seq)}})
		if u := <-fast; u.Entry == nil || u.Entry.Seq != seq {
			t.Fatalf("fast got %+v", u)
		}
	}
	m.Publish("t", "i", []interview.TranscriptEntry{{Seq: 2, ItemID: "item-2"}}) // a repeat is not sent again
	n := 0
	for range slow {
		n++
	}
	if n != 2 {
		t.Errorf("slow subscriber got %d entries before it was dropped", n)
	}
	select {
	case e := <-other:
		t.Errorf("another tenant's subscriber got %+v", e)
	case e := <-fast:
		t.Errorf("repeat delivered: %+v", e)
	default:
	}
}
