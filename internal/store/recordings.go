package store

import (
	"cmp"
	"context"
	"slices"
	"strings"
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
	// idleBefore: those no browser will add to any more. It also returns
	// segments left processing since idleBefore (a finaliser that failed
	// or died), for another to take over. Oldest first.
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
	// DeleteTranscript deletes an interview's transcript entries, and its
	// AI assessments, which quote them, and returns how many entries. The
	// interview and everything else (scorecards, decisions, question
	// marks) stay.
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
	// tombstone (filling ID, InterviewIDs and ErasedAt when zero; Counts
	// gets the rows it deleted, keeping what the caller put there for
	// what it deleted before, see KeepGivenCounts). The caller has deleted the recordings' blobs before.
	// ErrNotFound when the candidate is not in the tenant; ErrConflict
	// when one of their interviews is in progress. Privileged path (on
	// PostgreSQL, through As, ErrForbidden): the caller checks that the
	// actor is an owner or an API key, and the audit events it clears are
	// not the actor's to update.
	EraseCandidate(ctx context.Context, e *interview.Erasure) error
	// ListErasures returns a tenant's tombstones, newest first (through
	// As on PostgreSQL, owners only).
	ListErasures(ctx context.Context, tenantID string) ([]interview.Erasure, error)
	// ListCandidateInterviews returns the IDs of a candidate's interviews.
	ListCandidateInterviews(ctx context.Context, tenantID, candidateID string) ([]string, error)
}

// ErrTooLarge is the answer to a write that would take a recording over
// its limit.
var ErrTooLarge = interview.ErrTooLarge

// PrepareChunk checks c before either store writes it and returns the
// interview's limit to apply: maxBytes, or
// interview.DefaultMaxRecordingBytes when it is not positive. It fills
// c.CreatedAt when zero (with now).
func PrepareChunk(c *interview.RecordingChunk, maxBytes int64, now time.Time) (int64, error) {
	switch {
	case c.Seq < 0:
		return 0, interview.FieldErrorf("seq", "a chunk's sequence number is 0 or more")
	case c.Bytes < 0:
		return 0, interview.FieldErrorf("bytes", "a chunk's size is 0 or more")
	case c.Bytes > interview.MaxChunkBytes:
		return 0, interview.Errorf(interview.CodeTooLarge, "a chunk may hold at most %d bytes", interview.MaxChunkBytes)
	case !isSHA256(c.SHA256):
		return 0, interview.FieldErrorf("sha256", "a chunk's SHA-256 is 64 lowercase hex digits")
	}
	if c.CreatedAt.IsZero() {
		c.CreatedAt = now
	}
	c.CreatedAt = c.CreatedAt.UTC().Truncate(time.Microsecond)
	if maxBytes <= 0 {
		maxBytes = interview.DefaultMaxRecordingBytes
	}
	return maxBytes, nil
}

// isSHA256 reports whether s is a hex SHA-256 as the stores keep it.
func isSHA256(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, r := range s {
		if (r < '0' || r > '9') && (r < 'a' || r > 'f') {
			return false
		}
	}
	return true
}

// ChunkDecision decides, from what a segment holds, whether c is stored.
// stored is the segment's status; sha the SHA-256 of its chunk c.Seq, ""
// when it has none; total the bytes of all the interview's segments. A
// retry of a stored chunk is answered (false, nil) before the status is
// looked at, so that a browser's late retry of what arrived is harmless.
// Both stores call it inside the transaction that inserts.
func ChunkDecision(c interview.RecordingChunk, status, sha string, total, maxBytes int64) (bool, error) {
	switch {
	case sha == c.SHA256:
		return false, nil
	case sha != "":
		return false, interview.Errorf(interview.CodeConflict, "chunk %d of this segment arrived with other bytes", c.Seq)
	case status != interview.SegmentRecording:
		return false, interview.Errorf(interview.CodeClosed, "this segment is %s and takes no more chunks", status)
	case total+c.Bytes > maxBytes:
		return false, interview.Errorf(interview.CodeTooLarge, "this interview's recording may take at most %d bytes", maxBytes)
	}
	return true, nil
}

// PrepareSegmentFinish checks a finalised segment before FinishSegment stores
// it: a known status other than recording, and counts that are not
// negative.
func PrepareSegmentFinish(v *interview.VideoSegment) error {
	switch v.Status {
	case interview.SegmentProcessing, interview.SegmentReady, interview.SegmentIncomplete, interview.SegmentFailed:
	default:
		return interview.FieldErrorf("status", "a segment cannot be finished as %q", v.Status)
	}
	if v.DurationMS < 0 || v.Gaps < 0 {
		return interview.FieldErrorf("durationMs", "a segment's duration and gaps are 0 or more")
	}
	switch v.Storage {
	case "", "files", "supabase", "apivideo":
	default:
		return interview.FieldErrorf("storage", "unknown storage %q", v.Storage)
	}
	truncateTime(v.EndTime)
	return nil
}

// FinishFrom lists the statuses FinishSegment may move a segment out of
// into status: processing is taken from recording only, so that of two
// finalisers one wins; a final status from recording or processing.
func FinishFrom(status string) []string {
	if status == interview.SegmentProcessing {
		return []string{interview.SegmentRecording}
	}
	return []string{interview.SegmentRecording, interview.SegmentProcessing}
}

