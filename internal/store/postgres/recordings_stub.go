package postgres

// Stubs of the recordings' store methods (issue 15), replaced by their
// implementations in recordings.go, retention.go and erasure.go. Each
// answers errNotYet.

import (
	"context"
	"errors"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

var errNotYet = errors.New("postgres: not implemented yet")

func (s *Store) ListAuditPage(ctx context.Context, tenantID string, f interview.AuditFilter) ([]interview.AuditEvent, error) {
	return nil, errNotYet
}
func (s *Store) BeginSegment(ctx context.Context, v *interview.VideoSegment) error { return errNotYet }
func (s *Store) GetSegment(ctx context.Context, tenantID, interviewID string, index int) (interview.VideoSegment, error) {
	return interview.VideoSegment{}, errNotYet
}
func (s *Store) AddChunk(ctx context.Context, c interview.RecordingChunk, maxBytes int64) (bool, error) {
	return false, errNotYet
}
func (s *Store) ListChunks(ctx context.Context, tenantID, segmentID string) ([]interview.RecordingChunk, error) {
	return nil, errNotYet
}
func (s *Store) FinishSegment(ctx context.Context, v *interview.VideoSegment) error { return errNotYet }
func (s *Store) ListSegmentsToFinish(ctx context.Context, endedBefore, idleBefore time.Time, limit int) ([]interview.VideoSegment, error) {
	return nil, errNotYet
}
func (s *Store) DeleteRecording(ctx context.Context, tenantID, interviewID string) ([]interview.VideoSegment, error) {
	return nil, errNotYet
}
func (s *Store) SetRetention(ctx context.Context, tenantID string, r interview.Retention) error {
	return errNotYet
}
func (s *Store) ListExpiredRecordings(ctx context.Context, now time.Time, limit int) ([]store.InterviewRef, error) {
	return nil, errNotYet
}
func (s *Store) ListExpiredTranscripts(ctx context.Context, now time.Time, limit int) ([]store.InterviewRef, error) {
	return nil, errNotYet
}
func (s *Store) DeleteTranscript(ctx context.Context, tenantID, interviewID string) (int64, error) {
	return 0, errNotYet
}
func (s *Store) EraseCandidate(ctx context.Context, e *interview.Erasure) error { return errNotYet }
func (s *Store) ListErasures(ctx context.Context, tenantID string) ([]interview.Erasure, error) {
	return nil, errNotYet
}
func (s *Store) ListCandidateInterviews(ctx context.Context, tenantID, candidateID string) ([]string, error) {
	return nil, errNotYet
}
