package store

import (
	"context"
	"fmt"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
)

// Usage stores what the provider reported each response and each
// transcription of an interview's call cost (interview.Usage), and sums
// it per interview and per day.
type Usage interface {
	// AddUsage stores u, filling u.At when zero, and reports whether it
	// did: a usage with the tenant, interview, kind and source id of one
	// stored already (a repeated response.done) is not counted twice.
	// ErrNotFound when the interview is not in u.TenantID; ErrInvalid
	// when u fails Validate.
	AddUsage(ctx context.Context, u *interview.Usage) (stored bool, err error)
	// InterviewUsage sums an interview's usage; zero when it has none or
	// is not in tenantID.
	InterviewUsage(ctx context.Context, tenantID, interviewID string) (interview.UsageTokens, error)
	// DailyUsage sums a tenant's usage per UTC day, for the usage at or
	// after from and before to, oldest day first; days without usage are
	// left out.
	DailyUsage(ctx context.Context, tenantID string, from, to time.Time) ([]interview.DailyUsage, error)
}

// PrepareUsage validates u before either store writes it.
func PrepareUsage(u *interview.Usage) error {
	if err := u.Validate(); err != nil {
		return fmt.Errorf("add usage to interview %s: %w", u.InterviewID, err)
	}
	return nil
}

// UsageSums is the select list, in both dialects, of the sums of
// token_usage's counts in interview.UsageTokens's order (UsageDests).
const UsageSums = `CAST(coalesce(sum(text_in), 0) AS BIGINT), CAST(coalesce(sum(audio_in), 0) AS BIGINT),
	CAST(coalesce(sum(cached_text_in), 0) AS BIGINT), CAST(coalesce(sum(cached_audio_in), 0) AS BIGINT),
	CAST(coalesce(sum(text_out), 0) AS BIGINT), CAST(coalesce(sum(audio_out), 0) AS BIGINT)`

// UsageDests are the scan destinations of UsageSums.
func UsageDests(t *interview.UsageTokens) []any {
	return []any{&t.TextIn, &t.AudioIn, &t.CachedTextIn, &t.CachedAudioIn, &t.TextOut, &t.AudioOut}
}
