package speech

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/interviewd/interviewd/internal/engine"
)

// WriteWAV writes mono 16-bit PCM as a WAV file.
func WriteWAV(w io.Writer, p engine.PCM) error {
	data := uint32(len(p.Samples) * 2)
	hdr := make([]byte, 44)
	copy(hdr[0:], "RIFF")
	binary.LittleEndian.PutUint32(hdr[4:], 36+data)
	copy(hdr[8:], "WAVEfmt ")
	binary.LittleEndian.PutUint32(hdr[16:], 16)
	binary.LittleEndian.PutUint16(hdr[20:], 1) // PCM
	binary.LittleEndian.PutUint16(hdr[22:], 1) // mono
	binary.LittleEndian.PutUint32(hdr[24:], uint32(p.Rate))
	binary.LittleEndian.PutUint32(hdr[28:], uint32(p.Rate*2))
	binary.LittleEndian.PutUint16(hdr[32:], 2)
	binary.LittleEndian.PutUint16(hdr[34:], 16)
	copy(hdr[36:], "data")
	binary.LittleEndian.PutUint32(hdr[40:], data)
	if _, err := w.Write(hdr); err != nil {
		return err
	}
	return binary.Write(w, binary.LittleEndian, p.Samples)
}

// ReadWAV reads a mono 16-bit PCM WAV file.
func ReadWAV(path string) (engine.PCM, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return engine.PCM{}, err
	}
	return parseWAV(b)
}

func parseWAV(b []byte) (engine.PCM, error) {
	var p engine.PCM
	if len(b) < 12 || string(b[0:4]) != "RIFF" || string(b[8:12]) != "WAVE" {
		return p, errors.New("not a WAV file")
	}
	for off := 12; off+8 <= len(b); {
		id, size := string(b[off:off+4]), int(binary.LittleEndian.Uint32(b[off+4:]))
		body := b[off+8 : min(len(b), off+8+size)]
		switch id {
		case "fmt ":
			if len(body) < 16 {
				return p, errors.New("short fmt chunk")
			}
			format, channels := binary.LittleEndian.Uint16(body), binary.LittleEndian.Uint16(body[2:])
			bits := binary.LittleEndian.Uint16(body[14:])
			if format != 1 || channels != 1 || bits != 16 {
				return p, fmt.Errorf("WAV is format %d, %d channels, %d bits; want 16-bit mono PCM", format, channels, bits)
			}
			p.Rate = int(binary.LittleEndian.Uint32(body[4:]))
		case "data":
			if p.Rate == 0 {
				return p, errors.New("data before fmt")
			}
			p.Samples = make([]int16, len(body)/2)
			for i := range p.Samples {
				p.Samples[i] = int16(binary.LittleEndian.Uint16(body[2*i:]))
			}
			return p, nil
		}
		off += 8 + size + size%2
	}
	return p, errors.New("no data chunk")
}
