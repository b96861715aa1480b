package webm

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"os"
	"testing"
	"testing/iotest"
	"time"
)

// el builds an element of known size.
func el(id int64, parts ...[]byte) []byte {
	data := bytes.Join(parts, nil)
	size, _ := putSize(int64(len(data)), sizeWidth(int64(len(data))))
	return append(append(putID(id), size...), data...)
}

// open builds a master of unknown size, as MediaRecorder writes.
func open(id int64, parts ...[]byte) []byte {
	return append(append(putID(id), 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF), bytes.Join(parts, nil)...)
}

func u(v uint64, n int) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, v)
	return b[8-n:]
}

func f64(v float64) []byte { return u(math.Float64bits(v), 8) }

// block is a SimpleBlock of track 1 at rel ticks into its Cluster.
func block(track byte, rel int16) []byte {
	return el(idSimpleBlock, []byte{0x80 | track}, u(uint64(uint16(rel)), 2), []byte{0x80, 1, 2, 3})
}

func ebmlHead(doc string) []byte { return el(idEBML, el(idDocType, []byte(doc))) }

// synthetic is a MediaRecorder-like file: audio blocks every 20 ms from 0
// to 1980 ms in two Clusters of unknown size, the Info given.
func synthetic(info []byte) []byte {
	c1, c2 := [][]byte{el(idTimecode, u(0, 1))}, [][]byte{el(idTimecode, u(1000, 2))}
	for i := range 50 {
		c1 = append(c1, block(1, int16(20*i)))
		c2 = append(c2, block(1, int16(20*i)))
	}
	return bytes.Join([][]byte{ebmlHead("webm"), open(idSegment, info, el(idTracks, el(0xAE, el(0xD7, u(1, 1)))),
		open(idCluster, c1...), open(idCluster, c2...))}, nil)
}

func defaultInfo() []byte {
	return el(idInfo, el(idTimecodeScale, u(1_000_000, 3)), el(0x4D80, []byte("Chrome")))
}

func TestDuration(t *testing.T) {
	fixture, err := os.ReadFile("testdata/mediarecorder-opus.webm")
	if err != nil {
		t.Fatal(err)
	}
	base := synthetic(defaultInfo())
	damaged := append(append(append([]byte(nil), base[:300]...), bytes.Repeat([]byte{0x42}, 77)...), base[300+77:]...)
	for _, tc := range []struct {
		name string
		file []byte
		want time.Duration
		err  error
	}{
		{"MediaRecorder's file", fixture, 3180 * time.Millisecond, nil},
		{"unknown sizes, last step added", base, 2 * time.Second, nil},
		{"TimecodeScale of 100 µs", synthetic(el(idInfo, el(idTimecodeScale, u(100_000, 3)))), 200 * time.Millisecond, nil},
		{"cut short", base[:len(base)-200], 1560 * time.Millisecond, nil}, // 22 of 50 blocks of 9 bytes gone
		{"damage in the first cluster skipped to the second", damaged, 2 * time.Second, nil},
		{"a BlockDuration", bytes.Join([][]byte{ebmlHead("matroska"), open(idSegment, defaultInfo(), open(idCluster, el(idTimecode, u(5, 1)),
			el(idBlockGroup, el(idBlock, []byte{0x81, 0, 10, 0}), el(idBlockDuration, u(500, 2)))))}, nil), 515 * time.Millisecond, nil},
		{"not WebM", []byte("RIFF....WAVEfmt "), 0, ErrNotWebM},
		{"another DocType", append(ebmlHead("mkv3d"), open(idSegment)...), 0, ErrNotWebM},
		{"no blocks", append(ebmlHead("webm"), open(idSegment, defaultInfo(), open(idCluster, el(idTimecode, u(0, 1))))...), 0, ErrNotWebM},
		{"empty", nil, 0, ErrNotWebM},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Duration(bytes.NewReader(tc.file))
			if !errors.Is(err, tc.err) || got != tc.want {
				t.Fatalf("got %v, %v; want %v, %v", got, err, tc.want, tc.err)
			}
			if tc.err == nil {
				if again, err := Duration(iotest.OneByteReader(bytes.NewReader(tc.file))); again != got || err != nil {
					t.Fatalf("one byte at a time: %v, %v", again, err)
				}
			}
		})
	}
}

