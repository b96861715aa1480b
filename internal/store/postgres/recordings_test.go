package postgres

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

// Through As, the recordings' methods see what the policies let the actor
// see: another tenant's owner nothing of A, a recruiter of A no audit log
// and no tombstones (owners only), and the sweeps are refused.
func TestAsRecordings(t *testing.T) {
	t.Parallel()
	s := openStore(t)
	w := newWorld(t, s)
	ctx := context.Background()
	a := w.a
	other, recruiter, owner := s.As(actorOf(w.b.owner)), s.As(actorOf(a.recruiter)), s.As(actorOf(a.owner))

	notFound := map[string]error{}
	_, notFound["GetSegment"] = other.GetSegment(ctx, a.tenant.ID, a.session.ID, 0)
	seg, err := s.GetSegment(ctx, a.tenant.ID, a.session.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, notFound["ListChunks"] = other.ListChunks(ctx, a.tenant.ID, seg.ID)
	_, notFound["ListCandidateInterviews"] = other.ListCandidateInterviews(ctx, a.tenant.ID, a.candidate.ID)
	_, notFound["DeleteTranscript"] = other.DeleteTranscript(ctx, a.tenant.ID, a.session.ID)
	_, notFound["DeleteRecording"] = other.DeleteRecording(ctx, a.tenant.ID, a.session.ID)
	notFound["SetRetention"] = other.SetRetention(ctx, a.tenant.ID, interview.Retention{})
	for name, err := range notFound {
		if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s: %v, want ErrNotFound", name, err)
		}
	}

	rows := map[string]int{}
	events, err := other.ListAuditPage(ctx, a.tenant.ID, interview.AuditFilter{})
	rows["other's audit page"] = len(events) + errLen(err)
	events, err = recruiter.ListAuditPage(ctx, a.tenant.ID, interview.AuditFilter{})
	rows["recruiter's audit page"] = len(events) + errLen(err)
	tombs, err := recruiter.ListErasures(ctx, a.tenant.ID)
	rows["recruiter's erasures"] = len(tombs) + errLen(err)
	tombs, err = other.ListErasures(ctx, a.tenant.ID)
	rows["other's erasures"] = len(tombs) + errLen(err)
	for name, n := range rows {
		if n != 0 {
			t.Errorf("%s: %d rows (or an error), want none", name, n)
		}
	}
	if events, err := owner.ListAuditPage(ctx, a.tenant.ID, interview.AuditFilter{}); err != nil || len(events) == 0 {
		t.Errorf("owner's audit page: %d events, %v", len(events), err)
	}
	if tombs, err := owner.ListErasures(ctx, a.tenant.ID); err != nil || len(tombs) != 1 {
		t.Errorf("owner's erasures: %d, %v", len(tombs), err)
	}
	if chunks, err := recruiter.ListChunks(ctx, a.tenant.ID, seg.ID); err != nil || len(chunks) != 1 {
		t.Errorf("recruiter's chunks: %d, %v", len(chunks), err)
	}

	forbidden := map[string]error{}
	_, forbidden["ListSegmentsToFinish"] = owner.ListSegmentsToFinish(ctx, time.Now(), time.Now(), 10)
	_, forbidden["ListExpiredRecordings"] = owner.ListExpiredRecordings(ctx, time.Now(), 10)
	_, forbidden["ListExpiredTranscripts"] = owner.ListExpiredTranscripts(ctx, time.Now(), 10)
	_, forbidden["AddChunk"] = owner.AddChunk(ctx, interview.RecordingChunk{TenantID: a.tenant.ID, InterviewID: a.session.ID,
		SegmentID: seg.ID, Seq: 7, Bytes: 1, SHA256: seg.ID[:0] + "abababababababababababababababababababababababababababababababab"}, 0)
	forbidden["EraseCandidate"] = owner.EraseCandidate(ctx, &interview.Erasure{TenantID: a.tenant.ID,
		CandidateID: a.candidate.ID, ActorType: "user", ActorID: a.owner.ID})
	for name, err := range forbidden {
		if !errors.Is(err, interview.ErrForbidden) {
			t.Errorf("%s: %v, want ErrForbidden", name, err)
		}
	}
	if _, err := s.GetCandidate(ctx, a.tenant.ID, a.candidate.ID); err != nil {
		t.Errorf("the candidate after a refused erasure: %v", err)
	}
}
