package peer

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"

	"github.com/pion/opus"
	"github.com/pion/opus/pkg/oggreader"
)

// ReadOgg reads an Ogg Opus file of 20 ms frames (opusenc --framesize 20)
// into packets, each with the RFC 6464 level of its decoded audio, as a
// browser's microphone would send them.
func ReadOgg(path string) ([]Packet, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r, _, err := oggreader.NewWith(f)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	dec, err := opus.NewDecoderWithOutput(16000, 1)
	if err != nil {
		return nil, err
	}
	pcm := make([]int16, 1920)
	var out []Packet
	for {
		pkt, _, err := r.ParseNextPacket()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", path, err)
		}
		if bytes.HasPrefix(pkt, []byte("OpusTags")) {
			continue
		}
		n, err := dec.DecodeToInt16(pkt, pcm)
		if err != nil {
			return nil, fmt.Errorf("decode %s: %w", path, err)
		}
		out = append(out, Packet{Payload: pkt, Level: level(pcm[:n])})
	}
}

// level is the RFC 6464 level of audio samples: their power in dB below
// full scale, rounded, from 0 to SilenceLevel.
func level(samples []int16) int {
	var sum float64
	for _, v := range samples {
		sum += float64(v) * float64(v)
	}
	if len(samples) == 0 || sum/float64(len(samples)) < 1 {
		return SilenceLevel
	}
	db := 10 * math.Log10(sum/float64(len(samples))/(32768*32768))
	return min(SilenceLevel, max(0, int(-db+0.5)))
}
