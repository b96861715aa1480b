package recording

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/interviewd/interviewd/internal/interview"
)

var (
	errNotRecorded = interview.Errorf(interview.CodeConflict, "this position does not record")
	errNoVideo     = interview.Errorf(interview.CodeConflict, "this position does not record the camera")
	errEmptyChunk  = interview.Errorf(interview.CodeInvalid, "a chunk cannot be empty")
	errBigChunk    = interview.Errorf(interview.CodeTooLarge, "a chunk may hold at most %d bytes", interview.MaxChunkBytes)
	errNoSegment   = interview.Errorf(interview.CodeNotFound, "no such recording segment")
	errSegmentDone = interview.Errorf(interview.CodeClosed, "this recording segment is finished")
)

// Begin starts the interview's next segment, recorded as mimeType (see
// ParseMIMEType), with the candidate's camera when video is set. The
// position must record (and record the camera for video): CodeConflict
// otherwise; an ended interview is ErrClosed; past interview.MaxSegments
// the store answers CodeRateLimited.
func (s *Service) Begin(ctx context.Context, v interview.Session, p interview.Position, mimeType string, video bool) (interview.VideoSegment, error) {
	mt, err := ParseMIMEType(mimeType)
	switch {
	case err != nil:
		return interview.VideoSegment{}, err
	case !p.RecordAudio:
		return interview.VideoSegment{}, errNotRecorded
	case video && !p.RecordVideo:
		return interview.VideoSegment{}, errNoVideo
	case v.Status.Terminal():
		return interview.VideoSegment{}, interview.ErrClosed
	}
	seg := interview.VideoSegment{TenantID: v.TenantID, InterviewID: v.ID, Status: interview.SegmentRecording,
		StartTime: s.now(), MIMEType: mt, HasVideo: video}
	if err := s.store.BeginSegment(ctx, &seg); err != nil {
		return interview.VideoSegment{}, fmt.Errorf("begin segment of %s: %w", v.ID, err)
	}
	return seg, nil
}

// PutChunk stores chunk seq of the interview's segment index. Its bytes go
// to Blobs first, then the store records them (AddChunk); a crash between
// the two leaves a blob no row names, which the segment's finalising
// deletes with the other chunks. stored is false for a retry of a chunk
// already stored with the same bytes; the same seq with other bytes is
// ErrConflict. A finished segment, or an interview ended more than Grace
// ago, is ErrClosed; a chunk over interview.MaxChunkBytes, or one that
// would take the interview past MaxBytes, is CodeTooLarge.
func (s *Service) PutChunk(ctx context.Context, tenantID, interviewID string, index, seq int, body []byte) (bool, error) {
	seg, err := s.openSegment(ctx, tenantID, interviewID, index, seq, body)
	if err != nil {
		return false, err
	}
	sum := sha256.Sum256(body)
	c := interview.RecordingChunk{TenantID: tenantID, InterviewID: interviewID, SegmentID: seg.ID,
		Seq: seq, Bytes: int64(len(body)), SHA256: hex.EncodeToString(sum[:])}
	// A chunk already there is answered before its blob is touched: a
	// retry with other bytes must not replace the stored chunk's blob.
	if stored, err := s.knownChunk(ctx, c); stored || err != nil {
		return false, err
	}
	key := ChunkKey(tenantID, interviewID, index, seq)
	if err := s.blobs.Put(ctx, key, bytes.NewReader(body), c.Bytes); err != nil {
		return false, fmt.Errorf("put chunk %s: %w", key, err)
	}
	stored, err := s.store.AddChunk(ctx, c, s.maxBytes)
	if err != nil {
		return false, fmt.Errorf("add chunk %d of %s: %w", seq, seg.ID, err)
	}
	if stored {
		s.finishIfComplete(ctx, seg)
	}
	return stored, nil
}

