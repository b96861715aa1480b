package webm

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"time"
)

// Limits of what Duration reads whole; a bigger element is taken for
// damage and skipped over by looking for the next Cluster.
const (
	maxHeadElement = 1 << 20  // EBML header, Info
	maxBlock       = 64 << 20 // one (Simple)Block
	maxTracks      = 64
)

// Duration measures a WebM stream's length from its blocks' timecodes: the
// end of the last block (its BlockDuration, else the track's shortest
// step between blocks). MediaRecorder's files carry no Duration and use
// unknown sizes, so every Cluster is read. A stream cut short counts up to
// where it ends, and damage inside (a lost chunk in the middle) is skipped
// to the next Cluster; ErrNotWebM when the stream is not WebM or Matroska
// or holds no timed block.
func Duration(r io.Reader) (time.Duration, error) {
	s := &scan{r: bufio.NewReaderSize(r, 64<<10), scale: defaultTimecodeScale, clusterTC: -1, lastBlock: -1, tracks: map[int64]*track{}}
	if err := s.ebmlHeader(); err != nil {
		return 0, err
	}
	for {
		err := s.next()
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			break
		}
		if err != nil {
			return 0, err
		}
	}
	return s.duration()
}

// scan is Duration's state while it reads the stream element by element,
// descending into the Segment, Clusters and BlockGroups whatever their size.
type scan struct {
	r         *bufio.Reader
	scale     uint64 // nanoseconds per timecode tick
	clusterTC int64  // the current Cluster's Timecode; -1 until read
	lastBlock int64  // the last block's time, for a BlockDuration after it
	end       int64  // the latest block end a BlockDuration gave
	tracks    map[int64]*track
}

// track is what Duration keeps of one track's blocks.
type track struct {
	last, step int64 // the latest block time; the shortest step between blocks
}

// skippable are the elements Duration steps over (or reads) in a Segment;
// anything else there means damage.
var skippable = map[int64]bool{
	idEBML: true, idSeekHead: true, idInfo: true, idTracks: true, idCues: true,
	0x1043A770: true, 0x1254C367: true, 0x1941A469: true, // Chapters, Tags, Attachments
	idVoid: true, 0xBF: true, idTimecode: true, idSimpleBlock: true, idBlock: true,
	idBlockDuration: true, 0xA7: true, 0xAB: true, 0x5854: true, 0xAF: true, // Position, PrevSize, SilentTracks, EncryptedBlock
	0x75A1: true, 0xFB: true, 0xFA: true, 0xA4: true, 0x75A2: true, 0xA2: true, 0xFD: true, 0x8E: true,
}

// descend are the masters whose children Duration reads in place.
var descend = map[int64]bool{idSegment: true, idCluster: true, idBlockGroup: true}

// ebmlHeader checks the stream starts with an EBML header of DocType webm
// or matroska.
func (s *scan) ebmlHeader() error {
	h, err := s.header()
	if err != nil || h.id != idEBML || h.size == unknownSize || h.size > maxHeadElement {
		return ErrNotWebM
	}
	data, err := s.data(h.size)
	if err != nil {
		return ErrNotWebM
	}
	doc := ""
	children(data, func(c header, _ int, v []byte) error {
		if c.id == idDocType {
			doc = string(bytes.TrimRight(v, "\x00"))
		}
		return nil
	})
	if doc != "webm" && doc != "matroska" {
		return ErrNotWebM
	}
	return nil
}

// header reads the next element's header.
func (s *scan) header() (header, error) {
	b, err := s.r.Peek(12)
	if len(b) == 0 {
		return header{}, err
	}
	h, herr := readHeader(b)
	if herr != nil {
		if errors.Is(herr, io.ErrUnexpectedEOF) {
			return header{}, io.EOF
		}
		return header{}, herr
	}
	_, err = s.r.Discard(h.len)
	return h, err
}

