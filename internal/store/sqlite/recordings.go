package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

const segmentCols = `id, tenant_id, interview_session_id, seg_index, video_url, start_time, end_time,
	status, mime_type, has_video, chunks, bytes, duration_ms, gaps, storage, object_key, external_id,
	created_at, updated_at`

// scanSegmentRow is scanSegment for collect.
func scanSegmentRow(r *sql.Rows, v *interview.VideoSegment) error { return scanSegment(r, v) }

func scanSegment(row scanner, v *interview.VideoSegment) error {
	return row.Scan(&v.ID, &v.TenantID, &v.InterviewID, &v.Index, &v.VideoURL, timeDest{&v.StartTime},
		nullTimeDest{&v.EndTime}, &v.Status, &v.MIMEType, &v.HasVideo, &v.Chunks, &v.Bytes,
		&v.DurationMS, &v.Gaps, &v.Storage, &v.ObjectKey, &v.ExternalID,
		timeDest{&v.CreatedAt}, timeDest{&v.UpdatedAt})
}

// BeginSegment stores v as the interview's next segment. The write
// transaction holds the database's write lock from its first statement, so
// the count it numbers by stays true until it inserts.
func (s *Store) BeginSegment(ctx context.Context, v *interview.VideoSegment) error {
	if err := store.PrepareSegment(v, now()); err != nil {
		return err
	}
	v.ID = ""
	fillID(&v.ID)
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var n int
		err := tx.QueryRowContext(ctx, `SELECT count(*) FROM video_segments
			WHERE tenant_id = ? AND interview_session_id = ?`, v.TenantID, v.InterviewID).Scan(&n)
		if err != nil {
			return dbErr(err)
		}
		if err := store.SegmentLimit(n); err != nil {
			return err
		}
		v.Index = n
		_, err = tx.ExecContext(ctx, `INSERT INTO video_segments (`+segmentCols+`)
			VALUES (?, ?, ?, ?, '', ?, NULL, ?, ?, ?, 0, 0, 0, 0, '', '', '', ?, ?)`,
			v.ID, v.TenantID, v.InterviewID, v.Index, ts(v.StartTime), v.Status, v.MIMEType, v.HasVideo,
			ts(v.CreatedAt), ts(v.UpdatedAt))
		return dbErr(err)
	})
	if err != nil {
		return fmt.Errorf("begin recording segment of %s: %w", v.InterviewID, err)
	}
	return nil
}

// GetSegment returns the interview's segment of that index.
func (s *Store) GetSegment(ctx context.Context, tenantID, interviewID string, index int) (interview.VideoSegment, error) {
	var v interview.VideoSegment
	err := scanSegment(s.r.QueryRowContext(ctx, `SELECT `+segmentCols+` FROM video_segments
		WHERE tenant_id = ? AND interview_session_id = ? AND seg_index = ?`, tenantID, interviewID, index), &v)
	if err != nil {
		return interview.VideoSegment{}, fmt.Errorf("get segment %d of %s: %w", index, interviewID, dbErr(err))
	}
	return v, nil
}

// AddChunk records c and counts it into its segment, in one write
// transaction: what it reads (the segment's status, the chunk already
// there, the interview's total) stays true until it writes.
func (s *Store) AddChunk(ctx context.Context, c interview.RecordingChunk, maxBytes int64) (bool, error) {
	maxBytes, err := store.PrepareChunk(&c, maxBytes, now())
	if err != nil {
		return false, fmt.Errorf("add chunk %d to segment %s: %w", c.Seq, c.SegmentID, err)
	}
	stored := false
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		var status, sha string
		var total int64
		err := tx.QueryRowContext(ctx, `SELECT v.status,
			coalesce((SELECT sha256 FROM recording_chunks WHERE segment_id = v.id AND seq = ?), ''),
			(SELECT sum(bytes) FROM video_segments WHERE tenant_id = v.tenant_id
				AND interview_session_id = v.interview_session_id)
			FROM video_segments v WHERE v.tenant_id = ? AND v.id = ? AND v.interview_session_id = ?`,
			c.Seq, c.TenantID, c.SegmentID, c.InterviewID).Scan(&status, &sha, &total)
		if err != nil {
			return dbErr(err)
		}
		if stored, err = store.ChunkDecision(c, status, sha, total, maxBytes); err != nil || !stored {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO recording_chunks (tenant_id, interview_session_id,
			segment_id, seq, bytes, sha256, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			c.TenantID, c.InterviewID, c.SegmentID, c.Seq, c.Bytes, c.SHA256, ts(c.CreatedAt)); err != nil {
			return dbErr(err)
		}
		_, err = tx.ExecContext(ctx, `UPDATE video_segments SET chunks = chunks + 1, bytes = bytes + ?,
			updated_at = max(updated_at, ?) WHERE tenant_id = ? AND id = ?`, c.Bytes, ts(c.CreatedAt), c.TenantID, c.SegmentID)
		return dbErr(err)
	})
	if err != nil {
		return false, fmt.Errorf("add chunk %d to segment %s: %w", c.Seq, c.SegmentID, err)
	}
	return stored, nil
}

