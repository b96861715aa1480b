package interview

import "time"

// Recordings (docs/recordings.md). The candidate's browser records the
// conversation (its microphone and the interviewer's voice, mixed, and the
// camera when the position asks for it) and uploads it in chunks of a few
// seconds. Each peer connection of the room is one segment: a reconnect
// starts a new one. A segment's chunks, in Seq order, are one playable
// file; once the segment is finalised they are joined into that file.

// Segment statuses. A segment is recording while chunks may still come;
// finalising checks it and makes it ready, or incomplete when chunks are
// missing (what there is still plays up to the first gap), or failed when
// nothing usable came.
const (
	SegmentRecording  = "recording"
	SegmentProcessing = "processing" // being joined or uploaded to api.video
	SegmentReady      = "ready"
	SegmentIncomplete = "incomplete"
	SegmentFailed     = "failed"
)

// Recording limits. The service may be configured lower, never higher.
const (
	// MaxChunkBytes is the largest chunk an upload may carry.
	MaxChunkBytes = 4 << 20
	// DefaultMaxRecordingBytes is the most one interview's recording may
	// take in all, over every segment.
	DefaultMaxRecordingBytes = 512 << 20
	// MaxSegments is how many segments one interview may have (each
	// reconnect starts one).
	MaxSegments = 50
	// DefaultRecordingRetentionDays is how long a new organisation keeps
	// recordings; 0 would mean until deleted.
	DefaultRecordingRetentionDays = 90
)

// RecordingChunk is one uploaded piece of a segment. Its bytes live in
// the recordings' blob store under a key derived from its IDs; the row
// says it arrived and what it holds.
type RecordingChunk struct {
	TenantID    string
	InterviewID string
	SegmentID   string
	Seq         int    // 0, 1, 2… within the segment
	Bytes       int64  // its size
	SHA256      string // hex, to tell a retry from a different chunk
	CreatedAt   time.Time
}

// Retention is how long an organisation keeps what its interviews leave,
// counted from the interview's end. 0 days keeps it until it is deleted.
type Retention struct {
	RecordingDays  int
	TranscriptDays int
}

// MaxRetentionDays bounds a retention setting (10 years).
const MaxRetentionDays = 3650

// Validate checks both settings are within 0..MaxRetentionDays.
func (r Retention) Validate() error {
	var errs []error
	if r.RecordingDays < 0 || r.RecordingDays > MaxRetentionDays {
		errs = append(errs, FieldErrorf("recordingDays", "recordings are kept for 0 (until deleted) to %d days", MaxRetentionDays))
	}
	if r.TranscriptDays < 0 || r.TranscriptDays > MaxRetentionDays {
		errs = append(errs, FieldErrorf("transcriptDays", "transcripts are kept for 0 (until deleted) to %d days", MaxRetentionDays))
	}
	return JoinFields(errs...)
}

// Erasure is the tombstone an erasure leaves: who erased which candidate's
// data, when, and how much went. It holds no personal data: the
// candidate's ID is a random UUID that nothing else names any more.
type Erasure struct {
	ID           string
	TenantID     string
	CandidateID  string
	InterviewIDs []string
	ActorType    string // user | api_key
	ActorID      string
	Counts       map[string]int64 // rows (and blob bytes) deleted, by kind
	ErasedAt     time.Time
}

// AuditFilter narrows an organisation's audit log: newest first, before
// a cursor (the last event of the previous page), of some actions only.
type AuditFilter struct {
	Actions  []string  // empty: every action
	Before   time.Time // zero: from the newest
	BeforeID string    // with Before: events at Before with an ID below it
	Limit    int       // 0: store.DefaultAuditList; at most store.MaxAuditList
}
