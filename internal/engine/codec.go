package engine

import (
	"math"
	"strings"
)

// wideFmtp asks the sender for SILK wideband: Chromium then sends 16 kHz
// speech, which is what the recogniser takes, at a lower bitrate.
const wideFmtp = "maxplaybackrate=16000;sprop-maxcapturerate=16000"

// wideband rewrites the Opus fmtp lines of an answer to carry wideFmtp.
// pion copies the offer's fmtp into the answer, so the rewrite is textual.
func wideband(sdp string) string {
	lines := strings.Split(sdp, "\r\n")
	pts := map[string]bool{}
	for _, l := range lines {
		if v, ok := strings.CutPrefix(l, "a=rtpmap:"); ok {
			pt, codec, _ := strings.Cut(v, " ")
			if strings.HasPrefix(strings.ToLower(codec), "opus/48000") {
				pts[pt] = true
			}
		}
	}
	out := make([]string, 0, len(lines)+1)
	for _, l := range lines {
		if v, ok := strings.CutPrefix(l, "a=fmtp:"); ok {
			if pt, params, _ := strings.Cut(v, " "); pts[pt] {
				l = "a=fmtp:" + pt + " " + withWideband(params)
				delete(pts, pt)
			}
		}
		out = append(out, l)
	}
	for i := 0; i < len(out); i++ { // an Opus payload type without fmtp gets one
		if v, ok := strings.CutPrefix(out[i], "a=rtpmap:"); ok {
			if pt, _, _ := strings.Cut(v, " "); pts[pt] {
				out = append(out[:i+1], append([]string{"a=fmtp:" + pt + " " + wideFmtp}, out[i+1:]...)...)
				delete(pts, pt)
			}
		}
	}
	return strings.Join(out, "\r\n")
}

func withWideband(params string) string {
	var kept []string
	for _, p := range strings.Split(params, ";") {
		k, _, _ := strings.Cut(strings.TrimSpace(p), "=")
		if k != "" && k != "maxplaybackrate" && k != "sprop-maxcapturerate" {
			kept = append(kept, strings.TrimSpace(p))
		}
	}
	return strings.Join(append(kept, wideFmtp), ";")
}

// silenceLevel is digital silence on RFC 6464's scale.
const silenceLevel = 127

// level is a frame's loudness on RFC 6464's scale: -dBov, 0 (full scale)
// to 127 (digital silence), so that decoded audio and the audio-level
// header extension feed the same detector.
func level(samples []int16) int {
	if len(samples) == 0 {
		return silenceLevel
	}
	var sum float64
	for _, s := range samples {
		sum += float64(s) * float64(s)
	}
	rms := math.Sqrt(sum / float64(len(samples)))
	if rms < 1 {
		return silenceLevel
	}
	return min(silenceLevel, max(0, int(math.Round(-20*math.Log10(rms/32768)))))
}

// resample converts mono PCM to rate: a box low-pass when it shrinks, then
// linear interpolation. Good enough for speech on a telephone codec.
func resample(p PCM, rate int) PCM {
	if p.Rate == rate || p.Rate <= 0 || len(p.Samples) == 0 {
		return PCM{Rate: rate, Samples: p.Samples}
	}
	in := p.Samples
	if width := int(math.Ceil(float64(p.Rate) / float64(rate))); width > 1 {
		in = boxFilter(in, width)
	}
	n := int(int64(len(in)) * int64(rate) / int64(p.Rate))
	out := make([]int16, n)
	step := float64(p.Rate) / float64(rate)
	for i := range out {
		x := float64(i) * step
		j := int(x)
		frac := x - float64(j)
		a, b := float64(in[j]), float64(in[min(j+1, len(in)-1)])
		out[i] = int16(a + (b-a)*frac)
	}
	return PCM{Rate: rate, Samples: out}
}

func boxFilter(in []int16, width int) []int16 {
	out := make([]int16, len(in))
	var sum int64
	for i, s := range in {
		sum += int64(s)
		if i >= width {
			sum -= int64(in[i-width])
		}
		out[i] = int16(sum / int64(min(i+1, width)))
	}
	return out
}

// ulaw encodes one 16-bit sample as G.711 µ-law.
func ulaw(s int16) byte {
	const bias, clip = 0x84, 32635
	x := int(s)
	sign := 0
	if x < 0 {
		x, sign = -x, 0x80
	}
	x = min(x, clip) + bias
	exp := 7
	for mask := 0x4000; x&mask == 0 && exp > 0; mask >>= 1 {
		exp--
	}
	mantissa := (x >> (exp + 3)) & 0x0f
	return ^byte(sign | exp<<4 | mantissa)
}

// unulaw decodes one G.711 µ-law byte.
func unulaw(b byte) int16 {
	b = ^b
	sign, exp, mantissa := b&0x80, int(b>>4)&0x07, int(b&0x0f)
	x := ((mantissa << 3) + 0x84) << exp
	x -= 0x84
	if sign != 0 {
		return int16(-x)
	}
	return int16(x)
}