// openSegment checks a chunk and finds the open segment it belongs to.
func (s *Service) openSegment(ctx context.Context, tenantID, interviewID string, index, seq int, body []byte) (interview.VideoSegment, error) {
	switch {
	case seq < 0 || index < 0:
		return interview.VideoSegment{}, errNoSegment
	case len(body) == 0:
		return interview.VideoSegment{}, errEmptyChunk
	case len(body) > interview.MaxChunkBytes:
		return interview.VideoSegment{}, errBigChunk
	}
	v, err := s.store.GetSession(ctx, tenantID, interviewID)
	if err != nil {
		return interview.VideoSegment{}, fmt.Errorf("chunk of %s: %w", interviewID, err)
	}
	if v.EndedAt != nil && s.now().Sub(*v.EndedAt) > Grace {
		return interview.VideoSegment{}, errSegmentDone
	}
	seg, err := s.segment(ctx, tenantID, interviewID, index)
	if err == nil && seg.Status != interview.SegmentRecording {
		err = errSegmentDone
	}
	return seg, err
}

// segment returns the interview's segment index; errNoSegment when there
// is none.
func (s *Service) segment(ctx context.Context, tenantID, interviewID string, index int) (interview.VideoSegment, error) {
	seg, err := s.store.GetSegment(ctx, tenantID, interviewID, index)
	if errors.Is(err, interview.ErrNotFound) {
		return seg, errNoSegment
	} else if err != nil {
		return seg, fmt.Errorf("segment %d of %s: %w", index, interviewID, err)
	}
	return seg, nil
}

// knownChunk reports whether the segment already has c with the same
// bytes; ErrConflict when it has c.Seq with others.
func (s *Service) knownChunk(ctx context.Context, c interview.RecordingChunk) (bool, error) {
	chunks, err := s.store.ListChunks(ctx, c.TenantID, c.SegmentID)
	if err != nil {
		return false, fmt.Errorf("chunks of %s: %w", c.SegmentID, err)
	}
	for _, old := range chunks {
		if old.Seq != c.Seq {
			continue
		}
		if old.SHA256 != c.SHA256 {
			return false, interview.Errorf(interview.CodeConflict, "chunk %d was stored with other bytes", c.Seq)
		}
		return true, nil
	}
	return false, nil
}

// Finish is the browser's word that it stopped recording segment index
// after chunks chunks (seq 0 to chunks-1). When they are all there the
// segment is finalised at once, else the last of them finalises it as it
// arrives, or the sweep does. It returns the segment as it is then.
// A segment already finalised is returned as it is.
func (s *Service) Finish(ctx context.Context, tenantID, interviewID string, index, chunks int) (interview.VideoSegment, error) {
	if chunks < 0 {
		return interview.VideoSegment{}, interview.Errorf(interview.CodeInvalid, "chunks cannot be negative")
	}
	seg, err := s.segment(ctx, tenantID, interviewID, index)
	if err != nil || seg.Status != interview.SegmentRecording {
		return seg, err
	}
	s.mu.Lock()
	s.finishing[seg.ID] = chunks
	s.mu.Unlock()
	if seg.Chunks < chunks {
		return seg, nil
	}
	return s.Finalise(context.WithoutCancel(ctx), seg)
}

// finishIfComplete finalises a segment whose browser has finished it once
// the chunks it announced are all there.
func (s *Service) finishIfComplete(ctx context.Context, seg interview.VideoSegment) {
	s.mu.Lock()
	want, ok := s.finishing[seg.ID]
	s.mu.Unlock()
	if !ok {
		return
	}
	seg, err := s.segment(ctx, seg.TenantID, seg.InterviewID, seg.Index)
	if err != nil || seg.Chunks < want {
		return
	}
	if _, err := s.Finalise(context.WithoutCancel(ctx), seg); err != nil {
		s.log.Error("finalise recording segment", "segment_id", seg.ID, "err", err)
	}
}

// expected returns, and forgets, the chunk count a browser announced for
// a segment; 0 when none did (here).
func (s *Service) expected(segmentID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := s.finishing[segmentID]
	delete(s.finishing, segmentID)
	return n
}
