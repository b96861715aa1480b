package sqlite

import (
	"context"
	"fmt"

	"github.com/interviewd/interviewd/internal/interview"
)

// CreateVideoSegment stores v as the interview's next segment (Index),
// filling ID, status and timestamps. An
// interview outside v.TenantID fails the composite foreign key: ErrNotFound.
func (s *Store) CreateVideoSegment(ctx context.Context, v *interview.VideoSegment) error {
	fillID(&v.ID)
	fillTime(&v.CreatedAt, now())
	fillTime(&v.UpdatedAt, v.CreatedAt)
	fillTime(&v.StartTime, v.CreatedAt)
	if v.Status == "" {
		v.Status = "recording"
	}
	truncate(v.EndTime)
	err := s.w.QueryRowContext(ctx, `INSERT INTO video_segments (id, tenant_id,
		interview_session_id, seg_index, video_url, start_time, end_time, status, created_at, updated_at)
		VALUES (?, ?, ?, (SELECT coalesce(max(seg_index) + 1, 0) FROM video_segments
			WHERE tenant_id = ? AND interview_session_id = ?), ?, ?, ?, ?, ?, ?)
		RETURNING seg_index`,
		v.ID, v.TenantID, v.InterviewID, v.TenantID, v.InterviewID, v.VideoURL, ts(v.StartTime), nullTS(v.EndTime),
		v.Status, ts(v.CreatedAt), ts(v.UpdatedAt)).Scan(&v.Index)
	if err != nil {
		return fmt.Errorf("create video segment of %s: %w", v.InterviewID, dbErr(err))
	}
	return nil
}

// UpdateVideoSegment replaces URL, end time and status of v.ID in
// v.TenantID and sets v.UpdatedAt.
func (s *Store) UpdateVideoSegment(ctx context.Context, v *interview.VideoSegment) error {
	at := now()
	truncate(v.EndTime)
	err := affected(s.w.ExecContext(ctx, `UPDATE video_segments SET video_url = ?, end_time = ?,
		status = ?, updated_at = ? WHERE tenant_id = ? AND id = ?`,
		v.VideoURL, nullTS(v.EndTime), v.Status, ts(at), v.TenantID, v.ID))
	if err != nil {
		return fmt.Errorf("update video segment %s: %w", v.ID, err)
	}
	v.UpdatedAt = at
	return nil
}

// ListVideoSegments returns an interview's segments in recording order;
// ErrNotFound if the interview is not in tenantID.
func (s *Store) ListVideoSegments(ctx context.Context, tenantID, interviewID string) ([]interview.VideoSegment, error) {
	if err := s.sessionExists(ctx, tenantID, interviewID); err != nil {
		return nil, fmt.Errorf("list video segments of %s: %w", interviewID, err)
	}
	rows, err := s.r.QueryContext(ctx, `SELECT `+segmentCols+` FROM video_segments
		WHERE tenant_id = ? AND interview_session_id = ? ORDER BY start_time, created_at, id`,
		tenantID, interviewID)
	list, err := collect(rows, err, scanSegmentRow)
	if err != nil {
		return nil, fmt.Errorf("list video segments of %s: %w", interviewID, err)
	}
	return list, nil
}

// RecordConsent stores c, filling ID and AcceptedAt. An interview outside
// c.TenantID fails the composite foreign key: ErrNotFound.
func (s *Store) RecordConsent(ctx context.Context, c *interview.Consent) error {
	fillID(&c.ID)
	fillTime(&c.AcceptedAt, now())
	_, err := s.w.ExecContext(ctx, `INSERT INTO consents (id, tenant_id, interview_session_id,
		text_version, accepted_at, ip_address, user_agent) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.TenantID, c.InterviewID, c.TextVersion, ts(c.AcceptedAt), c.IPAddress, c.UserAgent)
	if err != nil {
		return fmt.Errorf("record consent to %s: %w", c.InterviewID, dbErr(err))
	}
	return nil
}

// ListConsents returns an interview's consents, oldest first; ErrNotFound if
// the interview is not in tenantID.
func (s *Store) ListConsents(ctx context.Context, tenantID, interviewID string) ([]interview.Consent, error) {
	if err := s.sessionExists(ctx, tenantID, interviewID); err != nil {
		return nil, fmt.Errorf("list consents of %s: %w", interviewID, err)
	}
	rows, err := s.r.QueryContext(ctx, `SELECT id, tenant_id, interview_session_id, text_version,
		accepted_at, ip_address, user_agent FROM consents
		WHERE tenant_id = ? AND interview_session_id = ? ORDER BY accepted_at, id`,
		tenantID, interviewID)
	if err != nil {
		return nil, fmt.Errorf("list consents of %s: %w", interviewID, dbErr(err))
	}
	defer rows.Close()
	list := []interview.Consent{}
	for rows.Next() {
		var c interview.Consent
		err := rows.Scan(&c.ID, &c.TenantID, &c.InterviewID, &c.TextVersion,
			timeDest{&c.AcceptedAt}, &c.IPAddress, &c.UserAgent)
		if err != nil {
			return nil, fmt.Errorf("list consents of %s: %w", interviewID, err)
		}
		list = append(list, c)
	}
	return list, rows.Err()
}
