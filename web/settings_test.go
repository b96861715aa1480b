package web

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/interviewd/interviewd/internal/hiring"
	"github.com/interviewd/interviewd/internal/interview"
)

// auditEvents are a tenant's audit events of action, newest first.
func auditEvents(t *testing.T, app *testApp, tenant, action string) []interview.AuditEvent {
	t.Helper()
	list, err := app.Store.ListAuditPage(context.Background(), tenant, interview.AuditFilter{Actions: []string{action}})
	if err != nil {
		t.Fatalf("audit %s: %v", action, err)
	}
	return list
}

// TestSettingsRetention: an owner reads and saves the retention settings
// (typed errors beside their inputs, the change audited with the old and
// new values); recruiters and viewers get 403 and no links to them.
func TestSettingsRetention(t *testing.T) {
	for _, o := range bothStores() {
		t.Run(o.name, func(t *testing.T) {
			app := newTestApp(t, o.open(t))
			owner := app.client()
			tenant := owner.signUp("Acme", "owner@acme.test")
			doc := owner.page("/app/settings", http.StatusOK)
			if r, tr := doc.Find(testID("recording-days")).AttrOr("value", ""), doc.Find(testID("transcript-days")).AttrOr("value", ""); r != "90" || tr != "0" {
				t.Errorf("a new organisation keeps recordings %q days and transcripts %q, want 90 and 0", r, tr)
			}
			if doc.Find(testID("nav-settings")).AttrOr("href", "") != "/app/settings" || doc.Find(testID("nav-audit")).AttrOr("href", "") != "/app/audit" {
				t.Error("the owner's navigation has no Settings or Audit log")
			}

			res := owner.post("/app/settings", url.Values{"recording_days": {"ninety"}, "transcript_days": {"4000"}})
			doc = parseHTML(t, res)
			if res.StatusCode != http.StatusBadRequest || doc.Find(testID("form-error-item")).Length() != 2 {
				t.Fatalf("bad settings: %d with %d problems, want 400 with 2", res.StatusCode, doc.Find(testID("form-error-item")).Length())
			}
			for id, typed := range map[string]string{"recording_days": "ninety", "transcript_days": "4000"} {
				in := doc.Find("#" + id)
				if in.AttrOr("aria-invalid", "") != "true" || in.AttrOr("value", "") != typed || doc.Find(testID("field-error-"+id)).Length() != 1 ||
					!strings.Contains(in.AttrOr("aria-describedby", ""), id+"-error") {
					t.Errorf("%s: not marked invalid beside its input, or not kept as typed", id)
				}
			}

			if loc := owner.postRedirect("/app/settings", url.Values{"recording_days": {" 30 "}, "transcript_days": {"7"}}); loc != "/app/settings?done=settings" {
				t.Fatalf("saved settings lead to %q", loc)
			}
			doc = owner.page("/app/settings?done=settings", http.StatusOK)
			if doc.Find(testID("flash")).Text() != "Settings saved." || doc.Find(testID("recording-days")).AttrOr("value", "") != "30" {
				t.Errorf("after saving: flash %q, recordings %q days", doc.Find(testID("flash")).Text(), doc.Find(testID("recording-days")).AttrOr("value", ""))
			}
			if ten, err := app.Store.GetTenant(t.Context(), tenant); err != nil || ten.Retention != (interview.Retention{RecordingDays: 30, TranscriptDays: 7}) {
				t.Errorf("stored retention %+v, %v", ten.Retention, err)
			}
			ev := auditEvents(t, app, tenant, "settings.retention_changed")
			want := map[string]string{"recordingDays.old": "90", "recordingDays": "30", "transcriptDays.old": "0", "transcriptDays": "7"}
			if len(ev) != 1 || fmt.Sprint(ev[0].Data) != fmt.Sprint(want) || ev[0].ActorType != "user" || ev[0].TargetID != tenant {
				t.Errorf("audited %+v, want one event with %v", ev, want)
			}

			for _, role := range []interview.Role{interview.RoleRecruiter, interview.RoleViewer} {
				email := string(role) + "@acme.test"
				app.addMember(tenant, email, role)
				c := app.client()
				c.signIn(email)
				for _, path := range []string{"/app/settings", "/app/audit", "/app/audit.csv"} {
					if res := c.get(path); res.StatusCode != http.StatusForbidden {
						t.Errorf("%s: GET %s = %d, want 403", role, path, res.StatusCode)
					}
				}
				if res := c.post("/app/settings", url.Values{"recording_days": {"1"}, "transcript_days": {"1"}}); res.StatusCode != http.StatusForbidden {
					t.Errorf("%s: POST /app/settings = %d, want 403", role, res.StatusCode)
				}
				if doc := c.page("/app/interviews", http.StatusOK); doc.Find(testID("nav-settings")).Length()+doc.Find(testID("nav-audit")).Length() != 0 {
					t.Errorf("%s: the navigation links to the owner's pages", role)
				}
			}
			if ten, _ := app.Store.GetTenant(t.Context(), tenant); ten.Retention.RecordingDays != 30 {
				t.Errorf("a recruiter or viewer changed the retention to %+v", ten.Retention)
			}
		})
	}
}

