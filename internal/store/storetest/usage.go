package storetest

import (
	"testing"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

// testUsage runs the cases of store.Usage.
func testUsage(t *testing.T, s store.Store) {
	t.Run("sums", func(t *testing.T) { testUsageSums(t, s) })
	t.Run("duplicate ignored", func(t *testing.T) { testUsageDuplicate(t, s) })
	t.Run("tenant isolation", func(t *testing.T) { testUsageTenancy(t, s) })
	t.Run("day boundaries", func(t *testing.T) { testUsageDays(t, s) })
	t.Run("invalid", func(t *testing.T) { testUsageInvalid(t, s) })
}

// tokens returns counts that differ per field, n times over.
func tokens(n int64) interview.UsageTokens {
	return interview.UsageTokens{TextIn: 100 * n, AudioIn: 20 * n, CachedTextIn: 30 * n, CachedAudioIn: 4 * n,
		TextOut: 5 * n, AudioOut: 60 * n}
}

// addUsage stores a usage of v and returns whether it was stored and the
// time the store gave back.
func addUsage(t *testing.T, s store.Store, v interview.Session, kind interview.UsageKind, source string,
	n int64, when time.Time) (bool, time.Time) {
	t.Helper()
	u := interview.Usage{TenantID: v.TenantID, InterviewID: v.ID, Kind: kind, SourceID: source,
		Model: "gpt-realtime", UsageTokens: tokens(n), At: when}
	stored, err := s.AddUsage(t.Context(), &u)
	must(t, err)
	return stored, u.At
}

func interviewUsage(t *testing.T, s store.Store, v interview.Session) interview.UsageTokens {
	t.Helper()
	got, err := s.InterviewUsage(t.Context(), v.TenantID, v.ID)
	must(t, err)
	return got
}

// An interview's usage is the sum of its responses and transcriptions,
// and of nothing else; an interview without usage sums to zero. The
// time goes back at the stored precision in UTC, or now when zero.
func testUsageSums(t *testing.T, s store.Store) {
	f := newTenant(t, s)
	v, w := f.session(t, s), f.session(t, s)
	same(t, "an interview without usage", interviewUsage(t, s, v), interview.UsageTokens{})
	stored, got := addUsage(t, s, v, interview.UsageResponse, "resp_1", 1, noisy(at(1)))
	if !stored || !got.Equal(at(1)) || got.Location() != time.UTC {
		t.Errorf("stored %v at %v, want true at %v UTC", stored, got, at(1))
	}
	addUsage(t, s, v, interview.UsageResponse, "resp_2", 2, at(2))
	addUsage(t, s, v, interview.UsageTranscription, "item_1", 4, at(3))
	addUsage(t, s, w, interview.UsageResponse, "resp_1", 8, at(4))
	before := time.Now().Add(-time.Minute)
	if _, got := addUsage(t, s, w, interview.UsageTranscription, "item_9", 16, time.Time{}); got.Before(before) {
		t.Errorf("a zero time became %v, want now", got)
	}
	same(t, "interview v", interviewUsage(t, s, v), tokens(7))
	same(t, "interview w", interviewUsage(t, s, w), tokens(24))
}

// A repeated event (same kind and source id) is not counted twice, even
// with other counts; the same id under the other kind is another usage.
func testUsageDuplicate(t *testing.T, s store.Store) {
	f := newTenant(t, s)
	v := f.session(t, s)
	addUsage(t, s, v, interview.UsageResponse, "resp_dup", 1, at(1))
	if stored, _ := addUsage(t, s, v, interview.UsageResponse, "resp_dup", 5, at(2)); stored {
		t.Error("a repeated response.done was stored")
	}
	same(t, "after the repeat", interviewUsage(t, s, v), tokens(1))
	if stored, _ := addUsage(t, s, v, interview.UsageTranscription, "resp_dup", 2, at(3)); !stored {
		t.Error("a transcription with a response's id was not stored")
	}
	same(t, "with the transcription", interviewUsage(t, s, v), tokens(3))
	days, err := s.DailyUsage(t.Context(), f.Tenant.ID, at(-60*24), at(60*24))
	must(t, err)
	if len(days) != 1 || days[0].UsageTokens != tokens(3) {
		t.Errorf("daily usage %+v, want one day of %+v", days, tokens(3))
	}
}

// A tenant neither reads nor writes another tenant's interview's usage.
func testUsageTenancy(t *testing.T, s store.Store) {
	a, b := newTenant(t, s), newTenant(t, s)
	va, vb := a.session(t, s), b.session(t, s)
	addUsage(t, s, va, interview.UsageResponse, "resp_a", 1, at(1))
	addUsage(t, s, vb, interview.UsageResponse, "resp_b", 2, at(1))
	got, err := s.InterviewUsage(t.Context(), b.Tenant.ID, va.ID)
	must(t, err)
	same(t, "A's interview read as B", got, interview.UsageTokens{})
	u := interview.Usage{TenantID: b.Tenant.ID, InterviewID: va.ID, Kind: interview.UsageResponse,
		SourceID: "resp_x", UsageTokens: tokens(1)}
	_, err = s.AddUsage(t.Context(), &u)
	wantErr(t, "usage of A's interview written as B", err, store.ErrNotFound)
	days, err := s.DailyUsage(t.Context(), b.Tenant.ID, at(-60), at(60))
	must(t, err)
	same(t, "B's days", days, []interview.DailyUsage{{Day: day(at(1)), UsageTokens: tokens(2)}})
	same(t, "A's interview", interviewUsage(t, s, va), tokens(1))
}

// day is t's UTC date at midnight.
func day(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// Days are UTC days, whatever zone a usage's time came in; from is
// included and to is not.
func testUsageDays(t *testing.T, s store.Store) {
	f := newTenant(t, s)
	v := f.session(t, s)
	midnight := day(at(0)).AddDate(0, 0, 1)
	zone := time.FixedZone("UTC-8", -8*3600)
	addUsage(t, s, v, interview.UsageResponse, "r_last", 1, midnight.Add(-time.Microsecond).In(zone))
	addUsage(t, s, v, interview.UsageResponse, "r_first", 2, midnight.In(zone))
	addUsage(t, s, v, interview.UsageResponse, "r_next", 4, midnight.Add(36*time.Hour))
	addUsage(t, s, v, interview.UsageResponse, "r_before", 8, midnight.Add(-48*time.Hour))
	days, err := s.DailyUsage(t.Context(), f.Tenant.ID, midnight.Add(-24*time.Hour), midnight.Add(36*time.Hour))
	must(t, err)
	same(t, "days", days, []interview.DailyUsage{
		{Day: midnight.AddDate(0, 0, -1), UsageTokens: tokens(1)},
		{Day: midnight, UsageTokens: tokens(2)},
	})
	days, err = s.DailyUsage(t.Context(), f.Tenant.ID, midnight.Add(time.Hour), midnight.Add(2*time.Hour))
	must(t, err)
	same(t, "a span without usage", days, []interview.DailyUsage{})
}

// A usage that fails Validate is refused before the store writes it.
func testUsageInvalid(t *testing.T, s store.Store) {
	f := newTenant(t, s)
	v := f.session(t, s)
	for name, u := range map[string]interview.Usage{
		"unknown kind":   {Kind: "image", SourceID: "x"},
		"no source id":   {Kind: interview.UsageResponse},
		"negative count": {Kind: interview.UsageResponse, SourceID: "x", UsageTokens: interview.UsageTokens{AudioOut: -1}},
	} {
		u.TenantID, u.InterviewID = v.TenantID, v.ID
		_, err := s.AddUsage(t.Context(), &u)
		wantErr(t, name, err, store.ErrInvalid)
	}
	same(t, "after the refusals", interviewUsage(t, s, v), interview.UsageTokens{})
}
