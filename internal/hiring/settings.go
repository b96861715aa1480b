package hiring

import (
	"context"
	"strconv"

	"github.com/interviewd/interviewd/internal/interview"
)

// canManage lets the organisation's owners through: settings and the
// audit log are theirs alone.
func canManage(a Actor) error {
	if !a.Role.CanManage() {
		return interview.Errorf(interview.CodeForbidden, "only the organisation's owners may do this (your role is %s)", a.Role)
	}
	return nil
}

// Retention returns how long the actor's organisation keeps recordings
// and transcripts. Owners only.
func (s *Service) Retention(ctx context.Context, a Actor) (interview.Retention, error) {
	if err := canManage(a); err != nil {
		return interview.Retention{}, err
	}
	t, err := s.db(a).GetTenant(ctx, a.TenantID)
	return t.Retention, wrap("get retention", err)
}

// SetRetention stores the organisation's retention settings and audits
// "settings.retention_changed" with the old and new values. Owners only;
// r is checked with Retention.Validate (FieldErrors recordingDays and
// transcriptDays). A change also changes the consent text candidates
// read (ConsentTerms): those who agreed to the old one are asked again.
func (s *Service) SetRetention(ctx context.Context, a Actor, r interview.Retention) error {
	if err := canManage(a); err != nil {
		return err
	}
	if err := r.Validate(); err != nil {
		return err
	}
	old, err := s.Retention(ctx, a)
	if err != nil {
		return err
	}
	// The privileged path: the tenant's row is not the members' to write
	// under row-level security; the owner check above is the gate.
	if err := s.store.SetRetention(ctx, a.TenantID, r); err != nil {
		return wrap("set retention", err)
	}
	if old != r {
		s.audit(ctx, a, "settings.retention_changed", "tenant", a.TenantID, map[string]string{
			"recordingDays.old": strconv.Itoa(old.RecordingDays), "recordingDays": strconv.Itoa(r.RecordingDays),
			"transcriptDays.old": strconv.Itoa(old.TranscriptDays), "transcriptDays": strconv.Itoa(r.TranscriptDays),
		})
	}
	return nil
}
