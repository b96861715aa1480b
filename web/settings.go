package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/interviewd/interviewd/internal/hiring"
	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/templates"
)

// settingsRoutes registers the owner's settings and audit log under /app.
// The hiring service lets owners through and answers others 403.
func (s *server) settingsRoutes(r chi.Router) {
	r.Get("/settings", s.settingsPage)
	r.Post("/settings", s.saveSettings)
	r.Get("/audit", s.auditPage)
	r.Get("/audit.csv", s.auditCSV)
}

func (s *server) settingsPage(w http.ResponseWriter, r *http.Request) {
	ret, err := s.hiring.Retention(r.Context(), userActor(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := templates.SettingsView{RecordingDays: strconv.Itoa(ret.RecordingDays), TranscriptDays: strconv.Itoa(ret.TranscriptDays)}
	s.render(w, withDone(r), http.StatusOK, templates.Settings(v))
}

// saveSettings stores the retention settings; a refused form comes back
// as typed with its problems beside their inputs.
func (s *server) saveSettings(w http.ResponseWriter, r *http.Request) {
	v := templates.SettingsView{RecordingDays: r.PostFormValue("recording_days"), TranscriptDays: r.PostFormValue("transcript_days")}
	ret, err := retentionOf(v)
	if err == nil {
		err = s.hiring.SetRetention(r.Context(), userActor(r), ret)
	}
	if isInvalid(err) {
		v.Err = formErrorOf(err, settingsInputs)
		s.render(w, r, http.StatusBadRequest, templates.Settings(v))
		return
	}
	s.thenRedirect(w, r, err, "/app/settings?done=settings")
}

// settingsInputs names the settings form's inputs by the domain's fields.
var settingsInputs = map[string]string{"recordingDays": "recording_days", "transcriptDays": "transcript_days"}

// retentionOf reads the form's numbers of days and reports every
// problem at once: one that is not a whole number, one out of range.
func retentionOf(v templates.SettingsView) (interview.Retention, error) {
	var ret interview.Retention
	var errs []error
	for _, f := range []struct {
		field, label, text string
		to                 *int
	}{{"recordingDays", "recordings", v.RecordingDays, &ret.RecordingDays}, {"transcriptDays", "transcripts", v.TranscriptDays, &ret.TranscriptDays}} {
		n, err := strconv.Atoi(strings.TrimSpace(f.text))
		if err != nil {
			n = 0 // in range: Validate below speaks of the other field only
			errs = append(errs, interview.FieldErrorf(f.field, "the days %s are kept must be a whole number (0 keeps them until deleted)", f.label))
		}
		*f.to = n
	}
	return ret, interview.JoinFields(append(errs, ret.Validate())...)
}

func (s *server) auditPage(w http.ResponseWriter, r *http.Request) {
	f, err := auditFilterOf(r.URL.Query())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	page, err := s.hiring.AuditLog(r.Context(), userActor(r), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := templates.AuditView{Page: page, Action: strings.Join(f.Actions, ""), Older: !f.Before.IsZero()}
	s.render(w, r, http.StatusOK, templates.Audit(v))
}

// auditCSV serves the audit log, with the page's filter, as a CSV
// download. It writes into a buffer first so that a failure is a clean
// error, not half a file.
func (s *server) auditCSV(w http.ResponseWriter, r *http.Request) {
	f, err := auditFilterOf(r.URL.Query())
	var buf bytes.Buffer
	if err == nil {
		err = s.hiring.WriteAuditCSV(r.Context(), userActor(r), f, &buf)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="audit-log.csv"`)
	h.Set("Cache-Control", "private, no-store")
	w.Write(buf.Bytes()) //nolint:errcheck // the client has gone; nothing to do
}

// auditFilterOf reads the audit log's query: action (one the log knows),
// and the cursor of "Older", before (RFC 3339) with before_id.
func auditFilterOf(q url.Values) (interview.AuditFilter, error) {
	var f interview.AuditFilter
	if a := q.Get("action"); a != "" {
		if !hiring.KnownAction(a) {
			return f, invalidf("action %q is not one the audit log knows", a)
		}
		f.Actions = []string{a}
	}
	before, id := q.Get("before"), q.Get("before_id")
	if before == "" && id == "" {
		return f, nil
	}
	t, err := time.Parse(time.RFC3339Nano, before)
	if err != nil || id == "" || len(id) > 64 {
		return f, invalidf("the audit log's cursor (before, before_id) is malformed: follow the Older link again")
	}
	f.Before, f.BeforeID = t, id
	return f, nil
}