// PrepareSegment fills a new segment's ID-less fields before BeginSegment
// stores it: status recording, start at now when zero, CreatedAt now,
// UpdatedAt (the last activity while recording) the start, counters and
// finalised fields cleared.
func PrepareSegment(v *interview.VideoSegment, now time.Time) error {
	if len(v.MIMEType) > 200 {
		return interview.FieldErrorf("mimeType", "a MIME type has at most 200 characters")
	}
	v.Status = interview.SegmentRecording
	v.Chunks, v.Bytes, v.DurationMS, v.Gaps = 0, 0, 0, 0
	v.Storage, v.ObjectKey, v.ExternalID, v.VideoURL, v.EndTime = "", "", "", "", nil
	if v.StartTime.IsZero() {
		v.StartTime = now
	}
	v.StartTime = v.StartTime.UTC().Truncate(time.Microsecond)
	v.CreatedAt, v.UpdatedAt = now, v.StartTime // the last activity: the start, until a chunk arrives
	return nil
}

// SegmentLimit is BeginSegment's answer once an interview has
// interview.MaxSegments segments.
func SegmentLimit(count int) error {
	if count >= interview.MaxSegments {
		return interview.Errorf(interview.CodeRateLimited, "an interview may have at most %d recording segments", interview.MaxSegments)
	}
	return nil
}

func truncateTime(t *time.Time) {
	if t != nil {
		*t = t.UTC().Truncate(time.Microsecond)
	}
}

// DefaultRetention is what CreateTenant stores for a tenant whose
// Retention is the zero value: recordings kept
// interview.DefaultRecordingRetentionDays, transcripts until deleted. (A
// tenant that wants recordings kept until deleted says so with
// SetRetention.)
var DefaultRetention = interview.Retention{RecordingDays: interview.DefaultRecordingRetentionDays}

// PrepareTenantRetention fills t.Retention with DefaultRetention when it
// is zero and validates it.
func PrepareTenantRetention(t *interview.Tenant) error {
	if t.Retention == (interview.Retention{}) {
		t.Retention = DefaultRetention
	}
	return t.Retention.Validate()
}

// ErasedRows lists, for EraseCandidate's Counts, the tables whose rows
// about the erased interviews go with them (their foreign keys cascade
// from interview_sessions), each with its interview column; both stores
// count them before deleting.
var ErasedRows = []struct{ Kind, Table, Column string }{
	{"transcriptEntries", "transcript_entries", "interview_session_id"},
	{"segments", "video_segments", "interview_session_id"},
	{"chunks", "recording_chunks", "interview_session_id"},
	{"consents", "consents", "interview_session_id"},
	{"assessments", "assessments", "interview_id"},
	{"scorecards", "scorecards", "interview_id"},
	{"decisions", "hiring_decisions", "interview_id"},
	{"feedback", "candidate_feedback", "interview_id"},
	{"problems", "candidate_problems", "interview_id"},
	{"questionMarks", "question_marks", "interview_id"},
	{"leases", "call_leases", "interview_id"},
	{"mails", "mail_outbox", "interview_id"},
	{"webhookDeliveries", "webhook_deliveries", "interview_id"},
}

// PrepareErasure checks e before EraseCandidate and fills its ID and
// ErasedAt when zero.
func PrepareErasure(e *interview.Erasure, id string, now time.Time) error {
	if e.ActorType != "user" && e.ActorType != "api_key" {
		return interview.FieldErrorf("actorType", "an erasure is made by a user or an API key, not %q", e.ActorType)
	}
	if e.ID == "" {
		e.ID = id
	}
	if e.ErasedAt.IsZero() {
		e.ErasedAt = now
	}
	e.ErasedAt = e.ErasedAt.UTC().Truncate(time.Microsecond)
	return nil
}

// AuditPageLimit is f.Limit brought within DefaultAuditList and
// MaxAuditList.
func AuditPageLimit(f interview.AuditFilter) int {
	if f.Limit <= 0 {
		return DefaultAuditList
	}
	return min(f.Limit, MaxAuditList)
}

// SortSegments puts segments in Index order.
func SortSegments(list []interview.VideoSegment) {
	slices.SortFunc(list, func(a, b interview.VideoSegment) int { return cmp.Compare(a.Index, b.Index) })
}

// SortInterviewRefs puts refs oldest first (EndedAt, then InterviewID).
func SortInterviewRefs(list []InterviewRef) {
	slices.SortFunc(list, func(a, b InterviewRef) int {
		return cmp.Or(a.EndedAt.Compare(b.EndedAt), cmp.Compare(a.InterviewID, b.InterviewID))
	})
}

// QualifyColumns prefixes each column of a comma-separated list with p
// (a table alias and its dot), for a query that joins.
func QualifyColumns(p, cols string) string {
	fields := strings.Split(cols, ",")
	for i, f := range fields {
		fields[i] = p + strings.TrimSpace(f)
	}
	return strings.Join(fields, ", ")
}

// ErasableInterviews returns the IDs of a candidate's interviews, given
// with their statuses, or ErrConflict when one is in progress: an
// interview still running is not erased under the call.
func ErasableInterviews(ids []string, statuses []string) ([]string, error) {
	for i, st := range statuses {
		if st == string(interview.StatusInProgress) {
			return nil, interview.Errorf(interview.CodeConflict, "interview %s is in progress", ids[i])
		}
	}
	return append([]string{}, ids...), nil
}

// KeepGivenCounts adds to counts, the rows EraseCandidate deleted, what
// its caller counted before it and passed in the tombstone (the
// recordings' blobs and segments, deleted first): a kind both name keeps
// the larger figure.
func KeepGivenCounts(counts, given map[string]int64) {
	for k, v := range given {
		if v > counts[k] {
			counts[k] = v
		}
	}
}
