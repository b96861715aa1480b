package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

const segmentCols = `id, tenant_id, interview_session_id, seg_index, video_url, start_time, end_time,
	status, mime_type, has_video, chunks, bytes, duration_ms, gaps, storage, object_key, external_id,
	created_at, updated_at`

func scanSegment(r interface{ Scan(...any) error }, v *interview.VideoSegment) error {
	return r.Scan(&v.ID, &v.TenantID, &v.InterviewID, &v.Index, &v.VideoURL, &v.StartTime,
		&v.EndTime, &v.Status, &v.MIMEType, &v.HasVideo, &v.Chunks, &v.Bytes,
		&v.DurationMS, &v.Gaps, &v.Storage, &v.ObjectKey, &v.ExternalID, &v.CreatedAt, &v.UpdatedAt)
}

// scanSegmentRow is scanSegment for collect.
func scanSegmentRow(r pgx.Rows, v *interview.VideoSegment) error { return scanSegment(r, v) }

// lockRecording queues, for the rest of tx, the writes to one interview's
// recording, so that each counts what the ones before it committed.
func lockRecording(ctx context.Context, tx pgx.Tx, interviewID string) error {
	_, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, lockKey("recording:"+interviewID))
	return err
}

// BeginSegment stores v as the interview's next segment, numbered under
// the interview's recording lock.
func (s *Store) BeginSegment(ctx context.Context, v *interview.VideoSegment) error {
	if err := store.PrepareSegment(v, now()); err != nil {
		return err
	}
	v.ID = ""
	fillID(&v.ID)
	err := s.tx(ctx, func(tx pgx.Tx) error {
		if err := lockRecording(ctx, tx, v.InterviewID); err != nil {
			return err
		}
		var n int
		err := tx.QueryRow(ctx, `SELECT count(*) FROM video_segments
			WHERE tenant_id = $1 AND interview_session_id = $2`, v.TenantID, v.InterviewID).Scan(&n)
		if err != nil {
			return err
		}
		if err := store.SegmentLimit(n); err != nil {
			return err
		}
		v.Index = n
		_, err = tx.Exec(ctx, `INSERT INTO video_segments (`+segmentCols+`)
			VALUES ($1, $2, $3, $4, '', $5, NULL, $6, $7, $8, 0, 0, 0, 0, '', '', '', $9, $10)`,
			v.ID, v.TenantID, v.InterviewID, v.Index, v.StartTime, v.Status, v.MIMEType, v.HasVideo,
			v.CreatedAt, v.UpdatedAt)
		return err
	})
	if err != nil {
		return fmt.Errorf("begin recording segment of %s: %w", v.InterviewID, err)
	}
	return nil
}

// GetSegment returns the interview's segment of that index.
func (s *Store) GetSegment(ctx context.Context, tenantID, interviewID string, index int) (interview.VideoSegment, error) {
	var v interview.VideoSegment
	err := scanSegment(s.q().QueryRow(ctx, `SELECT `+segmentCols+` FROM video_segments
		WHERE tenant_id = $1 AND interview_session_id = $2 AND seg_index = $3`, tenantID, interviewID, index), &v)
	if err != nil {
		return interview.VideoSegment{}, fmt.Errorf("get segment %d of %s: %w", index, interviewID, dbErr(err))
	}
	return v, nil
}

