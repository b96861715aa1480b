package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

// SetRetention stores a tenant's retention settings. Through As the
// tenants policy lets owners only.
func (s *Store) SetRetention(ctx context.Context, tenantID string, r interview.Retention) error {
	if err := r.Validate(); err != nil {
		return err
	}
	err := affected(s.q().Exec(ctx, `UPDATE tenants SET recording_retention_days = $1,
		transcript_retention_days = $2 WHERE id = $3`, r.RecordingDays, r.TranscriptDays, tenantID))
	if err != nil {
		return fmt.Errorf("set retention of tenant %s: %w", tenantID, err)
	}
	return nil
}

// ListExpiredRecordings returns, oldest first, interviews with segments
// that ended at least their tenant's recording days before now.
// Privileged path only.
func (s *Store) ListExpiredRecordings(ctx context.Context, now time.Time, limit int) ([]store.InterviewRef, error) {
	list, err := s.listExpired(ctx, "recording_retention_days", "video_segments", now, limit)
	if err != nil {
		return nil, fmt.Errorf("list expired recordings: %w", err)
	}
	return list, nil
}

// ListExpiredTranscripts returns, oldest first, interviews with transcript
// entries that ended at least their tenant's transcript days before now.
// Privileged path only.
func (s *Store) ListExpiredTranscripts(ctx context.Context, now time.Time, limit int) ([]store.InterviewRef, error) {
	list, err := s.listExpired(ctx, "transcript_retention_days", "transcript_entries", now, limit)
	if err != nil {
		return nil, fmt.Errorf("list expired transcripts: %w", err)
	}
	return list, nil
}

// listExpired counts days as 24 hours each (not calendar days, which the
// session's time zone would stretch). daysCol and table are constants of
// this file.
func (s *Store) listExpired(ctx context.Context, daysCol, table string, now time.Time, limit int) ([]store.InterviewRef, error) {
	if err := s.serverOnly("list expired " + table); err != nil {
		return nil, err
	}
	rows, err := s.q().Query(ctx, `SELECT i.tenant_id, i.id, i.ended_at FROM interview_sessions i
		JOIN tenants t ON t.id = i.tenant_id
		WHERE t.`+daysCol+` > 0 AND i.ended_at <= $1::timestamptz - t.`+daysCol+` * interval '24 hours'
		AND EXISTS (SELECT 1 FROM `+table+` x WHERE x.tenant_id = i.tenant_id AND x.interview_session_id = i.id)
		ORDER BY i.ended_at, i.id LIMIT $2`, now, listLimit(limit))
	return collect(rows, err, func(r pgx.Rows, v *store.InterviewRef) error {
		return r.Scan(&v.TenantID, &v.InterviewID, &v.EndedAt)
	})
}

// DeleteTranscript deletes an interview's transcript entries and returns
// how many; ErrNotFound when the interview is not in tenantID.
func (s *Store) DeleteTranscript(ctx context.Context, tenantID, interviewID string) (int64, error) {
	var n int64
	err := s.tx(ctx, func(tx pgx.Tx) error {
		if err := exists(ctx, tx, "interview_sessions", tenantID, interviewID); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `DELETE FROM transcript_entries WHERE tenant_id = $1 AND interview_session_id = $2`,
			tenantID, interviewID)
		if err != nil {
			return err
		}
		n = tag.RowsAffected()
		// The AI assessments quote the transcript: they go with it.
		_, err = tx.Exec(ctx, `DELETE FROM assessments WHERE tenant_id = $1 AND interview_id = $2`, tenantID, interviewID)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("delete transcript of %s: %w", interviewID, err)
	}
	return n, nil
}
