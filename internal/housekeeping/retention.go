package housekeeping

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

// RetentionBatch is how many interviews' recordings, and as many
// transcripts, one sweep deletes at most. The rest wait for the next
// sweep: an hour's delay past a retention of days is no harm, and a
// sweep stays short.
const RetentionBatch = 200

// RetentionStore is what the retention sweep reads and deletes, on the
// privileged path: the organisations' settings (Tenant.Retention), what
// they say is due, and the audit trail of each deletion.
type RetentionStore interface {
	GetTenant(ctx context.Context, id string) (interview.Tenant, error)
	ListExpiredRecordings(ctx context.Context, now time.Time, limit int) ([]store.InterviewRef, error)
	ListExpiredTranscripts(ctx context.Context, now time.Time, limit int) ([]store.InterviewRef, error)
	DeleteTranscript(ctx context.Context, tenantID, interviewID string) (int64, error)
	AppendAudit(ctx context.Context, e *interview.AuditEvent) error
}

// RecordingDeleter deletes an interview's recording: its blobs first,
// then its rows (recording.Service).
type RecordingDeleter interface {
	DeleteInterview(ctx context.Context, tenantID, interviewID string) error
}

// retention deletes what organisations' retention settings say is due:
// recordings (when the Janitor has a RecordingDeleter) and transcripts,
// each deletion audited as the system's. It returns how many interviews'
// recordings and transcripts went.
func (j *Janitor) retention(ctx context.Context) (recordings, transcripts int64, err error) {
	now := j.now()
	days := retentionDays{store: j.store, days: map[string]interview.Retention{}}
	var errs []error
	if j.recordings != nil {
		refs, err := j.store.ListExpiredRecordings(ctx, now, RetentionBatch)
		errs = append(errs, err)
		for _, ref := range refs {
			err := j.recordings.DeleteInterview(ctx, ref.TenantID, ref.InterviewID)
			if err == nil {
				recordings++
				j.auditRetention(ctx, ref, "recording.deleted", days.of(ctx, ref.TenantID).RecordingDays, nil)
			}
			errs = append(errs, wrapRef("delete recording", ref, err))
		}
	}
	refs, err := j.store.ListExpiredTranscripts(ctx, now, RetentionBatch)
	errs = append(errs, err)
	for _, ref := range refs {
		n, err := j.store.DeleteTranscript(ctx, ref.TenantID, ref.InterviewID)
		if err == nil {
			transcripts++
			j.auditRetention(ctx, ref, "transcript.deleted", days.of(ctx, ref.TenantID).TranscriptDays,
				map[string]string{"entries": strconv.FormatInt(n, 10)})
		}
		errs = append(errs, wrapRef("delete transcript", ref, err))
	}
	return recordings, transcripts, errors.Join(errs...)
}

// auditRetention records a deletion the retention setting of days made.
func (j *Janitor) auditRetention(ctx context.Context, ref store.InterviewRef, action string, days int, data map[string]string) {
	if data == nil {
		data = map[string]string{}
	}
	data["reason"], data["days"] = "retention", strconv.Itoa(days)
	e := interview.AuditEvent{TenantID: ref.TenantID, ActorType: "system", Action: action,
		TargetType: "interview", TargetID: ref.InterviewID, Data: data, CreatedAt: j.now()}
	if err := j.store.AppendAudit(ctx, &e); err != nil {
		j.log.WarnContext(ctx, "housekeeping: audit a retention deletion", "action", action,
			"tenant_id", ref.TenantID, "interview_id", ref.InterviewID, "error", err.Error())
	}
}

func wrapRef(op string, ref store.InterviewRef, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s of interview %s: %w", op, ref.InterviewID, err)
}

// retentionDays reads each tenant's settings once per sweep, for the
// audit events.
type retentionDays struct {
	store RetentionStore
	days  map[string]interview.Retention
}

// of returns tenantID's settings; zero when they cannot be read (the
// deletion is done; only its audit event lacks the number).
func (d retentionDays) of(ctx context.Context, tenantID string) interview.Retention {
	r, ok := d.days[tenantID]
	if !ok {
		t, _ := d.store.GetTenant(ctx, tenantID)
		r = t.Retention
		d.days[tenantID] = r
	}
	return r
}