// ListChunks returns a segment's chunks in Seq order; ErrNotFound when the
// segment is not in tenantID.
func (s *Store) ListChunks(ctx context.Context, tenantID, segmentID string) ([]interview.RecordingChunk, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT tenant_id, interview_session_id, segment_id, seq, bytes,
		sha256, created_at FROM recording_chunks WHERE tenant_id = ? AND segment_id = ? ORDER BY seq`,
		tenantID, segmentID)
	list, err := collect(rows, err, func(r *sql.Rows, c *interview.RecordingChunk) error {
		return r.Scan(&c.TenantID, &c.InterviewID, &c.SegmentID, &c.Seq, &c.Bytes, &c.SHA256, timeDest{&c.CreatedAt})
	})
	if err == nil && len(list) == 0 {
		err = s.exists(ctx, `SELECT 1 FROM video_segments WHERE tenant_id = ? AND id = ?`, tenantID, segmentID)
	}
	if err != nil {
		return nil, fmt.Errorf("list chunks of segment %s: %w", segmentID, err)
	}
	return list, nil
}

// exists is nil when query finds a row, ErrNotFound otherwise.
func (s *Store) exists(ctx context.Context, query string, args ...any) error {
	var one int
	return dbErr(s.r.QueryRowContext(ctx, query, args...).Scan(&one))
}

// FinishSegment stores a finalised segment, compare-and-set on its status
// (store.FinishFrom).
func (s *Store) FinishSegment(ctx context.Context, v *interview.VideoSegment) error {
	if err := store.PrepareSegmentFinish(v); err != nil {
		return err
	}
	at := now()
	from := store.FinishFrom(v.Status)
	res, err := s.w.ExecContext(ctx, `UPDATE video_segments SET status = ?, end_time = coalesce(?, end_time),
		duration_ms = ?, gaps = ?, storage = ?, object_key = ?, external_id = ?, video_url = ?, updated_at = ?
		WHERE tenant_id = ? AND id = ? AND status IN (?, ?)`,
		v.Status, nullTS(v.EndTime), v.DurationMS, v.Gaps, v.Storage, v.ObjectKey, v.ExternalID, v.VideoURL, ts(at),
		v.TenantID, v.ID, from[0], from[len(from)-1])
	if err = affected(res, err); errors.Is(err, store.ErrNotFound) {
		err = s.finishConflict(ctx, v)
	}
	if err != nil {
		return fmt.Errorf("finish segment %s: %w", v.ID, err)
	}
	v.UpdatedAt = at
	return nil
}

// finishConflict tells a segment that another finaliser moved on
// (ErrConflict) from one that is not there (ErrNotFound).
func (s *Store) finishConflict(ctx context.Context, v *interview.VideoSegment) error {
	var status string
	err := s.r.QueryRowContext(ctx, `SELECT status FROM video_segments WHERE tenant_id = ? AND id = ?`,
		v.TenantID, v.ID).Scan(&status)
	if err != nil {
		return dbErr(err)
	}
	return interview.Errorf(interview.CodeConflict, "the segment is %s already", status)
}

// ListSegmentsToFinish returns segments still recording that no browser
// will add to: their interview ended at or before endedBefore, or their
// last chunk (updated_at) is at or before idleBefore. Oldest first.
func (s *Store) ListSegmentsToFinish(ctx context.Context, endedBefore, idleBefore time.Time, limit int) ([]interview.VideoSegment, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+store.QualifyColumns("v.", segmentCols)+` FROM video_segments v
		JOIN interview_sessions i ON i.tenant_id = v.tenant_id AND i.id = v.interview_session_id
		WHERE (v.status = 'recording' AND ((i.ended_at IS NOT NULL AND i.ended_at <= ?) OR v.updated_at <= ?))
			OR (v.status = 'processing' AND v.updated_at <= ?)
		ORDER BY v.created_at, v.id LIMIT ?`, ts(endedBefore), ts(idleBefore), ts(idleBefore), listLimit(limit))
	list, err := collect(rows, err, scanSegmentRow)
	if err != nil {
		return nil, fmt.Errorf("list segments to finish: %w", err)
	}
	return list, nil
}

// DeleteRecording deletes an interview's segments (their chunks cascade)
// and returns them as they were. ErrNotFound when the interview is not in
// tenantID.
func (s *Store) DeleteRecording(ctx context.Context, tenantID, interviewID string) ([]interview.VideoSegment, error) {
	var list []interview.VideoSegment
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var one int
		if err := tx.QueryRowContext(ctx, `SELECT 1 FROM interview_sessions WHERE tenant_id = ? AND id = ?`,
			tenantID, interviewID).Scan(&one); err != nil {
			return dbErr(err)
		}
		rows, err := tx.QueryContext(ctx, `DELETE FROM video_segments WHERE tenant_id = ? AND interview_session_id = ?
			RETURNING `+segmentCols, tenantID, interviewID)
		list, err = collect(rows, err, scanSegmentRow)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("delete recording of %s: %w", interviewID, err)
	}
	store.SortSegments(list)
	return list, nil
}
