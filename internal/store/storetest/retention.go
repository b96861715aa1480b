package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

// A new tenant keeps recordings store.DefaultRetention's days unless it
// says otherwise; SetRetention stores valid settings only.
func testRetentionSettings(t *testing.T, s store.Store) {
	ctx := t.Context()
	f := newTenant(t, s)
	got, err := s.GetTenant(ctx, f.Tenant.ID)
	must(t, err)
	same(t, "a new tenant's retention", got.Retention, interview.Retention{RecordingDays: interview.DefaultRecordingRetentionDays})
	same(t, "the caller's copy", f.Tenant.Retention, got.Retention)

	custom := interview.Tenant{Name: "Custom " + unique(), Retention: interview.Retention{RecordingDays: 7, TranscriptDays: 30}}
	must(t, s.CreateTenant(ctx, &custom, ""))
	got, err = s.GetTenant(ctx, custom.ID)
	must(t, err)
	same(t, "a tenant created with settings", got.Retention, custom.Retention)

	for _, r := range []interview.Retention{{RecordingDays: 30, TranscriptDays: 365}, {}, {RecordingDays: interview.MaxRetentionDays}} {
		must(t, s.SetRetention(ctx, f.Tenant.ID, r))
		got, err = s.GetTenant(ctx, f.Tenant.ID)
		must(t, err)
		same(t, "stored retention", got.Retention, r)
	}
	wantErr(t, "negative days", s.SetRetention(ctx, f.Tenant.ID, interview.Retention{RecordingDays: -1}), store.ErrInvalid)
	wantErr(t, "too many days", s.SetRetention(ctx, f.Tenant.ID, interview.Retention{TranscriptDays: interview.MaxRetentionDays + 1}), store.ErrInvalid)
	wantErr(t, "no such tenant", s.SetRetention(ctx, unique(), interview.Retention{}), store.ErrNotFound)
	bad := interview.Tenant{Name: "Bad " + unique(), Retention: interview.Retention{RecordingDays: -5}}
	wantErr(t, "a tenant created with bad settings", s.CreateTenant(ctx, &bad, ""), store.ErrInvalid)
}

// Expired recordings and transcripts: interviews that ended at least the
// tenant's days ago and still have segments (or entries); none for a
// tenant keeping them until deleted.
func testRetentionExpired(t *testing.T, s store.Store) {
	ctx := t.Context()
	f, forever := newTenant(t, s), newTenant(t, s)
	must(t, s.SetRetention(ctx, f.Tenant.ID, interview.Retention{RecordingDays: 1, TranscriptDays: 2}))
	must(t, s.SetRetention(ctx, forever.Tenant.ID, interview.Retention{}))
	both := driveTo(t, s, f.session(t, s), interview.StatusInProgress)
	beginSegment(t, s, both)
	_, err := s.AppendTranscript(ctx, f.Tenant.ID, both.ID, []interview.TranscriptEntry{entry("r-1", 1)})
	must(t, err)
	both = endAt(t, s, both, 3)
	bare := driveTo(t, s, f.session(t, s), interview.StatusCompleted)
	running := driveTo(t, s, f.session(t, s), interview.StatusInProgress)
	beginSegment(t, s, running)
	kept := driveTo(t, s, forever.session(t, s), interview.StatusCompleted)
	beginSegment(t, s, kept)
	mine := []string{both.ID, bare.ID, running.ID, kept.ID}
	filter := func(list []store.InterviewRef, err error) []store.InterviewRef {
		must(t, err)
		out := []store.InterviewRef{}
		for _, r := range list {
			if slices.Contains(mine, r.InterviewID) {
				out = append(out, r)
			}
		}
		return out
	}
	day := 24 * time.Hour
	ref := []store.InterviewRef{{TenantID: f.Tenant.ID, InterviewID: both.ID, EndedAt: at(3)}}
	none := []store.InterviewRef{}
	same(t, "recordings a moment early", filter(s.ListExpiredRecordings(ctx, at(3).Add(day-time.Microsecond), store.MaxListLimit)), none)
	same(t, "recordings on time", filter(s.ListExpiredRecordings(ctx, at(3).Add(day), store.MaxListLimit)), ref)
	same(t, "transcripts after a day", filter(s.ListExpiredTranscripts(ctx, at(3).Add(day), store.MaxListLimit)), none)
	same(t, "transcripts after two", filter(s.ListExpiredTranscripts(ctx, at(3).Add(2*day), store.MaxListLimit)), ref)
	same(t, "years later", filter(s.ListExpiredRecordings(ctx, at(3).Add(3000*day), store.MaxListLimit)), ref)

	n, err := s.DeleteTranscript(ctx, f.Tenant.ID, both.ID)
	must(t, err)
	same(t, "entries deleted", n, int64(1))
	same(t, "transcripts once deleted", filter(s.ListExpiredTranscripts(ctx, at(3).Add(2*day), store.MaxListLimit)), none)
	_, err = s.DeleteRecording(ctx, f.Tenant.ID, both.ID)
	must(t, err)
	same(t, "recordings once deleted", filter(s.ListExpiredRecordings(ctx, at(3).Add(day), store.MaxListLimit)), none)
}

// DeleteTranscript deletes one interview's entries and its AI
// assessments (which quote them), and nothing else.
func testDeleteTranscript(t *testing.T, s store.Store) {
	ctx := t.Context()
	f := newTenant(t, s)
	v, other := f.session(t, s), f.session(t, s)
	_, err := s.AppendTranscript(ctx, f.Tenant.ID, v.ID, []interview.TranscriptEntry{entry("d-1", 1), entry("d-2", 2)})
	must(t, err)
	_, err = s.AppendTranscript(ctx, f.Tenant.ID, other.ID, []interview.TranscriptEntry{entry("o-1", 1)})
	must(t, err)
	must(t, s.UpdateSessionProgress(ctx, f.Tenant.ID, v.ID, 1, at(1)))
	enqueue(t, s, v, 1)
	enqueue(t, s, other, 1)
	_, err = s.DeleteTranscript(ctx, newTenant(t, s).Tenant.ID, v.ID)
	wantErr(t, "another tenant", err, store.ErrNotFound)
	n, err := s.DeleteTranscript(ctx, f.Tenant.ID, v.ID)
	must(t, err)
	same(t, "deleted", n, int64(2))
	left, err := s.ListTranscript(ctx, f.Tenant.ID, v.ID, 0)
	must(t, err)
	same(t, "left", len(left), 0)
	kept, err := s.ListTranscript(ctx, f.Tenant.ID, other.ID, 0)
	must(t, err)
	same(t, "the other interview's", len(kept), 1)
	marks, err := s.ListQuestionMarks(ctx, f.Tenant.ID, v.ID)
	must(t, err)
	same(t, "question marks stay", len(marks), 1)
	// The AI assessments quote the transcript, so they go with it.
	gone, err := s.ListAssessments(ctx, f.Tenant.ID, v.ID)
	must(t, err)
	same(t, "assessments of the interview", len(gone), 0)
	stay, err := s.ListAssessments(ctx, f.Tenant.ID, other.ID)
	must(t, err)
	same(t, "the other interview's assessments", len(stay), 1)
	if _, err := s.GetSession(ctx, f.Tenant.ID, v.ID); err != nil {
		t.Errorf("the interview: %v", err)
	}
}

// endAt completes an interview in progress at at(n).
func endAt(t *testing.T, s store.Store, v interview.Session, n int) interview.Session {
	t.Helper()
	v, err := s.TransitionSession(t.Context(), v.TenantID, v.ID, interview.StatusCompleted, "done", at(n))
	must(t, err)
	return v
}