// TestAuditLogPage: the owner's audit log names who did what to which
// record, newest first, links targets that exist, filters by action,
// pages with Older, exports the same as CSV (audited), and never shows
// another organisation's events.
func TestAuditLogPage(t *testing.T) {
	for _, o := range bothStores() {
		t.Run(o.name, func(t *testing.T) {
			app := newTestApp(t, o.open(t))
			owner := app.client()
			tenant := owner.signUp("Acme", "owner@acme.test")
			if doc := owner.page("/app/audit", http.StatusOK); !strings.Contains(doc.Find(testID("audit-empty")).Text(), "will appear here") {
				t.Errorf("a new organisation's log: %q", doc.Find(testID("audit-empty")).Text())
			}
			other := app.client()
			other.signUp("Other", "owner@other.test")
			newPositionVia(other, "Secret other position")

			pos := newPositionVia(owner, "Backend engineer", "Why Go?")
			id := newInterviewVia(owner, pos, "Ada Lovelace", "ada@example.com")
			seedTranscript(t, app, tenant, id, "Hello", "Hi")
			readBody(t, owner.get("/app/interviews/"+id+"/transcript.vtt"))
			key := newAPIKeyEvent(t, app, tenant)
			gone := interview.AuditEvent{TenantID: tenant, ActorType: "system", Action: "position.archived", TargetType: "position", TargetID: "00000000-0000-4000-8000-000000000000", CreatedAt: time.Now().Add(2 * time.Second)}
			must(t, app.Store.AppendAudit(t.Context(), &gone))

			doc := owner.page("/app/audit", http.StatusOK)
			rows := auditRows(doc)
			wantFirst := []string{
				"System|Position archived|Position (deleted)|",
				"API key " + key + "|Webhook endpoint added|Webhook (deleted)|",
				"owner@acme.test|Transcript downloaded|Interview with Ada Lovelace|format: vtt",
			}
			if len(rows) < 5 || !slices.Equal(rows[:3], wantFirst) {
				t.Fatalf("audit rows %q, want first %q", rows, wantFirst)
			}
			if strings.Contains(doc.Text(), "Secret other position") {
				t.Error("another organisation's event is shown")
			}
			links := map[string]string{}
			doc.Find(testID("audit-target") + " a").Each(func(_ int, a *goquery.Selection) { links[a.Text()] = a.AttrOr("href", "") })
			if links["Interview with Ada Lovelace"] != "/app/interviews/"+id || links["Position Backend engineer"] != "/app/positions/"+pos {
				t.Errorf("target links %v", links)
			}
			if doc.Find(testID("audit-older")).Length() != 0 {
				t.Error("an Older link on the only page")
			}

			doc = owner.page("/app/audit?action=position.created", http.StatusOK)
			if rows := auditRows(doc); len(rows) != 1 || rows[0] != "owner@acme.test|Position created|Position Backend engineer|title: Backend engineer" {
				t.Errorf("filtered rows %q", rows)
			}
			if got := doc.Find(testID("audit-action")+" option[selected]").AttrOr("value", ""); got != "position.created" {
				t.Errorf("the filter shows %q selected", got)
			}
			if doc.Find(testID("audit-csv")).AttrOr("href", "") != "/app/audit.csv?action=position.created" {
				t.Errorf("the CSV link %q does not keep the filter", doc.Find(testID("audit-csv")).AttrOr("href", ""))
			}
			if doc := owner.page("/app/audit?action=interview.ended", http.StatusOK); !strings.Contains(doc.Find(testID("audit-empty")).Text(), "No events match") {
				t.Error("a filter that matches nothing does not say so")
			}
			for _, q := range []string{"action=bogus", "before=yesterday&before_id=x", "before=2026-01-01T00:00:00Z", "before_id=abc"} {
				if res := owner.get("/app/audit?" + q); res.StatusCode != http.StatusBadRequest {
					t.Errorf("GET /app/audit?%s = %d, want 400", q, res.StatusCode)
				}
			}

			checkAuditCSV(t, app, owner, tenant)
		})
	}
}

