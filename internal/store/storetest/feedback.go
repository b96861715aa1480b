package storetest

import (
	"testing"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

// RunFeedback runs the candidate feedback suite (store.Feedbacks).
func RunFeedback(t *testing.T, open func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.Store)
	}{
		{"RoundTrip", testFeedbackRoundTrip},
		{"OncePerInterview", testFeedbackOnce},
		{"Invalid", testFeedbackInvalid},
		{"Tenancy", testFeedbackTenancy},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open(t)) })
	}
}

func testFeedbackRoundTrip(t *testing.T, s store.Store) {
	f := newTenant(t, s)
	rated, commented := f.session(t, s), f.session(t, s)
	fb := interview.Feedback{TenantID: f.Tenant.ID, InterviewID: rated.ID, Rating: 4,
		Comment: "  Clear questions.\n", CreatedAt: noisy(at(3))}
	must(t, s.AddFeedback(t.Context(), &fb))
	got, err := s.GetFeedback(t.Context(), f.Tenant.ID, rated.ID)
	must(t, err)
	want := interview.Feedback{TenantID: f.Tenant.ID, InterviewID: rated.ID, Rating: 4,
		Comment: "Clear questions.", CreatedAt: at(3)}
	same(t, "feedback", got, want)
	same(t, "caller's copy", fb, want)

	only := interview.Feedback{TenantID: f.Tenant.ID, InterviewID: commented.ID, Comment: "No rating"}
	must(t, s.AddFeedback(t.Context(), &only))
	got, err = s.GetFeedback(t.Context(), f.Tenant.ID, commented.ID)
	must(t, err)
	same(t, "rating not given", got.Rating, 0)
	same(t, "comment alone", got.Comment, "No rating")
	if got.CreatedAt.IsZero() {
		t.Error("AddFeedback left CreatedAt zero")
	}
	_, err = s.GetFeedback(t.Context(), f.Tenant.ID, f.session(t, s).ID)
	wantErr(t, "an interview without feedback", err, store.ErrNotFound)
}

func testFeedbackOnce(t *testing.T, s store.Store) {
	f := newTenant(t, s)
	v := f.session(t, s)
	must(t, s.AddFeedback(t.Context(), &interview.Feedback{TenantID: f.Tenant.ID, InterviewID: v.ID, Rating: 5}))
	err := s.AddFeedback(t.Context(), &interview.Feedback{TenantID: f.Tenant.ID, InterviewID: v.ID, Rating: 1})
	wantErr(t, "second feedback", err, store.ErrConflict)
	got, err := s.GetFeedback(t.Context(), f.Tenant.ID, v.ID)
	must(t, err)
	same(t, "the first stays", got.Rating, 5)
}

func testFeedbackInvalid(t *testing.T, s store.Store) {
	f := newTenant(t, s)
	v := f.session(t, s)
	long := make([]rune, interview.MaxFeedbackComment+1)
	for i := range long {
		long[i] = 'é'
	}
	for name, fb := range map[string]interview.Feedback{
		"nothing":          {Comment: "   "},
		"rating 6":         {Rating: 6},
		"rating -1":        {Rating: -1, Comment: "x"},
		"comment too long": {Rating: 3, Comment: string(long)},
	} {
		fb.TenantID, fb.InterviewID = f.Tenant.ID, v.ID
		wantErr(t, name, s.AddFeedback(t.Context(), &fb), store.ErrInvalid)
	}
	_, err := s.GetFeedback(t.Context(), f.Tenant.ID, v.ID)
	wantErr(t, "nothing stored", err, store.ErrNotFound)
}

func testFeedbackTenancy(t *testing.T, s store.Store) {
	a, b := newTenant(t, s), newTenant(t, s)
	v := a.session(t, s)
	err := s.AddFeedback(t.Context(), &interview.Feedback{TenantID: b.Tenant.ID, InterviewID: v.ID, Rating: 2})
	wantErr(t, "feedback in another tenant", err, store.ErrNotFound)
	must(t, s.AddFeedback(t.Context(), &interview.Feedback{TenantID: a.Tenant.ID, InterviewID: v.ID, Rating: 2}))
	_, err = s.GetFeedback(t.Context(), b.Tenant.ID, v.ID)
	wantErr(t, "read from another tenant", err, store.ErrNotFound)
}
