package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

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
	err := s.q().QueryRow(ctx, `INSERT INTO video_segments (id, tenant_id, interview_session_id,
		seg_index, video_url, start_time, end_time, status, created_at, updated_at)
		VALUES ($1, $2, $3, (SELECT coalesce(max(seg_index) + 1, 0) FROM video_segments
			WHERE tenant_id = $2 AND interview_session_id = $3), $4, $5, $6, $7, $8, $9)
		RETURNING seg_index`,
		v.ID, v.TenantID, v.InterviewID, v.VideoURL, v.StartTime, v.EndTime, v.Status,
		v.CreatedAt, v.UpdatedAt).Scan(&v.Index)
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
	err := affected(s.q().Exec(ctx, `UPDATE video_segments SET video_url = $1, end_time = $2,
		status = $3, updated_at = $4 WHERE tenant_id = $5 AND id = $6`,
		v.VideoURL, v.EndTime, v.Status, at, v.TenantID, v.ID))
	if err != nil {
		return fmt.Errorf("update video segment %s: %w", v.ID, err)
	}
	v.UpdatedAt = at
	return nil
}

// ListVideoSegments returns an interview's segments in recording order;
// ErrNotFound if the interview is not in tenantID.
func (s *Store) ListVideoSegments(ctx context.Context, tenantID, interviewID string) ([]interview.VideoSegment, error) {
	list, err := listUnder(ctx, s, tenantID, interviewID, `SELECT `+segmentCols+`
		FROM video_segments WHERE tenant_id = $1 AND interview_session_id = $2
		ORDER BY start_time, created_at, id`, scanSegmentRow)
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
	_, err := s.q().Exec(ctx, `INSERT INTO consents (id, tenant_id, interview_session_id,
		text_version, accepted_at, ip_address, user_agent) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		c.ID, c.TenantID, c.InterviewID, c.TextVersion, c.AcceptedAt, c.IPAddress, c.UserAgent)
	if err != nil {
		return fmt.Errorf("record consent to %s: %w", c.InterviewID, dbErr(err))
	}
	return nil
}

// ListConsents returns an interview's consents, oldest first; ErrNotFound if
// the interview is not in tenantID.
func (s *Store) ListConsents(ctx context.Context, tenantID, interviewID string) ([]interview.Consent, error) {
	list, err := listUnder(ctx, s, tenantID, interviewID, `SELECT id, tenant_id,
		interview_session_id, text_version, accepted_at, ip_address, user_agent
		FROM consents WHERE tenant_id = $1 AND interview_session_id = $2
		ORDER BY accepted_at, id`,
		func(r pgx.Rows, c *interview.Consent) error {
			return r.Scan(&c.ID, &c.TenantID, &c.InterviewID, &c.TextVersion, &c.AcceptedAt,
				&c.IPAddress, &c.UserAgent)
		})
	if err != nil {
		return nil, fmt.Errorf("list consents of %s: %w", interviewID, err)
	}
	return list, nil
}

// listUnder runs a list query over the records of one interview. An empty
// list is checked against the interview, so that "none yet" differs from
// "not in this tenant" (ErrNotFound).
func listUnder[T any](ctx context.Context, s *Store, tenantID, interviewID, sql string, scan func(pgx.Rows, *T) error) ([]T, error) {
	return listIn(ctx, s, "interview_sessions", tenantID, interviewID, sql, scan)
}
