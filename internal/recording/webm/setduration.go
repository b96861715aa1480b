package webm

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"time"
)

// ErrShortHead is SetDuration's answer when head ends before the Info.
var ErrShortHead = errors.New("webm: the head given ends before the Info")

// SetDuration writes d as the Duration of the Info in head, a WebM file's
// first bytes (through its Info; the first upload chunk is plenty), and
// returns the new head to write in place of the old one before the rest
// of the file. A Duration already there is overwritten in place; else one
// is added to the Info, which moves what follows by 11 bytes: a known
// Segment size and a SeekHead before the Info are corrected. A file whose
// SeekHead points at Cues is refused, since the Cues (at the end) cannot
// be corrected from its head; MediaRecorder writes neither.
func SetDuration(head []byte, d time.Duration) ([]byte, error) {
	if d <= 0 {
		return nil, fmt.Errorf("webm: duration %v", d)
	}
	f, err := parseHead(head)
	if err != nil {
		return nil, err
	}
	ticks := float64(d) / float64(f.scale)
	switch {
	case f.durOff == 0:
		return f.insert(head, ticks)
	case f.durSize == 4 || f.durSize == 8:
		out := append([]byte(nil), head...)
		putFloat(out[f.durOff:f.durOff+f.durSize], ticks)
		return out, nil
	}
	return nil, fmt.Errorf("webm: Duration of %d bytes", f.durSize)
}

// headLayout is where SetDuration finds things in a file's head.
type headLayout struct {
	segSizeOff, segSizeLen int   // the Segment's size field
	segSize                int64 // unknownSize when so
	segData                int   // where the Segment's data starts
	seekHead               []int // offsets of SeekHeads before the Info
	info                   header
	infoOff                int
	scale                  uint64
	durOff, durSize        int // the Duration's data; durOff 0 when there is none
}

// parseHead finds the Segment, SeekHeads and the Info with its
// TimecodeScale and Duration.
func parseHead(b []byte) (headLayout, error) {
	h, err := readHeader(b)
	if err != nil || h.id != idEBML || h.size == unknownSize || h.size > int64(len(b)-h.len) {
		return headLayout{}, ErrNotWebM
	}
	off := h.len + int(h.size)
	seg, err := readHeader(b[off:])
	if err != nil || seg.id != idSegment {
		return headLayout{}, ErrNotWebM
	}
	_, idLen, _ := vint(b[off:], true)
	f := headLayout{segSizeOff: off + idLen, segSizeLen: seg.len - idLen, segSize: seg.size, segData: off + seg.len, scale: defaultTimecodeScale}
	for off = f.segData; ; {
		c, err := readHeader(b[off:])
		switch {
		case err != nil:
			return headLayout{}, ErrShortHead
		case c.id == idCluster:
			return headLayout{}, fmt.Errorf("webm: no Info before the first Cluster")
		case c.size == unknownSize || c.size > int64(len(b)-off-c.len):
			return headLayout{}, ErrShortHead
		case c.id == idInfo:
			f.info, f.infoOff = c, off
			return f, f.readInfo(b[off+c.len : off+c.len+int(c.size)])
		case c.id == idSeekHead:
			f.seekHead = append(f.seekHead, off)
		}
		off += c.len + int(c.size)
	}
}

// readInfo finds the TimecodeScale and the Duration in the Info's data.
func (f *headLayout) readInfo(info []byte) error {
	base := f.infoOff + f.info.len
	return children(info, func(c header, off int, v []byte) error {
		switch c.id {
		case idTimecodeScale:
			if u, err := uintValue(v); err == nil && u > 0 && u <= math.MaxInt64 {
				f.scale = u
			}
		case idDuration:
			f.durOff, f.durSize = base+off+c.len, len(v)
		}
		return nil
	})
}

// insert adds a Duration element at the end of the Info and corrects what
// points past it.
func (f headLayout) insert(head []byte, ticks float64) ([]byte, error) {
	infoEnd := f.infoOff + f.info.len + int(f.info.size)
	content := append([]byte(nil), head[f.infoOff+f.info.len:infoEnd]...)
	content = append(content, 0x44, 0x89, 0x88, 0, 0, 0, 0, 0, 0, 0, 0)
	putFloat(content[len(content)-8:], ticks)
	info := putID(idInfo)
	size, ok := putSize(int64(len(content)), f.info.len-len(info))
	if !ok {
		size, _ = putSize(int64(len(content)), sizeWidth(int64(len(content))))
	}
	info = append(append(info, size...), content...)
	delta := int64(len(info) - (infoEnd - f.infoOff))

	out := append([]byte(nil), head[:f.infoOff]...)
	if err := f.fixSeekHeads(out, int64(f.infoOff-f.segData), delta); err != nil {
		return nil, err
	}
	out = append(append(out, info...), head[infoEnd:]...)
	return f.fixSegmentSize(out, delta)
}

// fixSegmentSize grows a known Segment size by delta, widening the field
// when it must (that moves nothing SeekHeads count: they count from the
// Segment's data).
func (f headLayout) fixSegmentSize(out []byte, delta int64) ([]byte, error) {
	if f.segSize == unknownSize {
		return out, nil
	}
	size, ok := putSize(f.segSize+delta, f.segSizeLen)
	if ok {
		copy(out[f.segSizeOff:], size)
		return out, nil
	}
	size, ok = putSize(f.segSize+delta, 8)
	if !ok {
		return nil, fmt.Errorf("webm: Segment size %d", f.segSize)
	}
	return append(append(append([]byte(nil), out[:f.segSizeOff]...), size...), out[f.segSizeOff+f.segSizeLen:]...), nil
}

// fixSeekHeads moves the SeekPositions past the Info (at infoPos in the
// Segment's data) by delta, in place.
func (f headLayout) fixSeekHeads(out []byte, infoPos, delta int64) error {
	for _, off := range f.seekHead {
		sh, _ := readHeader(out[off:])
		data := out[off+sh.len : off+sh.len+int(sh.size)]
		err := children(data, func(c header, _ int, seek []byte) error {
			if c.id != idSeek {
				return nil
			}
			return fixSeek(seek, infoPos, delta)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// fixSeek corrects one Seek entry's SeekPosition in place.
func fixSeek(seek []byte, infoPos, delta int64) error {
	var id, pos []byte
	err := children(seek, func(c header, _ int, v []byte) error {
		switch c.id {
		case idSeekID:
			id = v
		case idSeekPosition:
			pos = v
		}
		return nil
	})
	if err != nil || pos == nil {
		return err
	}
	if u, err := uintValue(id); err == nil && u == idCues {
		return errors.New("webm: the file has Cues; its Duration cannot be added from its head")
	}
	p, err := uintValue(pos)
	if err != nil || p > math.MaxInt64/2 || int64(p) <= infoPos {
		return err
	}
	return putUint(pos, p+uint64(delta))
}

// putUint writes u into b's width, or fails when it does not fit.
func putUint(b []byte, u uint64) error {
	if len(b) < 8 && u >= 1<<(8*len(b)) {
		return fmt.Errorf("webm: SeekPosition %d does not fit in %d bytes", u, len(b))
	}
	for i := len(b) - 1; i >= 0; i-- {
		b[i] = byte(u)
		u >>= 8
	}
	return nil
}

// putFloat writes v as a 4- or 8-byte big-endian float.
func putFloat(b []byte, v float64) {
	if len(b) == 4 {
		binary.BigEndian.PutUint32(b, math.Float32bits(float32(v)))
		return
	}
	binary.BigEndian.PutUint64(b, math.Float64bits(v))
}
