// Package webm reads and fixes the WebM files browsers' MediaRecorder
// writes: they have no Duration and a Segment (and Clusters) of unknown
// size, so a player shows no length and cannot seek until the Duration
// is measured from the blocks' timecodes and written into the Info.
package webm

import (
	"errors"
	"fmt"
	"io"
	"math"
)

// Matroska element IDs (https://www.matroska.org/technical/elements.html),
// written with their marker bits as the spec lists them.
const (
	idEBML          = 0x1A45DFA3
	idDocType       = 0x4282
	idSegment       = 0x18538067
	idSeekHead      = 0x114D9B74
	idSeek          = 0x4DBB
	idSeekID        = 0x53AB
	idSeekPosition  = 0x53AC
	idInfo          = 0x1549A966
	idTimecodeScale = 0x2AD7B1
	idDuration      = 0x4489
	idTracks        = 0x1654AE6B
	idCues          = 0x1C53BB6B
	idCluster       = 0x1F43B675
	idTimecode      = 0xE7
	idSimpleBlock   = 0xA3
	idBlockGroup    = 0xA0
	idBlock         = 0xA1
	idBlockDuration = 0x9B
	idVoid          = 0xEC
)

// unknownSize is a size whose bits are all ones: "until the parent ends",
// which MediaRecorder writes for the Segment and its Clusters.
const unknownSize = -1

// defaultTimecodeScale is the Info's TimecodeScale when absent: 1 ms.
const defaultTimecodeScale = 1_000_000

// ErrNotWebM is the answer for bytes that are not a WebM (or Matroska)
// file, or hold no timed block.
var ErrNotWebM = errors.New("webm: not a WebM file with timed blocks")

// vint decodes an EBML variable-size integer from b: its value, its width,
// and for a size whether it is the reserved "unknown" value. keepMarker
// keeps the length marker, as element IDs are written.
func vint(b []byte, keepMarker bool) (v int64, width int, err error) {
	if len(b) == 0 {
		return 0, 0, io.ErrUnexpectedEOF
	}
	width = 1
	for mask := byte(0x80); b[0]&mask == 0; mask >>= 1 {
		if width++; width > 8 {
			return 0, 0, fmt.Errorf("webm: bad variable-size integer %#x", b[0])
		}
	}
	if len(b) < width {
		return 0, 0, io.ErrUnexpectedEOF
	}
	first := uint64(b[0])
	if !keepMarker {
		first &= 0xFF >> width
	}
	u, allOnes := first, first == 0xFF>>width
	for _, c := range b[1:width] {
		u = u<<8 | uint64(c)
		allOnes = allOnes && c == 0xFF
	}
	if !keepMarker && allOnes {
		return unknownSize, width, nil
	}
	return int64(u), width, nil
}

// header is an element's ID and data size, and how many bytes they took.
type header struct {
	id, size int64
	len      int
}

// readHeader decodes the element header at the start of b.
func readHeader(b []byte) (header, error) {
	id, n, err := vint(b, true)
	if err != nil {
		return header{}, err
	}
	if n > 4 {
		return header{}, fmt.Errorf("webm: element ID of %d bytes", n)
	}
	size, m, err := vint(b[n:], false)
	if err != nil {
		return header{}, err
	}
	return header{id: id, size: size, len: n + m}, nil
}

// putSize encodes size as an EBML size of width bytes, or reports that it
// does not fit (the all-ones value is reserved).
func putSize(size int64, width int) ([]byte, bool) {
	if width < 1 || width > 8 || size < 0 || uint64(size) >= 1<<(7*width)-1 {
		return nil, false
	}
	b := make([]byte, width)
	u := uint64(size)
	for i := width - 1; i >= 0; i-- {
		b[i] = byte(u)
		u >>= 8
	}
	b[0] |= 0x80 >> (width - 1)
	return b, true
}

// sizeWidth is the fewest bytes that encode size.
func sizeWidth(size int64) int {
	for w := 1; w < 8; w++ {
		if _, ok := putSize(size, w); ok {
			return w
		}
	}
	return 8
}

// putID encodes an element ID (marker included).
func putID(id int64) []byte {
	switch {
	case id > 0xFFFFFF:
		return []byte{byte(id >> 24), byte(id >> 16), byte(id >> 8), byte(id)}
	case id > 0xFFFF:
		return []byte{byte(id >> 16), byte(id >> 8), byte(id)}
	case id > 0xFF:
		return []byte{byte(id >> 8), byte(id)}
	}
	return []byte{byte(id)}
}

// uintValue decodes an unsigned integer element's data (0–8 bytes).
func uintValue(b []byte) (uint64, error) {
	if len(b) > 8 {
		return 0, fmt.Errorf("webm: integer of %d bytes", len(b))
	}
	var u uint64
	for _, c := range b {
		u = u<<8 | uint64(c)
	}
	return u, nil
}

// floatValue decodes a float element's data (0, 4 or 8 bytes).
func floatValue(b []byte) (float64, error) {
	u, err := uintValue(b)
	switch {
	case err != nil:
		return 0, err
	case len(b) == 4:
		return float64(math.Float32frombits(uint32(u))), nil
	case len(b) == 8:
		return math.Float64frombits(u), nil
	case len(b) == 0:
		return 0, nil
	}
	return 0, fmt.Errorf("webm: float of %d bytes", len(b))
}

// children calls fn for each element in b, a master element's data of
// known size, stopping at the first error.
func children(b []byte, fn func(h header, off int, data []byte) error) error {
	for off := 0; off < len(b); {
		h, err := readHeader(b[off:])
		if err != nil {
			return err
		}
		if h.size == unknownSize || h.size > int64(len(b)-off-h.len) {
			return fmt.Errorf("webm: element %#x overruns its parent", h.id)
		}
		end := off + h.len + int(h.size)
		if err := fn(h, off, b[off+h.len:end]); err != nil {
			return err
		}
		off = end
	}
	return nil
}