// data reads an element's data, growing the buffer as bytes arrive rather
// than trusting the size.
func (s *scan) data(size int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(s.r, size))
	if err == nil && int64(len(b)) < size {
		err = io.ErrUnexpectedEOF
	}
	return b, err
}

// next reads one element.
func (s *scan) next() error {
	h, err := s.header()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return err
		}
		return s.resync()
	}
	switch {
	case descend[h.id]:
		return nil
	case !skippable[h.id] || h.size == unknownSize:
		return s.resync()
	case h.id == idInfo:
		return s.info(h)
	case h.id == idTimecode, h.id == idBlockDuration:
		return s.timing(h)
	case h.id == idSimpleBlock, h.id == idBlock:
		return s.block(h)
	}
	_, err = io.CopyN(io.Discard, s.r, h.size)
	return err
}

// info reads the TimecodeScale.
func (s *scan) info(h header) error {
	if h.size > maxHeadElement {
		return s.resync()
	}
	data, err := s.data(h.size)
	if err != nil {
		return err
	}
	children(data, func(c header, _ int, v []byte) error {
		if u, err := uintValue(v); c.id == idTimecodeScale && err == nil && u > 0 {
			s.scale = u
		}
		return nil
	})
	return nil
}

// timing reads a Cluster's Timecode or a BlockGroup's BlockDuration.
func (s *scan) timing(h header) error {
	if h.size > 8 {
		return s.resync()
	}
	data, err := s.data(h.size)
	if err != nil {
		return err
	}
	u, _ := uintValue(data)
	if u > math.MaxInt64/2 {
		return s.resync()
	}
	if h.id == idTimecode {
		s.clusterTC = int64(u)
	} else if s.lastBlock >= 0 {
		s.end = max(s.end, s.lastBlock+int64(u))
	}
	return nil
}

// block reads a block's track number and time, and skips its frames.
func (s *scan) block(h header) error {
	if h.size > maxBlock {
		return s.resync()
	}
	b, _ := s.r.Peek(int(min(h.size, 12)))
	s.lastBlock = -1
	tn, n, err := vint(b, false)
	if err == nil && len(b) >= n+2 && s.clusterTC >= 0 && tn >= 0 {
		rel := int64(int16(uint16(b[n])<<8 | uint16(b[n+1])))
		if t := s.clusterTC + rel; t >= 0 {
			s.add(tn, t)
		}
	}
	_, err = io.CopyN(io.Discard, s.r, h.size)
	return err
}

// add counts a block of track tn at time t.
func (s *scan) add(tn, t int64) {
	s.lastBlock = t
	tr, ok := s.tracks[tn]
	if !ok {
		if len(s.tracks) >= maxTracks {
			return
		}
		s.tracks[tn] = &track{last: t}
		return
	}
	if step := t - tr.last; step > 0 && (tr.step == 0 || step < tr.step) {
		tr.step = step
	}
	tr.last = max(tr.last, t)
}

// resync skips damage: it looks for the next Cluster's ID and goes on
// from there, its Timecode unknown until read.
func (s *scan) resync() error {
	s.clusterTC = -1
	var win uint32
	for {
		c, err := s.r.ReadByte()
		if err != nil {
			return err
		}
		win = win<<8 | uint32(c)
		if win == idCluster {
			_, n, err := func() (int64, int, error) {
				b, _ := s.r.Peek(8)
				return vint(b, false)
			}()
			if err != nil {
				return err
			}
			_, err = s.r.Discard(n)
			return err
		}
	}
}

// duration is the latest block end, in time.
func (s *scan) duration() (time.Duration, error) {
	end, found := s.end, s.end > 0
	for _, tr := range s.tracks {
		end, found = max(end, tr.last+tr.step), true
	}
	if !found {
		return 0, ErrNotWebM
	}
	ns := float64(end) * float64(s.scale)
	if ns > math.MaxInt64 {
		return 0, fmt.Errorf("webm: duration of %g ns", ns)
	}
	return time.Duration(ns), nil
}
