package templates

import (
	"net/url"
	"time"

	"github.com/interviewd/interviewd/internal/hiring"
)

// SettingsView is the owner's settings page: the retention form, as
// stored or as typed after a refused save.
type SettingsView struct {
	RecordingDays  string
	TranscriptDays string
	Err            *FormError
}

// AuditView is the owner's audit log page: a page of events, newest
// first, narrowed to Action when set.
type AuditView struct {
	Page   hiring.AuditLogPage
	Action string // the filter; "" for every action
	Older  bool   // this page follows "Older" from the first
}

// olderHref is the link to the events after the page's last.
func (v AuditView) olderHref() string {
	last := v.Page.Entries[len(v.Page.Entries)-1]
	q := v.query()
	q.Set("before", last.CreatedAt.UTC().Format(time.RFC3339Nano))
	q.Set("before_id", last.ID)
	return "/app/audit?" + q.Encode()
}

// csvHref is the CSV export of the same filter.
func (v AuditView) csvHref() string {
	if q := v.query(); len(q) > 0 {
		return "/app/audit.csv?" + q.Encode()
	}
	return "/app/audit.csv"
}

func (v AuditView) query() url.Values {
	q := url.Values{}
	if v.Action != "" {
		q.Set("action", v.Action)
	}
	return q
}

// auditTargetHref links an event's target that still exists, or is "".
func auditTargetHref(e hiring.AuditEntry) string {
	if !e.TargetExists {
		return ""
	}
	switch e.TargetType {
	case "interview":
		return interviewHref(e.TargetID)
	case "position":
		return "/app/positions/" + e.TargetID
	case "webhook_endpoint":
		return webhookHref(e.TargetID)
	case "tenant":
		return "/app/settings"
	}
	return ""
}
