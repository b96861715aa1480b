package engine

import (
	"strings"
	"testing"
)

func TestWideband(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"chromium's fmtp", "a=rtpmap:111 opus/48000/2\r\na=fmtp:111 minptime=10;useinbandfec=1\r\n",
			"a=fmtp:111 minptime=10;useinbandfec=1;" + wideFmtp},
		{"an existing rate is replaced", "a=rtpmap:109 opus/48000/2\r\na=fmtp:109 maxplaybackrate=48000;stereo=1\r\n",
			"a=fmtp:109 stereo=1;" + wideFmtp},
		{"no fmtp line", "a=rtpmap:111 opus/48000/2\r\na=rtpmap:0 PCMU/8000\r\n",
			"a=rtpmap:111 opus/48000/2\r\na=fmtp:111 " + wideFmtp + "\r\na=rtpmap:0 PCMU/8000"},
		{"other codecs untouched", "a=rtpmap:9 G722/8000\r\na=fmtp:9 x=1\r\n", "a=fmtp:9 x=1\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := wideband(tt.in); !strings.Contains(got, tt.want) {
				t.Errorf("wideband:\n%s\nwant it to contain\n%s", got, tt.want)
			}
		})
	}
}

func TestULawRoundTrip(t *testing.T) {
	for _, s := range []int16{0, 1, -1, 100, -100, 1000, -1000, 12345, -12345, 32767, -32768} {
		got, x := int(unulaw(ulaw(s))), int(s)
		tolerance := max(x, -x)/16 + 700*boolInt(max(x, -x) > 32000) + 16 // µ-law clips at ±32124
		if d := got - x; d > tolerance || d < -tolerance {
			t.Errorf("µ-law %d → %d", s, got)
		}
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestLevel(t *testing.T) {
	full := make([]int16, 160)
	for i := range full {
		full[i] = 32767
		if i%2 == 1 {
			full[i] = -32767
		}
	}
	if lv := level(full); lv != 0 {
		t.Errorf("full scale level %d", lv)
	}
	if lv := level(make([]int16, 160)); lv != 127 {
		t.Errorf("silence level %d", lv)
	}
	quiet := make([]int16, 160)
	for i := range quiet {
		quiet[i] = 328 // -40 dBov
	}
	if lv := level(quiet); lv != 40 {
		t.Errorf("-40 dBov level %d", lv)
	}
}

func TestResample(t *testing.T) {
	p := PCM{Rate: 16000, Samples: make([]int16, 16000)}
	if got := resample(p, 8000); got.Rate != 8000 || len(got.Samples) != 8000 {
		t.Errorf("16 → 8 kHz: %d Hz, %d samples", got.Rate, len(got.Samples))
	}
	if got := resample(PCM{Rate: 22050, Samples: make([]int16, 22050)}, 8000); len(got.Samples) != 8000 {
		t.Errorf("22.05 → 8 kHz: %d samples", len(got.Samples))
	}
}

// FuzzWideband: the answer rewrite never panics and keeps every line.
func FuzzWideband(f *testing.F) {
	f.Add("v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111 0\r\na=rtpmap:111 opus/48000/2\r\na=fmtp:111 minptime=10\r\n")
	f.Add("a=rtpmap:111 opus/48000/2\r\n")
	f.Fuzz(func(t *testing.T, sdp string) {
		out := wideband(sdp)
		if len(strings.Split(out, "\r\n")) < len(strings.Split(sdp, "\r\n")) {
			t.Errorf("lines lost:\n%q\n%q", sdp, out)
		}
	})
}

// FuzzDecode: no payload crashes the listener's decoder.
func FuzzDecode(f *testing.F) {
	f.Add([]byte{0xf8, 0xff, 0xfe})
	f.Add([]byte{0x78, 0x00})
	f.Fuzz(func(t *testing.T, payload []byte) {
		l := &listener{c: &call{e: &Engine{}}, pcm: make([]int16, listenRate*120/1000)}
		l.badFrame()
		p := l.decode(payload)
		if len(p.Samples) > listenRate*120/1000 {
			t.Errorf("%d samples from one packet", len(p.Samples))
		}
	})
}