// newAPIKeyEvent audits, as an API key of tenant, the creation of a
// webhook endpoint that no longer exists, and returns the key's name.
func newAPIKeyEvent(t *testing.T, app *testApp, tenant string) string {
	t.Helper()
	_, k, err := app.Accounts.CreateAPIKey(t.Context(), tenant, "ATS sync", "")
	must(t, err)
	e := interview.AuditEvent{TenantID: tenant, ActorType: "api_key", ActorID: k.ID, Action: "webhook.created",
		TargetType: "webhook_endpoint", TargetID: "00000000-0000-4000-8000-000000000001", CreatedAt: time.Now().Add(time.Second)}
	must(t, app.Store.AppendAudit(t.Context(), &e))
	return k.Name
}

// auditRows are the log's rows as "who|what|target|details".
func auditRows(doc *goquery.Document) []string {
	var out []string
	doc.Find(testID("audit-event")).Each(func(_ int, s *goquery.Selection) {
		cell := func(id string) string { return strings.TrimSpace(s.Find(testID(id)).Text()) }
		out = append(out, cell("audit-who")+"|"+cell("audit-what")+"|"+cell("audit-target")+"|"+cell("audit-details"))
	})
	return out
}

// checkAuditCSV downloads the log as CSV, whole and filtered, and checks
// its rows against the store and that the export is audited.
func checkAuditCSV(t *testing.T, app *testApp, owner *testClient, tenant string) {
	t.Helper()
	all, err := app.Store.ListAuditPage(t.Context(), tenant, interview.AuditFilter{})
	must(t, err)
	res := owner.get("/app/audit.csv")
	body := readBody(t, res)
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/csv; charset=utf-8" ||
		!strings.Contains(res.Header.Get("Content-Disposition"), "attachment") || res.Header.Get("Cache-Control") != "private, no-store" {
		t.Fatalf("CSV: %d %v", res.StatusCode, res.Header)
	}
	records, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatalf("CSV: %v\n%s", err, body)
	}
	if len(records) != len(all)+1 || records[0][0] != "Time (UTC)" || len(records[1]) != 9 {
		t.Fatalf("CSV has %d records for %d events: %q", len(records), len(all), records)
	}
	for i, e := range all {
		row := records[i+1]
		if row[4] != e.Action || row[2] != e.ActorID || row[7] != e.TargetID || row[0] != e.CreatedAt.UTC().Format(time.RFC3339Nano) {
			t.Errorf("CSV row %d %q is not event %+v", i+1, row, e)
		}
	}
	ex := auditEvents(t, app, tenant, "audit.exported")
	if len(ex) != 1 || ex[0].Data["rows"] != fmt.Sprint(len(records)-1) {
		t.Errorf("the export audited as %+v", ex)
	}

	body = readBody(t, owner.get("/app/audit.csv?action=transcript.exported"))
	if records, _ := csv.NewReader(strings.NewReader(body)).ReadAll(); len(records) != 2 || records[1][3] != "owner@acme.test" || records[1][8] != "format: vtt" {
		t.Errorf("filtered CSV %q", records)
	}
	if strings.Contains(body, "Secret other position") {
		t.Error("another organisation's event is exported")
	}
}

