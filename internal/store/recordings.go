package store

import (
	"context"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
)

// Recordings stores the segments of interviews' recordings and the chunks
// uploaded into them (interview.VideoSegment, interview.RecordingChunk).
// The chunks' bytes live in a blob store (internal/recording); these rows
// say what arrived. The server writes them for the candidate; the
// interview's organisation reads them.
type Recordings interface {
	// BeginSegment stores v as the interview's next segment: Index is
	// the number of segments it has already, Status recording, ID and
	// times filled. ErrNotFound if the interview is not in v.TenantID;
	// ErrRateLimited past interview.MaxSegments.
	BeginSegment(ctx context.Context, v *interview.VideoSegment) error
	// GetSegment returns the interview's segment of that index.
	GetSegment(ctx context.Context, tenantID, interviewID string, index int) (interview.VideoSegment, error)
	// AddChunk records c and adds it to its segment's Chunks and Bytes,
	// atomically. stored is false, with nothing written, when the segment
	// already has chunk c.Seq with the same SHA256 (a retry); ErrConflict
	// when it has it with another. ErrClosed when the segment is no longer
	// recording; ErrTooLarge when the interview's segments would exceed
	// maxBytes in all; ErrNotFound when the segment is not the interview's
	// in c.TenantID.
	AddChunk(ctx context.Context, c interview.RecordingChunk, maxBytes int64) (stored bool, err error)
	// ListChunks returns a segment's chunks in Seq order.
	ListChunks(ctx context.Context, tenantID, segmentID string) ([]interview.RecordingChunk, error)
	// FinishSegment stores a finalised segment's Status, EndTime,
	// DurationMS, Gaps, Storage, ObjectKey, ExternalID and VideoURL. It
	// applies only to a segment that is recording or processing
	// (ErrConflict otherwise), so that two finalisers do not both act.
	FinishSegment(ctx context.Context, v *interview.VideoSegment) error
	// ListSegmentsToFinish returns, from every tenant, up to limit segments
	// still recording whose interview ended at or before endedBefore, or
	// whose last chunk (or start, without chunks) is at or before
	// idleBefore: those no browser will add to any more. Oldest first.
	// The finaliser's (privileged path; through As, ErrForbidden).
	ListSegmentsToFinish(ctx context.Context, endedBefore, idleBefore time.Time, limit int) ([]interview.VideoSegment, error)
	// DeleteRecording deletes an interview's segments and chunks and
	// returns the segments as they were, so that the caller deletes
	// their blobs (it deletes the blobs first, then the rows).
	DeleteRecording(ctx context.Context, tenantID, interviewID string) ([]interview.VideoSegment, error)
}

// Retention stores organisations' retention settings and finds what
// they say is due for deletion. Tenant.Retention carries the settings.
type Retention interface {
	// SetRetention stores a tenant's settings; ErrInvalid when r fails
	// Validate.
	SetRetention(ctx context.Context, tenantID string, r interview.Retention) error
	// ListExpiredRecordings returns, from every tenant with a recording
	// retention, up to limit interviews with segments that ended at or
	// before now minus that tenant's days. Privileged path.
	ListExpiredRecordings(ctx context.Context, now time.Time, limit int) ([]InterviewRef, error)
	// ListExpiredTranscripts is the same for transcripts: interviews with
	// transcript entries past the tenant's transcript retention.
	ListExpiredTranscripts(ctx context.Context, now time.Time, limit int) ([]InterviewRef, error)
	// DeleteTranscript deletes an interview's transcript entries and
	// returns how many. The interview and everything else stay.
	DeleteTranscript(ctx context.Context, tenantID, interviewID string) (int64, error)
}

// InterviewRef names an interview in a tenant.
type InterviewRef struct {
	TenantID    string
	InterviewID string
	EndedAt     time.Time
}

// Erasures erase a candidate's data on request (GDPR Art. 17).
type Erasures interface {
	// EraseCandidate deletes, in one transaction, candidate
	// e.CandidateID of e.TenantID and each interview of theirs with
	// everything that hangs off it (transcript, segments and chunks,
	// consents, assessments, scorecards, decisions, feedback, problems,
	// question marks, lease, e-mail, webhook deliveries about it), and the
	// personal data in audit events about them, and stores e as the
	// tombstone (filling ID, InterviewIDs, Counts and ErasedAt when
	// zero). The caller has deleted the recordings' blobs before.
	// ErrNotFound when the candidate is not in the tenant; ErrConflict
	// when one of their interviews is in progress.
	EraseCandidate(ctx context.Context, e *interview.Erasure) error
	// ListErasures returns a tenant's tombstones, newest first.
	ListErasures(ctx context.Context, tenantID string) ([]interview.Erasure, error)
	// ListCandidateInterviews returns the IDs of a candidate's interviews.
	ListCandidateInterviews(ctx context.Context, tenantID, candidateID string) ([]string, error)
}
