package recording

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"slices"
	"sync"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
)

// Finalise joins a segment's chunks, in Seq order, into its file (FileKey)
// and deletes them. It checks each chunk's size and SHA-256 against its
// row: a chunk missing or different counts as a gap, as does a Seq below
// the highest one (or below the count the browser announced with Finish)
// that never came. A WebM file gets its duration measured from its own
// timestamps and written into its header, so that players show its length
// and can seek. With a Publisher the file goes to it and leaves Blobs.
// The segment ends ready, incomplete (gaps; what there is is kept) or
// failed (no usable chunk). A segment another process is finalising, or
// one already finalised, is returned as it is. An error of the blob store
// leaves the segment processing, its chunks kept.
func (s *Service) Finalise(ctx context.Context, seg interview.VideoSegment) (interview.VideoSegment, error) {
	unlock, ok, err := s.store.TryLock(ctx, "recording-segment:"+seg.ID)
	if err != nil || !ok {
		return seg, err
	}
	defer unlock()
	if seg, err = s.segment(ctx, seg.TenantID, seg.InterviewID, seg.Index); err != nil {
		return seg, err
	}
	if seg.Status != interview.SegmentRecording && seg.Status != interview.SegmentProcessing {
		return seg, nil
	}
	// Processing refuses further chunks, which would miss the file, and
	// is taken from recording only: of two finalisers one goes on. (A
	// segment found processing under the lock is one whose finaliser
	// died or failed: this one takes it over.)
	if seg.Status == interview.SegmentRecording {
		seg.Status = interview.SegmentProcessing
		if err := s.store.FinishSegment(ctx, &seg); err != nil {
			return seg, fmt.Errorf("finalise segment %s: %w", seg.ID, err)
		}
	}
	if err := s.finalise(ctx, &seg, s.expected(seg.ID)); err != nil {
		return seg, fmt.Errorf("finalise segment %s: %w", seg.ID, err)
	}
	if err := s.store.FinishSegment(ctx, &seg); err != nil {
		return seg, fmt.Errorf("finalise segment %s: %w", seg.ID, err)
	}
	s.log.Info("recording segment finalised", "segment_id", seg.ID, "interview_id", seg.InterviewID,
		"status", seg.Status, "bytes", seg.Bytes, "duration_ms", seg.DurationMS, "gaps", seg.Gaps)
	return seg, nil
}

// finalise does Finalise's work on a segment marked processing, filling
// its final fields; want is the chunk count its browser announced (0:
// unknown).
func (s *Service) finalise(ctx context.Context, seg *interview.VideoSegment, want int) error {
	chunks, err := s.store.ListChunks(ctx, seg.TenantID, seg.ID)
	if err != nil {
		return err
	}
	kept, dur, err := s.check(ctx, *seg, chunks)
	if err != nil {
		return err
	}
	seg.Gaps = gaps(kept, want)
	seg.DurationMS = dur.Milliseconds()
	seg.EndTime = endTime(*seg, kept, s.now())
	switch {
	case len(kept) == 0:
		seg.Status = interview.SegmentFailed
	case seg.Gaps > 0:
		seg.Status = interview.SegmentIncomplete
	default:
		seg.Status = interview.SegmentReady
	}
	if len(kept) > 0 {
		if err := s.write(ctx, seg, kept, dur); err != nil {
			return err
		}
	}
	return s.blobs.Delete(ctx, segmentPrefix(seg.TenantID, seg.InterviewID, seg.Index)+"c/")
}

// check reads the chunks once, in Seq order, and returns those whose blob
// matches its row, with the duration of the WebM they make (0 for other
// types or when it cannot be told).
func (s *Service) check(ctx context.Context, seg interview.VideoSegment, chunks []interview.RecordingChunk) ([]interview.RecordingChunk, time.Duration, error) {
	for {
		r := s.chunkStream(ctx, seg, chunks)
		dur, err := s.measure(seg, r)
		if _, ok := errors.AsType[*badChunk](err); !ok {
			_, err = io.Copy(io.Discard, r) // check the rest
		}
		bad, ok := errors.AsType[*badChunk](err)
		switch {
		case ok:
			s.log.Warn("recording chunk dropped", "segment_id", seg.ID, "seq", chunks[bad.i].Seq, "err", bad.err)
			chunks = slices.Delete(chunks, bad.i, bad.i+1)
			continue
		case err != nil:
			return nil, 0, err
		}
		return chunks, dur, nil
	}
}

// measure returns the duration of a WebM segment read from r; 0 for
// other types, or with a badChunk error from r. A file whose duration
// cannot be told still plays: that is logged, not an error.
func (s *Service) measure(seg interview.VideoSegment, r io.Reader) (time.Duration, error) {
	if !isWebM(seg.MIMEType) {
		return 0, nil
	}
	d, err := measure(r)
	if _, ok := errors.AsType[*badChunk](err); ok {
		return 0, err
	} else if err != nil {
		s.log.Warn("recording duration not measured", "segment_id", seg.ID, "err", err)
		return 0, nil
	}
	return d, nil
}

// write joins the chunks into the segment's file, with the duration in its
// header when there is one, and hands it to the Publisher when set.
func (s *Service) write(ctx context.Context, seg *interview.VideoSegment, chunks []interview.RecordingChunk, dur time.Duration) error {
	var head []byte
	rest := chunks
	if dur > 0 {
		var err error
		if head, err = s.stampedHead(ctx, *seg, chunks[0], dur); err != nil {
			return err
		}
		rest = chunks[1:]
	}
	size := int64(len(head))
	for _, c := range rest {
		size += c.Bytes
	}
	key := FileKey(seg.TenantID, seg.InterviewID, seg.Index)
	r := io.MultiReader(bytes.NewReader(head), s.chunkStream(ctx, *seg, rest))
	if err := s.blobs.Put(ctx, key, r, size); err != nil {
		return fmt.Errorf("put %s: %w", key, err)
	}
	seg.Storage, seg.ObjectKey = s.blobs.Name(), key
	if s.publisher != nil {
		s.publish(ctx, seg)
	}
	return nil
}

