package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

// AddUsage stores u unless a usage of its source is stored already.
// Members may not write: the policy refuses their INSERT, so it is the
// server's path, which reads the call's events, that stores it.
func (s *Store) AddUsage(ctx context.Context, u *interview.Usage) (bool, error) {
	if err := store.PrepareUsage(u); err != nil {
		return false, err
	}
	fillTime(&u.At, now())
	tag, err := s.q().Exec(ctx, `INSERT INTO token_usage (tenant_id, interview_id, kind, source_id, model,
		text_in, audio_in, cached_text_in, cached_audio_in, text_out, audio_out, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
		ON CONFLICT (tenant_id, interview_id, kind, source_id) DO NOTHING`,
		u.TenantID, u.InterviewID, u.Kind, u.SourceID, u.Model, u.TextIn, u.AudioIn,
		u.CachedTextIn, u.CachedAudioIn, u.TextOut, u.AudioOut, u.At)
	if err != nil {
		return false, fmt.Errorf("add usage to interview %s: %w", u.InterviewID, dbErr(err))
	}
	return tag.RowsAffected() == 1, nil
}

// InterviewUsage sums an interview's usage.
func (s *Store) InterviewUsage(ctx context.Context, tenantID, interviewID string) (interview.UsageTokens, error) {
	var t interview.UsageTokens
	err := s.q().QueryRow(ctx, `SELECT `+store.UsageSums+` FROM token_usage
		WHERE tenant_id = $1 AND interview_id = $2`, tenantID, interviewID).Scan(store.UsageDests(&t)...)
	if err != nil {
		return t, fmt.Errorf("usage of interview %s: %w", interviewID, dbErr(err))
	}
	return t, nil
}

// DailyUsage sums a tenant's usage per UTC day.
func (s *Store) DailyUsage(ctx context.Context, tenantID string, from, to time.Time) ([]interview.DailyUsage, error) {
	rows, err := s.q().Query(ctx, `SELECT (at AT TIME ZONE 'UTC')::date AS day, `+store.UsageSums+` FROM token_usage
		WHERE tenant_id = $1 AND at >= $2 AND at < $3 GROUP BY day ORDER BY day`, tenantID, from, to)
	list, err := collect(rows, err, func(r pgx.Rows, d *interview.DailyUsage) error {
		if err := r.Scan(append([]any{&d.Day}, store.UsageDests(&d.UsageTokens)...)...); err != nil {
			return err
		}
		d.Day = time.Date(d.Day.Year(), d.Day.Month(), d.Day.Day(), 0, 0, 0, 0, time.UTC)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("daily usage of tenant %s: %w", tenantID, err)
	}
	return list, nil
}
