package recording

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

// Service takes the room's uploads, finalises segments and serves and
// deletes recordings (docs/recordings.md, "Uploads" and "Finalising").
//
//   - Begin(ctx, session, position, mimeType, video) starts the interview's
//     next segment (POST /join/{token}/recording).
//   - PutChunk(ctx, tenantID, interviewID, index, seq, body) stores one
//     chunk: stored is false for an identical retry (PUT …/{segment}/{seq}).
//   - Finish(ctx, tenantID, interviewID, index, chunks) is the browser's
//     word that it stopped the segment after chunks chunks; it finalises
//     the segment at once when they are all there (POST …/finish).
//   - Finalise(ctx, seg) joins a segment's chunks into its file, measures
//     and writes its duration, and marks it ready, incomplete or failed.
//   - Sweep(ctx) finalises the segments no browser will add to any more;
//     Start runs it every SweepInterval.
//   - Open(ctx, seg) opens a finalised segment's file for replay.
//   - DeleteInterview(ctx, tenantID, interviewID) deletes an interview's
//     recording: its blobs and api.video videos, then its rows.
type Service struct {
	store     Store
	blobs     Blobs
	publisher Publisher
	maxBytes  int64
	now       func() time.Time
	log       *slog.Logger

	// finishing holds the chunk counts browsers announced with Finish for
	// segments still missing chunks, by segment ID, so that the chunk
	// that completes one finalises it at once. Best effort: on another
	// instance, or after a restart, the sweep finalises it instead.
	mu        sync.Mutex
	finishing map[string]int
}

// Store is what the service needs of the store: the privileged path.
type Store interface {
	store.Recordings
	store.Locks
	GetSession(ctx context.Context, tenantID, id string) (interview.Session, error)
	ListVideoSegments(ctx context.Context, tenantID, interviewID string) ([]interview.VideoSegment, error)
}

// Config configures a Service.
type Config struct {
	Store Store
	Blobs Blobs
	// Publisher, when set (api.video), keeps the finalised segments
	// instead of Blobs, which then holds only the chunks.
	Publisher Publisher
	// MaxBytes bounds one interview's recording, over every segment;
	// 0 or more than interview.DefaultMaxRecordingBytes is that default.
	MaxBytes int64
	Now      func() time.Time
	Logger   *slog.Logger
}

// Timings of the protocol and the sweep (docs/recordings.md).
const (
	// ChunkInterval is how much media the browser puts in one chunk (the
	// MediaRecorder timeslice).
	ChunkInterval = 4 * time.Second
	// Grace is how long after its interview ended a segment still takes
	// chunks: those the browser had queued when the call ended.
	Grace = 60 * time.Second
	// Idle is how long a segment of an interview still going may go
	// without a chunk before the sweep finalises it (its browser is gone).
	Idle = 10 * time.Minute
	// SweepInterval is how often Start sweeps.
	SweepInterval = 15 * time.Second
	// sweepBatch is how many segments one sweep finalises at most.
	sweepBatch = 20
	// lockName is the store lock under which one instance sweeps.
	lockName = "recordings"
)

// New returns a Service; Store and Blobs are required.
func New(c Config) (*Service, error) {
	if c.Store == nil || c.Blobs == nil {
		return nil, fmt.Errorf("recording: a service needs a store and blobs")
	}
	s := &Service{store: c.Store, blobs: c.Blobs, publisher: c.Publisher, maxBytes: c.MaxBytes,
		now: c.Now, log: c.Logger, finishing: map[string]int{}}
	if s.maxBytes <= 0 || s.maxBytes > interview.DefaultMaxRecordingBytes {
		s.maxBytes = interview.DefaultMaxRecordingBytes
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	return s, nil
}

// MaxBytes is the most one interview's recording may take.
func (s *Service) MaxBytes() int64 { return s.maxBytes }

// Keys of the blobs: an interview's prefix holds all its recording.

// InterviewPrefix is the prefix of every blob of an interview's recording.
func InterviewPrefix(tenantID, interviewID string) string {
	return "t/" + tenantID + "/i/" + interviewID + "/"
}

// segmentPrefix is the prefix of a segment's blobs.
func segmentPrefix(tenantID, interviewID string, index int) string {
	return fmt.Sprintf("%ss/%d/", InterviewPrefix(tenantID, interviewID), index)
}

// ChunkKey is the key of a segment's chunk.
func ChunkKey(tenantID, interviewID string, index, seq int) string {
	return fmt.Sprintf("%sc/%06d", segmentPrefix(tenantID, interviewID, index), seq)
}

// FileKey is the key of a segment's joined file.
func FileKey(tenantID, interviewID string, index int) string {
	return segmentPrefix(tenantID, interviewID, index) + "file"
}