func TestSetDuration(t *testing.T) {
	fixture, err := os.ReadFile("testdata/mediarecorder-opus.webm")
	if err != nil {
		t.Fatal(err)
	}
	const d = 2 * time.Second
	check := func(t *testing.T, file []byte, headLen int, want time.Duration) []byte {
		t.Helper()
		head, err := SetDuration(file[:headLen], d)
		if err != nil {
			t.Fatal(err)
		}
		out := append(head, file[headLen:]...)
		f, err := parseHead(out)
		if err != nil || f.durOff == 0 {
			t.Fatalf("no Duration after SetDuration: %v", err)
		}
		v, _ := floatValue(out[f.durOff : f.durOff+f.durSize])
		if got := time.Duration(v * float64(f.scale)); got != d {
			t.Fatalf("Duration %v, want %v", got, d)
		}
		if got, err := Duration(bytes.NewReader(out)); err != nil || got != want {
			t.Fatalf("the blocks measure %v, %v after SetDuration; want %v", got, err, want)
		}
		return out
	}
	t.Run("MediaRecorder's file", func(t *testing.T) {
		out := check(t, fixture, 4096, 3180*time.Millisecond)
		if len(out) != len(fixture)+11 {
			t.Fatalf("grew by %d bytes", len(out)-len(fixture))
		}
		again := check(t, out, 4096, 3180*time.Millisecond)
		if len(again) != len(out) {
			t.Fatal("a second SetDuration did not overwrite in place")
		}
	})
	t.Run("a 4-byte Duration overwritten in place", func(t *testing.T) {
		file := synthetic(el(idInfo, el(idTimecodeScale, u(1_000_000, 3)), el(idDuration, u(0, 4))))
		if out := check(t, file, 200, 2*time.Second); len(out) != len(file) {
			t.Fatal("size changed")
		}
	})
	t.Run("an Info whose size field must widen", func(t *testing.T) {
		check(t, synthetic(el(idInfo, el(0x7BA9, bytes.Repeat([]byte("t"), 120)))), 400, 2*time.Second)
	})
	t.Run("known Segment size and a SeekHead are corrected", func(t *testing.T) {
		info := defaultInfo()
		tracks := el(idTracks, el(0xAE, el(0xD7, u(1, 1))))
		seek := func(pos uint64) []byte {
			return el(idSeekHead, el(idSeek, el(idSeekID, putID(idTracks)), el(idSeekPosition, u(pos, 2))), el(idVoid, u(0, 3)))
		}
		sh := seek(0)
		tracksPos := uint64(len(sh) + len(info))
		sh = seek(tracksPos)
		cluster := el(idCluster, el(idTimecode, u(0, 1)), block(1, 0), block(1, 1000), block(1, 1980))
		seg := el(idSegment, sh, info, tracks, cluster)
		file := append(ebmlHead("webm"), seg...)
		out := check(t, file, len(file), 2960*time.Millisecond) // the last block plus the shortest step, 980 ms
		h := len(ebmlHead("webm"))
		sg, _ := readHeader(out[h:])
		if int(sg.size) != len(out)-h-sg.len {
			t.Fatalf("Segment size %d, its data is %d bytes", sg.size, len(out)-h-sg.len)
		}
		data := out[h+sg.len:]
		var pos uint64
		children(data[:len(sh)], func(c header, _ int, v []byte) error {
			children(v, func(c header, _ int, v []byte) error {
				children(v, func(c header, _ int, v []byte) error {
					if c.id == idSeekPosition {
						pos, _ = uintValue(v)
					}
					return nil
				})
				return nil
			})
			return nil
		})
		if got, _ := readHeader(data[pos:]); got.id != idTracks {
			t.Fatalf("SeekPosition %d points at %#x, not Tracks", pos, got.id)
		}
	})
	for _, tc := range []struct {
		name string
		head []byte
		d    time.Duration
		err  error
	}{
		{"a head without the Info", fixture[:0x40], d, ErrShortHead},
		{"not WebM", []byte("OggS\x00\x02"), d, ErrNotWebM},
		{"no duration", fixture[:4096], 0, nil},
		{"Cues", append(ebmlHead("webm"), open(idSegment, el(idSeekHead, el(idSeek, el(idSeekID, putID(idCues)), el(idSeekPosition, u(900, 2)))), defaultInfo())...), d, nil},
		{"a Cluster before the Info", append(ebmlHead("webm"), open(idSegment, open(idCluster, el(idTimecode, u(0, 1))))...), d, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := SetDuration(tc.head, tc.d)
			if err == nil || tc.err != nil && !errors.Is(err, tc.err) {
				t.Fatalf("got %v, want %v", err, tc.err)
			}
		})
	}
}

func FuzzDuration(f *testing.F) {
	fixture, _ := os.ReadFile("testdata/mediarecorder-opus.webm")
	f.Add(fixture)
	f.Add(synthetic(defaultInfo()))
	f.Add(ebmlHead("webm"))
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := Duration(bytes.NewReader(b))
		if err == nil && d < 0 {
			t.Fatalf("negative duration %v", d)
		}
		if err != nil && d != 0 {
			t.Fatalf("%v with an error %v", d, err)
		}
	})
}

func FuzzSetDuration(f *testing.F) {
	fixture, _ := os.ReadFile("testdata/mediarecorder-opus.webm")
	f.Add(fixture[:4096], int64(3*time.Second))
	f.Add(synthetic(el(idInfo, el(idDuration, u(0, 4)))), int64(time.Second))
	f.Fuzz(func(t *testing.T, head []byte, d int64) {
		out, err := SetDuration(head, time.Duration(d))
		if err != nil {
			return
		}
		f, err := parseHead(out)
		if err != nil || f.durOff == 0 {
			t.Fatalf("SetDuration's head does not parse: %v", err)
		}
		if len(out) != len(head) && len(out) < len(head)+11 {
			t.Fatalf("head of %d bytes became %d", len(head), len(out))
		}
		if again, err := SetDuration(out, time.Duration(d)); err != nil || !bytes.Equal(again, out) {
			t.Fatalf("a second SetDuration changed the head: %v", err)
		}
	})
}