// AddChunk records c and counts it into its segment under the
// interview's recording lock: what it reads (the segment's status, the
// chunk already there, the interview's total) stays true until it
// writes. Members may not write chunks: the policy refuses their INSERT.
func (s *Store) AddChunk(ctx context.Context, c interview.RecordingChunk, maxBytes int64) (bool, error) {
	maxBytes, err := store.PrepareChunk(&c, maxBytes, now())
	if err != nil {
		return false, fmt.Errorf("add chunk %d to segment %s: %w", c.Seq, c.SegmentID, err)
	}
	stored := false
	err = s.tx(ctx, func(tx pgx.Tx) error {
		if err := lockRecording(ctx, tx, c.InterviewID); err != nil {
			return err
		}
		var status, sha string
		var total int64
		err := tx.QueryRow(ctx, `SELECT v.status,
			coalesce((SELECT sha256 FROM recording_chunks WHERE segment_id = v.id AND seq = $1), ''),
			(SELECT sum(bytes) FROM video_segments WHERE tenant_id = v.tenant_id
				AND interview_session_id = v.interview_session_id)
			FROM video_segments v WHERE v.tenant_id = $2 AND v.id = $3 AND v.interview_session_id = $4`,
			c.Seq, c.TenantID, c.SegmentID, c.InterviewID).Scan(&status, &sha, &total)
		if err != nil {
			return err
		}
		if stored, err = store.ChunkDecision(c, status, sha, total, maxBytes); err != nil || !stored {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO recording_chunks (tenant_id, interview_session_id,
			segment_id, seq, bytes, sha256, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			c.TenantID, c.InterviewID, c.SegmentID, c.Seq, c.Bytes, c.SHA256, c.CreatedAt); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE video_segments SET chunks = chunks + 1, bytes = bytes + $1,
			updated_at = greatest(updated_at, $2) WHERE tenant_id = $3 AND id = $4`,
			c.Bytes, c.CreatedAt, c.TenantID, c.SegmentID)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("add chunk %d to segment %s: %w", c.Seq, c.SegmentID, err)
	}
	return stored, nil
}

// ListChunks returns a segment's chunks in Seq order; ErrNotFound when the
// segment is not in tenantID.
func (s *Store) ListChunks(ctx context.Context, tenantID, segmentID string) ([]interview.RecordingChunk, error) {
	list, err := listIn(ctx, s, "video_segments", tenantID, segmentID, `SELECT tenant_id, interview_session_id,
		segment_id, seq, bytes, sha256, created_at FROM recording_chunks
		WHERE tenant_id = $1 AND segment_id = $2 ORDER BY seq`,
		func(r pgx.Rows, c *interview.RecordingChunk) error {
			return r.Scan(&c.TenantID, &c.InterviewID, &c.SegmentID, &c.Seq, &c.Bytes, &c.SHA256, &c.CreatedAt)
		})
	if err != nil {
		return nil, fmt.Errorf("list chunks of segment %s: %w", segmentID, err)
	}
	return list, nil
}

// FinishSegment stores a finalised segment, compare-and-set on its status
// (store.FinishFrom).
func (s *Store) FinishSegment(ctx context.Context, v *interview.VideoSegment) error {
	if err := store.PrepareSegmentFinish(v); err != nil {
		return err
	}
	at := now()
	err := affected(s.q().Exec(ctx, `UPDATE video_segments SET status = $1, end_time = coalesce($2, end_time),
		duration_ms = $3, gaps = $4, storage = $5, object_key = $6, external_id = $7, video_url = $8,
		updated_at = $9 WHERE tenant_id = $10 AND id = $11 AND status = ANY ($12)`,
		v.Status, v.EndTime, v.DurationMS, v.Gaps, v.Storage, v.ObjectKey, v.ExternalID, v.VideoURL, at,
		v.TenantID, v.ID, store.FinishFrom(v.Status)))
	if errors.Is(err, store.ErrNotFound) {
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
	err := s.q().QueryRow(ctx, `SELECT status FROM video_segments WHERE tenant_id = $1 AND id = $2`,
		v.TenantID, v.ID).Scan(&status)
	if err != nil {
		return dbErr(err)
	}
	return interview.Errorf(interview.CodeConflict, "the segment is %s already", status)
}

// ListSegmentsToFinish returns segments still recording that no browser
// will add to: their interview ended at or before endedBefore, or their
// last chunk (updated_at) is at or before idleBefore. Oldest first.
// Privileged path only.
func (s *Store) ListSegmentsToFinish(ctx context.Context, endedBefore, idleBefore time.Time, limit int) ([]interview.VideoSegment, error) {
	if err := s.serverOnly("list segments to finish"); err != nil {
		return nil, err
	}
	rows, err := s.q().Query(ctx, `SELECT `+store.QualifyColumns("v.", segmentCols)+` FROM video_segments v
		JOIN interview_sessions i ON i.tenant_id = v.tenant_id AND i.id = v.interview_session_id
		WHERE (v.status = 'recording' AND (i.ended_at <= $1 OR v.updated_at <= $2))
			OR (v.status = 'processing' AND v.updated_at <= $2)
		ORDER BY v.created_at, v.id LIMIT $3`, endedBefore, idleBefore, listLimit(limit))
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
	err := s.tx(ctx, func(tx pgx.Tx) error {
		if err := exists(ctx, tx, "interview_sessions", tenantID, interviewID); err != nil {
			return err
		}
		if err := lockRecording(ctx, tx, interviewID); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `DELETE FROM video_segments WHERE tenant_id = $1 AND interview_session_id = $2
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
