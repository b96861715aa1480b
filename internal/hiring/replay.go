package hiring

import (
	"context"
	"slices"
	"strconv"

	"github.com/interviewd/interviewd/internal/interview"
)

// Recording returns an interview's recorded segments in order (Index).
// Every member may read them, viewers too; another tenant's interview is
// not found.
func (s *Service) Recording(ctx context.Context, a Actor, interviewID string) ([]interview.VideoSegment, error) {
	db := s.db(a)
	if _, err := db.GetSession(ctx, a.TenantID, interviewID); err != nil {
		return nil, wrap("get recording", err)
	}
	segs, err := db.ListVideoSegments(ctx, a.TenantID, interviewID)
	if err != nil {
		return nil, wrap("get recording", err)
	}
	slices.SortFunc(segs, func(x, y interview.VideoSegment) int { return x.Index - y.Index })
	return segs, nil
}

// RecordingSegment returns segment index of an interview of the actor's
// tenant.
func (s *Service) RecordingSegment(ctx context.Context, a Actor, interviewID string, index int) (interview.VideoSegment, error) {
	v, err := s.db(a).GetSegment(ctx, a.TenantID, interviewID, index)
	return v, wrap("get recording segment", err)
}

// Recording audit actions: who opened the replay, who took a copy.
const (
	AuditRecordingPlayed     = "recording.played"
	AuditRecordingDownloaded = "recording.downloaded"
)

// RecordingAccessed audits that the actor played (AuditRecordingPlayed)
// or downloaded (AuditRecordingDownloaded) an interview's recording;
// index is the segment, or -1 for the whole recording.
func (s *Service) RecordingAccessed(ctx context.Context, a Actor, action, interviewID string, index int) {
	var data map[string]string
	if index >= 0 {
		data = map[string]string{"segment": strconv.Itoa(index)}
	}
	s.audit(ctx, a, action, "interview", interviewID, data)
}

// Playable reports whether a segment has a file to play: ready, or
// incomplete (it plays up to its first gap).
func Playable(v interview.VideoSegment) bool {
	return (v.Status == interview.SegmentReady || v.Status == interview.SegmentIncomplete) &&
		(v.ObjectKey != "" || v.ExternalID != "")
}

// RecordingStatus sums an interview's segments up in one word: none (no
// segment), recording or processing (while one is, recording first),
// ready (every one is), failed (none has a file), or incomplete (some are
// missing chunks or failed, the others play).
func RecordingStatus(segs []interview.VideoSegment) string {
	count := map[string]int{}
	playable := 0
	for _, v := range segs {
		count[v.Status]++
		if Playable(v) {
			playable++
		}
	}
	switch {
	case len(segs) == 0:
		return "none"
	case count[interview.SegmentRecording] > 0:
		return interview.SegmentRecording
	case count[interview.SegmentProcessing] > 0:
		return interview.SegmentProcessing
	case count[interview.SegmentReady] == len(segs) && playable == len(segs):
		return interview.SegmentReady
	case playable == 0:
		return interview.SegmentFailed
	}
	return interview.SegmentIncomplete
}
