package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

// SetRetention stores a tenant's retention settings.
func (s *Store) SetRetention(ctx context.Context, tenantID string, r interview.Retention) error {
	if err := r.Validate(); err != nil {
		return err
	}
	err := affected(s.w.ExecContext(ctx, `UPDATE tenants SET recording_retention_days = ?,
		transcript_retention_days = ? WHERE id = ?`, r.RecordingDays, r.TranscriptDays, tenantID))
	if err != nil {
		return fmt.Errorf("set retention of tenant %s: %w", tenantID, err)
	}
	return nil
}

// ListExpiredRecordings returns, oldest first, interviews with segments
// that ended at least their tenant's recording days before now.
func (s *Store) ListExpiredRecordings(ctx context.Context, now time.Time, limit int) ([]store.InterviewRef, error) {
	list, err := s.listExpired(ctx, "recording_retention_days", "video_segments", now, limit)
	if err != nil {
		return nil, fmt.Errorf("list expired recordings: %w", err)
	}
	return list, nil
}

// ListExpiredTranscripts returns, oldest first, interviews with transcript
// entries that ended at least their tenant's transcript days before now.
func (s *Store) ListExpiredTranscripts(ctx context.Context, now time.Time, limit int) ([]store.InterviewRef, error) {
	list, err := s.listExpired(ctx, "transcript_retention_days", "transcript_entries", now, limit)
	if err != nil {
		return nil, fmt.Errorf("list expired transcripts: %w", err)
	}
	return list, nil
}

// listExpired runs one query per retention setting in use: the cutoff is
// computed in Go, exactly, since SQLite's date functions keep
// milliseconds only. daysCol and table are constants of this file.
func (s *Store) listExpired(ctx context.Context, daysCol, table string, now time.Time, limit int) ([]store.InterviewRef, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT DISTINCT `+daysCol+` FROM tenants WHERE `+daysCol+` > 0`)
	settings, err := collect(rows, err, func(r *sql.Rows, d *int) error { return r.Scan(d) })
	if err != nil {
		return nil, err
	}
	limit = listLimit(limit)
	all := []store.InterviewRef{}
	for _, days := range settings {
		cutoff := now.Add(-time.Duration(days) * 24 * time.Hour)
		rows, err := s.r.QueryContext(ctx, `SELECT i.tenant_id, i.id, i.ended_at FROM interview_sessions i
			JOIN tenants t ON t.id = i.tenant_id
			WHERE t.`+daysCol+` = ? AND i.ended_at IS NOT NULL AND i.ended_at <= ?
			AND EXISTS (SELECT 1 FROM `+table+` x WHERE x.tenant_id = i.tenant_id AND x.interview_session_id = i.id)
			ORDER BY i.ended_at, i.id LIMIT ?`, days, ts(cutoff), limit)
		list, err := collect(rows, err, func(r *sql.Rows, v *store.InterviewRef) error {
			return r.Scan(&v.TenantID, &v.InterviewID, timeDest{&v.EndedAt})
		})
		if err != nil {
			return nil, err
		}
		all = append(all, list...)
	}
	store.SortInterviewRefs(all)
	if len(all) > limit {
		all = all[:limit]
	}
	return all, nil
}

// DeleteTranscript deletes an interview's transcript entries and returns
// how many; ErrNotFound when the interview is not in tenantID.
func (s *Store) DeleteTranscript(ctx context.Context, tenantID, interviewID string) (int64, error) {
	var n int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var one int
		if err := tx.QueryRowContext(ctx, `SELECT 1 FROM interview_sessions WHERE tenant_id = ? AND id = ?`,
			tenantID, interviewID).Scan(&one); err != nil {
			return dbErr(err)
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM transcript_entries WHERE tenant_id = ? AND interview_session_id = ?`,
			tenantID, interviewID)
		if err != nil {
			return dbErr(err)
		}
		if n, err = res.RowsAffected(); err != nil {
			return err
		}
		// The AI assessments quote the transcript: they go with it.
		_, err = tx.ExecContext(ctx, `DELETE FROM assessments WHERE tenant_id = ? AND interview_id = ?`, tenantID, interviewID)
		return dbErr(err)
	})
	if err != nil {
		return 0, fmt.Errorf("delete transcript of %s: %w", interviewID, err)
	}
	return n, nil
}