// stampedHead returns the first chunk with the duration written into its
// Info, or as it is when that cannot be done.
func (s *Service) stampedHead(ctx context.Context, seg interview.VideoSegment, first interview.RecordingChunk, dur time.Duration) ([]byte, error) {
	head, err := io.ReadAll(s.chunkStream(ctx, seg, []interview.RecordingChunk{first}))
	if err != nil {
		return nil, err
	}
	stamped, err := stamp(head, dur)
	if err != nil {
		s.log.Warn("recording duration not written", "segment_id", seg.ID, "err", err)
		return head, nil
	}
	return stamped, nil
}

// publish uploads the joined file to the Publisher and, once it has it,
// deletes it from Blobs. A failed upload keeps the file where it is: the
// recording still plays from there.
func (s *Service) publish(ctx context.Context, seg *interview.VideoSegment) {
	obj, err := s.blobs.Open(ctx, seg.ObjectKey)
	if err != nil {
		s.log.Warn("recording not published", "segment_id", seg.ID, "err", err)
		return
	}
	defer obj.Close()
	title := fmt.Sprintf("interview %s segment %d", seg.InterviewID, seg.Index)
	id, err := s.publisher.Upload(ctx, title, &readerAt{r: obj}, obj.Size())
	if err != nil {
		s.log.Warn("recording not published", "segment_id", seg.ID, "err", err)
		return
	}
	if err := s.blobs.Delete(ctx, seg.ObjectKey); err != nil {
		s.log.Warn("published recording's file not deleted", "segment_id", seg.ID, "err", err)
	}
	seg.Storage, seg.ObjectKey, seg.ExternalID = "apivideo", "", id
}

// gaps counts the Seqs missing below the highest kept, or below want when
// the browser announced more.
func gaps(kept []interview.RecordingChunk, want int) int {
	n := want
	if len(kept) > 0 {
		n = max(n, kept[len(kept)-1].Seq+1)
	}
	return n - len(kept)
}

// endTime is when the segment's media ends: its start plus its duration,
// or else when its last chunk arrived.
func endTime(seg interview.VideoSegment, kept []interview.RecordingChunk, now time.Time) *time.Time {
	switch {
	case seg.DurationMS > 0:
		t := seg.StartTime.Add(time.Duration(seg.DurationMS) * time.Millisecond)
		return &t
	case len(kept) > 0:
		t := kept[len(kept)-1].CreatedAt
		return &t
	}
	return &now
}

// badChunk is a chunk whose blob is missing or differs from its row.
type badChunk struct {
	i   int // its place in the stream's chunks
	err error
}

func (e *badChunk) Error() string { return fmt.Sprintf("chunk %d: %v", e.i, e.err) }

// chunkStream reads chunks' blobs one after another as one stream,
// checking each, as it ends, against its row's size and SHA-256.
func (s *Service) chunkStream(ctx context.Context, seg interview.VideoSegment, chunks []interview.RecordingChunk) *chunkStream {
	return &chunkStream{ctx: ctx, blobs: s.blobs, seg: seg, chunks: chunks}
}

type chunkStream struct {
	ctx    context.Context
	blobs  Blobs
	seg    interview.VideoSegment
	chunks []interview.RecordingChunk
	i      int // the chunk being read
	cur    Object
	h      hash.Hash
	n      int64
}

func (c *chunkStream) Read(p []byte) (int, error) {
	for c.i < len(c.chunks) {
		if c.cur == nil {
			if err := c.open(); err != nil {
				return 0, err
			}
		}
		n, err := c.cur.Read(p)
		c.h.Write(p[:n])
		c.n += int64(n)
		if err == io.EOF {
			err = c.next()
		}
		if n > 0 || err != nil {
			return n, err
		}
	}
	return 0, io.EOF
}

// open opens the blob of chunk c.i.
func (c *chunkStream) open() error {
	ch := c.chunks[c.i]
	obj, err := c.blobs.Open(c.ctx, ChunkKey(c.seg.TenantID, c.seg.InterviewID, c.seg.Index, ch.Seq))
	if errors.Is(err, ErrNoObject) {
		return &badChunk{i: c.i, err: err}
	} else if err != nil {
		return fmt.Errorf("open chunk %d: %w", ch.Seq, err)
	}
	c.cur, c.h, c.n = obj, sha256.New(), 0
	return nil
}

// next checks the chunk just read and moves on to the following one.
func (c *chunkStream) next() error {
	c.cur.Close()
	c.cur = nil
	ch := c.chunks[c.i]
	if c.n != ch.Bytes || hex.EncodeToString(c.h.Sum(nil)) != ch.SHA256 {
		return &badChunk{i: c.i, err: fmt.Errorf("%d bytes that are not the %d stored", c.n, ch.Bytes)}
	}
	c.i++
	return nil
}

// readerAt reads an Object at offsets, for the Publisher's parts.
type readerAt struct {
	mu sync.Mutex
	r  Object
}

func (a *readerAt) ReadAt(p []byte, off int64) (int, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if _, err := a.r.Seek(off, io.SeekStart); err != nil {
		return 0, err
	}
	n, err := io.ReadFull(a.r, p)
	if err == io.ErrUnexpectedEOF {
		err = io.EOF // io.ReaderAt's word for a short read at the end
	}
	return n, err
}