// TestAuditLogPaging: "Older" walks every event exactly once, newest
// first, events at the same instant included, and the last page has no
// Older link.
func TestAuditLogPaging(t *testing.T) {
	for _, o := range bothStores() {
		t.Run(o.name, func(t *testing.T) {
			app := newTestApp(t, o.open(t))
			owner := app.client()
			tenant := owner.signUp("Acme", "owner@acme.test")
			base := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
			const n = 2*hiring.AuditPageSize + 7
			for i := range n {
				// Three events share each instant: the cursor's ID breaks the tie.
				e := interview.AuditEvent{TenantID: tenant, ActorType: "system", Action: "interview.ready", TargetType: "interview",
					TargetID: fmt.Sprintf("i-%03d", i), Data: map[string]string{"n": fmt.Sprint(i)}, CreatedAt: base.Add(time.Duration(i/3) * time.Second)}
				must(t, app.Store.AppendAudit(t.Context(), &e))
			}
			seen, pages, shown := map[string]bool{}, 0, 0
			var last time.Time
			for path := "/app/audit?action=interview.ready"; path != ""; pages++ {
				doc := owner.page(path, http.StatusOK)
				doc.Find(testID("audit-event")).Each(func(_ int, s *goquery.Selection) {
					at, err := time.Parse(time.RFC3339, s.Find("time").AttrOr("datetime", ""))
					if err != nil || (!last.IsZero() && at.After(last)) {
						t.Errorf("event at %v after one at %v: not newest first", at, last)
					}
					last = at
				})
				shown += doc.Find(testID("audit-event")).Length()
				for _, d := range texts(doc, testID("audit-details")) {
					seen[d] = true
				}
				if pages > 0 && doc.Find(testID("audit-newest")).Length() != 1 {
					t.Error("an older page has no way back to the newest")
				}
				path = doc.Find(testID("audit-older")).AttrOr("href", "")
			}
			if pages != 3 || len(seen) != n || shown != n {
				t.Errorf("%d pages showed %d events, %d different, of %d: want 3 pages with each once", pages, shown, len(seen), n)
			}
		})
	}
}

// FuzzAuditQuery: the audit log's query either becomes a filter of known
// actions and a whole cursor, or is refused as invalid; never a panic.
func FuzzAuditQuery(f *testing.F) {
	for _, s := range []string{"", "action=position.created", "action=bogus", "before=2026-01-02T03:04:05.123456789Z&before_id=abc",
		"before=2026-01-02T03:04:05Z", "before_id=x", "action=audit.exported&before=2026-13-01T00:00:00Z&before_id=1", "%zz", "action=%00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		filter, err := auditFilterOf(q)
		if err != nil {
			if interview.ErrorCode(err) != interview.CodeInvalid {
				t.Fatalf("%q: error %v is not invalid", raw, err)
			}
			return
		}
		for _, a := range filter.Actions {
			if !hiring.KnownAction(a) {
				t.Fatalf("%q: unknown action %q let through", raw, a)
			}
		}
		if filter.Before.IsZero() != (filter.BeforeID == "") {
			t.Fatalf("%q: half a cursor %v %q", raw, filter.Before, filter.BeforeID)
		}
	})
}
