package hiring

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/interviewd/interviewd/internal/interview"
)

// RecordingDeleter deletes an interview's recording: its blobs (and any
// copy on a video platform) first, then its rows. recording.Service is
// one.
type RecordingDeleter interface {
	DeleteInterview(ctx context.Context, tenantID, interviewID string) error
}

// ErasurePreview is what erasing a candidate would delete: the candidate
// and each of their interviews, for the confirmation page. Others are
// interviews of other candidate records with the same e-mail address:
// each interview creates its own candidate, so the same person's other
// interviews are erased one candidate at a time.
type ErasurePreview struct {
	Candidate  interview.Candidate
	Interviews []Interview
	Others     []interview.SessionSummary
}

// canErase allows an organisation's owner, or an API key: integrations
// sync erasure requests from an applicant tracking system.
func canErase(a Actor) error {
	if a.Kind == "api_key" || a.Role.CanManage() {
		return nil
	}
	return interview.Errorf(interview.CodeForbidden, "only an owner of the organisation can erase a candidate's data")
}

// PreviewErasure returns the candidate and their interviews, oldest first,
// as the owner confirming an erasure sees them.
func (s *Service) PreviewErasure(ctx context.Context, a Actor, candidateID string) (ErasurePreview, error) {
	if err := canErase(a); err != nil {
		return ErasurePreview{}, err
	}
	db := s.db(a)
	c, err := db.GetCandidate(ctx, a.TenantID, candidateID)
	if err != nil {
		return ErasurePreview{}, wrap("preview erasure", err)
	}
	ids, err := db.ListCandidateInterviews(ctx, a.TenantID, candidateID)
	if err != nil {
		return ErasurePreview{}, wrap("preview erasure", err)
	}
	p := ErasurePreview{Candidate: c}
	for _, id := range ids {
		iv, err := s.Interview(ctx, a, id)
		if err != nil {
			return ErasurePreview{}, wrap("preview erasure", err)
		}
		p.Interviews = append(p.Interviews, iv)
	}
	sort.Slice(p.Interviews, func(i, j int) bool { return p.Interviews[i].CreatedAt.Before(p.Interviews[j].CreatedAt) })
	p.Others, err = s.sameEmail(ctx, a, c)
	return p, wrap("preview erasure", err)
}

// sameEmail returns the interviews of other candidates with c's e-mail.
func (s *Service) sameEmail(ctx context.Context, a Actor, c interview.Candidate) ([]interview.SessionSummary, error) {
	list, err := s.db(a).ListSessions(ctx, a.TenantID, interview.SessionFilter{Query: c.Email, Limit: 100})
	var others []interview.SessionSummary
	for _, v := range list {
		if v.CandidateID != c.ID && strings.EqualFold(v.CandidateEmail, c.Email) {
			others = append(others, v)
		}
	}
	return others, err
}

// EraseCandidate deletes everything about a candidate (GDPR Art. 17):
// their interviews' recordings through rec (nil when recordings are off),
// then, in one transaction, the candidate, their interviews and all that
// hangs off them, leaving a tombstone with no personal data. It refuses
// while one of their interviews is in progress, since the live call would
// write again what was erased. The deletion runs on the privileged path:
// the rows to delete include some that only the server writes.
func (s *Service) EraseCandidate(ctx context.Context, a Actor, candidateID string, rec RecordingDeleter) (interview.Erasure, error) {
	p, err := s.PreviewErasure(ctx, a, candidateID)
	if err != nil {
		return interview.Erasure{}, err
	}
	for _, iv := range p.Interviews {
		if iv.Status == interview.StatusInProgress {
			return interview.Erasure{}, interview.Errorf(interview.CodeConflict,
				"an interview of this candidate is in progress; end it before erasing their data")
		}
	}
	bytes, err := s.deleteRecordings(ctx, rec, p)
	if err != nil {
		return interview.Erasure{}, wrap("erase candidate", err)
	}
	e := interview.Erasure{TenantID: a.TenantID, CandidateID: candidateID, ActorType: a.Kind, ActorID: a.ID,
		Counts: map[string]int64{recordingBytes: bytes}}
	// The store keeps the bytes counted here: the rows that held them were
	// gone before it counted (store.KeepGivenCounts).
	if err := s.store.EraseCandidate(ctx, &e); err != nil {
		return interview.Erasure{}, wrap("erase candidate", err)
	}
	s.audit(ctx, a, "candidate.erased", "candidate", candidateID, erasureData(e))
	return e, nil
}

// recordingBytes is the tombstone's count of the recordings' bytes.
const recordingBytes = "recordingBytes"

// deleteRecordings deletes the recordings of p's interviews, blobs first,
// and returns the bytes they held; nothing when rec is nil.
func (s *Service) deleteRecordings(ctx context.Context, rec RecordingDeleter, p ErasurePreview) (int64, error) {
	if rec == nil {
		return 0, nil
	}
	var total int64
	for _, iv := range p.Interviews {
		n, err := s.recordingSize(ctx, iv.TenantID, iv.ID)
		if err == nil {
			err = rec.DeleteInterview(ctx, iv.TenantID, iv.ID)
		}
		if err != nil {
			return total, fmt.Errorf("delete recording of interview %s: %w", iv.ID, err)
		}
		total += n
	}
	return total, nil
}

// recordingSize adds up the bytes of an interview's segments.
func (s *Service) recordingSize(ctx context.Context, tenantID, interviewID string) (int64, error) {
	var n int64
	for i := 0; i < interview.MaxSegments; i++ {
		seg, err := s.store.GetSegment(ctx, tenantID, interviewID, i)
		if errors.Is(err, interview.ErrNotFound) {
			break
		} else if err != nil {
			return n, err
		}
		n += seg.Bytes
	}
	return n, nil
}

// erasureData is the audit event's data: how much went, never what.
func erasureData(e interview.Erasure) map[string]string {
	data := map[string]string{"erasure": e.ID, "interviews": strconv.Itoa(len(e.InterviewIDs))}
	for kind, n := range e.Counts {
		data["deleted."+kind] = strconv.FormatInt(n, 10)
	}
	return data
}
