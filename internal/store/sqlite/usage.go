package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

// AddUsage stores u unless a usage of its source is stored already.
func (s *Store) AddUsage(ctx context.Context, u *interview.Usage) (bool, error) {
	if err := store.PrepareUsage(u); err != nil {
		return false, err
	}
	fillTime(&u.At, now())
	res, err := s.w.ExecContext(ctx, `INSERT INTO token_usage (tenant_id, interview_id, kind, source_id, model,
		text_in, audio_in, cached_text_in, cached_audio_in, text_out, audio_out, at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (tenant_id, interview_id, kind, source_id) DO NOTHING`,
		u.TenantID, u.InterviewID, u.Kind, u.SourceID, u.Model, u.TextIn, u.AudioIn,
		u.CachedTextIn, u.CachedAudioIn, u.TextOut, u.AudioOut, ts(u.At))
	if err != nil {
		return false, fmt.Errorf("add usage to interview %s: %w", u.InterviewID, dbErr(err))
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("add usage to interview %s: %w", u.InterviewID, err)
	}
	return n == 1, nil
}

// InterviewUsage sums an interview's usage.
func (s *Store) InterviewUsage(ctx context.Context, tenantID, interviewID string) (interview.UsageTokens, error) {
	var t interview.UsageTokens
	err := s.r.QueryRowContext(ctx, `SELECT `+store.UsageSums+` FROM token_usage
		WHERE tenant_id = ? AND interview_id = ?`, tenantID, interviewID).Scan(store.UsageDests(&t)...)
	if err != nil {
		return t, fmt.Errorf("usage of interview %s: %w", interviewID, dbErr(err))
	}
	return t, nil
}

// DailyUsage sums a tenant's usage per UTC day: the stored text starts
// with the UTC date.
func (s *Store) DailyUsage(ctx context.Context, tenantID string, from, to time.Time) ([]interview.DailyUsage, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT substr(at, 1, 10) AS day, `+store.UsageSums+` FROM token_usage
		WHERE tenant_id = ? AND at >= ? AND at < ? GROUP BY day ORDER BY day`, tenantID, ts(from), ts(to))
	list, err := collect(rows, err, func(r *sql.Rows, d *interview.DailyUsage) error {
		var day string
		if err := r.Scan(append([]any{&day}, store.UsageDests(&d.UsageTokens)...)...); err != nil {
			return err
		}
		var err error
		d.Day, err = time.Parse(time.DateOnly, day)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("daily usage of tenant %s: %w", tenantID, err)
	}
	return list, nil
}
