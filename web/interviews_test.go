package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
)

// newInterviewVia creates an interview through the form and returns its ID.
func newInterviewVia(c *testClient, positionID, name, email string) string {
	c.t.Helper()
	loc := c.postRedirect("/app/interviews/new", url.Values{"position": {positionID}, "name": {name}, "email": {email}})
	return idFromLocation(c.t, loc, "interviews")
}

// joinLinkOf reads the join link off an interview's page ("" when none).
func joinLinkOf(c *testClient, id string) string {
	c.t.Helper()
	return c.page("/app/interviews/"+id, 200).Find(testID("join-link")).AttrOr("value", "")
}

func TestInterviewLinkLifecycle(t *testing.T) {
	for _, o := range bothStores() {
		t.Run(o.name, func(t *testing.T) {
			app := newTestApp(t, o.open(t))
			c := app.client()
			c.signUp("Acme", "owner@acme.test")
			doc := c.page("/app/interviews/new", 200)
			if doc.Find(testID("create-position-first")).AttrOr("href", "") != "/app/positions/new" {
				t.Error("with no positions, the new interview page does not lead to creating one")
			}
			if doc := c.page("/app/interviews", 200); doc.Find(testID("interviews-empty")).Length() != 1 {
				t.Error("no empty state")
			}
			pos := newPositionVia(c, "Engineer", "Why Go?")
			if doc := c.page("/app/interviews/new?position="+pos, 200); doc.Find(`#position option[selected]`).AttrOr("value", "") != pos {
				t.Error("?position= does not preselect the position")
			}
			id := newInterviewVia(c, pos, "Ada Lovelace", "ada@example.com")

			doc = c.page("/app/interviews/"+id+"?done=interview", 200)
			link := doc.Find(testID("join-link")).AttrOr("value", "")
			if !strings.HasPrefix(link, app.URL+"/join/ij_") || doc.Find(testID("copy-link")).Length() != 1 {
				t.Fatalf("join link %q", link)
			}
			if doc.Find(testID("transcript-empty")).Text() != "The transcript appears here as the interview happens." {
				t.Errorf("transcript empty state %q", doc.Find(testID("transcript-empty")).Text())
			}
			if doc.Find(testID("timeline-created")).Length() != 1 || doc.Find(testID("timeline-expires")).Length() != 1 {
				t.Error("timeline lacks created or expiry")
			}
			if doc.Find(testID("interview-status")).Text() != "Not started" {
				t.Errorf("status %q", doc.Find(testID("interview-status")).Text())
			}

			candidate := app.client()
			landing := candidate.page(link, 200)
			if landing.Find(testID("candidate-landing")).Length() != 1 || landing.Find(testID("landing-org")).Text() != "Acme" {
				t.Fatal("the join link does not open the landing page")
			}

			c.postRedirect("/app/interviews/"+id+"/revoke", nil)
			doc = c.page("/app/interviews/"+id, 200)
			if doc.Find(testID("join-link")).Length() != 0 || doc.Find(testID("timeline-revoked")).Length() != 1 {
				t.Error("revoked link still shown, or revocation not on the timeline")
			}
			if res := candidate.get(link); res.StatusCode != http.StatusGone {
				t.Errorf("revoked link: %d, want 410", res.StatusCode)
			}

			c.postRedirect("/app/interviews/"+id+"/reissue", nil)
			fresh := joinLinkOf(c, id)
			if fresh == "" || fresh == link {
				t.Fatalf("re-issued link %q (old %q)", fresh, link)
			}
			candidate.page(fresh, 200)
			if res := candidate.get(link); res.StatusCode != http.StatusNotFound {
				t.Errorf("replaced link: %d, want 404", res.StatusCode)
			}
		})
	}
}

func TestInterviewFiltersAndSearch(t *testing.T) {
	for _, o := range bothStores() {
		t.Run(o.name, func(t *testing.T) {
			app := newTestApp(t, o.open(t))
			c := app.client()
			tenant := c.signUp("Acme", "owner@acme.test")
			pos := newPositionVia(c, "Engineer", "Why Go?")
			newInterviewVia(c, pos, "Ada Lovelace", "ada@example.com")
			grace := newInterviewVia(c, pos, "Grace Hopper", "grace@navy.example")
			if _, err := app.Store.TransitionSession(t.Context(), tenant, grace, interview.StatusReady, "", time.Now()); err != nil {
				t.Fatal(err)
			}
			cases := []struct {
				query string
				want  []string
			}{
				{"", []string{"Grace Hopper", "Ada Lovelace"}},
				{"status=ready", []string{"Grace Hopper"}},
				{"status=pending", []string{"Ada Lovelace"}},
				{"q=lovelace", []string{"Ada Lovelace"}},
				{"q=NAVY.example", []string{"Grace Hopper"}},
				{"status=pending&q=grace", nil},
			}
			for _, tc := range cases {
				doc := c.page("/app/interviews?"+tc.query, 200)
				if got := texts(doc, testID("interview-link")); strings.Join(got, "|") != strings.Join(tc.want, "|") {
					t.Errorf("?%s lists %q, want %q", tc.query, got, tc.want)
				}
				if len(tc.want) == 0 && doc.Find(testID("interviews-empty")).Length() != 1 {
					t.Errorf("?%s: no empty state", tc.query)
				}
			}
			doc := c.page("/app/interviews?status=ready&q=grace", 200)
			if doc.Find(`#status option[selected]`).AttrOr("value", "") != "ready" || doc.Find("#q").AttrOr("value", "") != "grace" {
				t.Error("the filter form does not keep its values")
			}
			if res := c.get("/app/interviews?status=bogus"); res.StatusCode != http.StatusBadRequest {
				t.Errorf("unknown status: %d, want 400", res.StatusCode)
			}
		})
	}
}

// seedTranscript writes an interviewer line and a candidate answer.
func seedTranscript(t *testing.T, app *testApp, tenant, id string, lines ...string) {
	t.Helper()
	at := time.Date(2026, 1, 2, 10, 0, 0, 0, time.UTC)
	var entries []interview.TranscriptEntry
	for i, text := range lines {
		sp := interview.SpeakerInterviewer
		if i%2 == 1 {
			sp = interview.SpeakerCandidate
		}
		entries = append(entries, interview.TranscriptEntry{
			ItemID: "item-" + string(rune('a'+i)), Speaker: sp, Text: text,
			Timestamp: at.Add(time.Duration(i) * 37 * time.Second), Source: interview.SourceSideband,
		})
	}
	if _, err := app.Store.AppendTranscript(t.Context(), tenant, id, entries); err != nil {
		t.Fatalf("append transcript: %v", err)
	}
}

func TestInterviewTranscriptAndExports(t *testing.T) {
	for _, o := range bothStores() {
		t.Run(o.name, func(t *testing.T) {
			app := newTestApp(t, o.open(t))
			c := app.client()
			tenant := c.signUp("Acme", "owner@acme.test")
			id := newInterviewVia(c, newPositionVia(c, "Engineer", "Why Go?"), "Ada Lovelace", "ada@example.com")
			seedTranscript(t, app, tenant, id, "Hello Ada. Why Go?", "Because <simple> & fast.")

			doc := c.page("/app/interviews/"+id, 200)
			if got := texts(doc, testID("transcript-speaker")); strings.Join(got, "|") != "Interviewer|Candidate" {
				t.Errorf("speakers %q", got)
			}
			if got := texts(doc, testID("transcript-text")); len(got) != 2 || got[1] != "Because <simple> & fast." {
				t.Errorf("texts %q", got)
			}
			wants := []struct{ ext, contentType, contains string }{
				{"txt", "text/plain; charset=utf-8", "[00:37] Candidate (server): Because <simple> & fast."},
				{"vtt", "text/vtt; charset=utf-8", "<v Candidate (server)>Because &lt;simple&gt; &amp; fast."},
				{"json", "application/json", `"speaker": "candidate"`},
			}
			for _, w := range wants {
				res := c.get("/app/interviews/" + id + "/transcript." + w.ext)
				body := readBody(t, res)
				if res.StatusCode != 200 || res.Header.Get("Content-Type") != w.contentType {
					t.Errorf("%s: %d %q", w.ext, res.StatusCode, res.Header.Get("Content-Type"))
				}
				if cd := res.Header.Get("Content-Disposition"); cd != `attachment; filename="transcript-`+id+`.`+w.ext+`"` {
					t.Errorf("%s: Content-Disposition %q", w.ext, cd)
				}
				if !strings.Contains(body, w.contains) {
					t.Errorf("%s export lacks %q:\n%s", w.ext, w.contains, body)
				}
				if w.ext == "json" {
					var v struct{ Entries []map[string]any }
					if err := json.Unmarshal([]byte(body), &v); err != nil || len(v.Entries) != 2 {
						t.Errorf("json export: %v, %d entries", err, len(v.Entries))
					}
				}
			}
		})
	}
}

func TestInterviewBadInputAndAccess(t *testing.T) {
	for _, o := range bothStores() {
		t.Run(o.name, func(t *testing.T) {
			app := newTestApp(t, o.open(t))
			c := app.client()
			tenant := c.signUp("Acme", "owner@acme.test")
			pos := newPositionVia(c, "Engineer", "Why Go?")
			id := newInterviewVia(c, pos, "Ada Lovelace", "ada@example.com")
			cases := []struct {
				name   string
				form   url.Values
				status int
				field  string
			}{
				{"unknown position", url.Values{"position": {strings.Repeat("0", 8) + "-0000-4000-8000-" + strings.Repeat("0", 12)}, "name": {"X"}, "email": {"x@example.com"}}, 400, "position"},
				{"malformed position", url.Values{"position": {"nope"}, "name": {"X"}, "email": {"x@example.com"}}, 400, "position"},
				{"bad email", url.Values{"position": {pos}, "name": {"X"}, "email": {"not an email"}}, 400, "email"},
				{"no name", url.Values{"position": {pos}, "name": {" "}, "email": {"x@example.com"}}, 400, "name"},
				{"forged CSRF token", url.Values{"position": {pos}, "name": {"X"}, "email": {"x@example.com"}, "csrf_token": {"forged"}}, 403, ""},
			}
			for _, tc := range cases {
				res := c.post("/app/interviews/new", tc.form)
				doc := parseHTML(t, res)
				if res.StatusCode != tc.status {
					t.Errorf("%s: status %d, want %d", tc.name, res.StatusCode, tc.status)
				}
				if tc.field != "" && doc.Find("#"+tc.field).AttrOr("aria-invalid", "") != "true" {
					t.Errorf("%s: #%s not marked invalid (%q)", tc.name, tc.field, doc.Find(testID("form-error")).Text())
				}
			}
			if res := c.postRaw("/app/interviews/"+id+"/revoke", ""); res.StatusCode != http.StatusForbidden {
				t.Errorf("revoke without CSRF token: %d", res.StatusCode)
			}
			if list, _ := app.Store.ListSessions(t.Context(), tenant, interview.SessionFilter{}); len(list) != 1 || list[0].JoinRevokedAt != nil {
				t.Errorf("bad input changed interviews: %+v", list)
			}

			app.addMember(tenant, "viewer@acme.test", interview.RoleViewer)
			v := app.client()
			v.signIn("viewer@acme.test")
			doc := v.page("/app/interviews/"+id, 200)
			if doc.Find(testID("revoke-link")+","+testID("reissue-link")).Length() != 0 || v.page("/app/interviews", 200).Find(testID("new-interview")).Length() != 0 {
				t.Error("viewer sees controls that change interviews")
			}
			for _, path := range []string{"/app/interviews/new", "/app/interviews/" + id + "/revoke", "/app/interviews/" + id + "/reissue"} {
				if res := v.post(path, url.Values{"position": {pos}, "name": {"V"}, "email": {"v@example.com"}}); res.StatusCode != http.StatusForbidden {
					t.Errorf("viewer POST %s: %d, want 403", path, res.StatusCode)
				}
			}

			other := app.client()
			other.signUp("Globex", "owner@globex.test")
			for _, path := range []string{"", "/transcript.txt", "/transcript.json", "/transcript.vtt"} {
				for _, iv := range []string{id, "not-an-id"} {
					if res := other.get("/app/interviews/" + iv + path); res.StatusCode != http.StatusNotFound {
						t.Errorf("other tenant GET %s%s: %d, want 404", iv, path, res.StatusCode)
					}
				}
			}
			for _, path := range []string{"/revoke", "/reissue"} {
				if res := other.post("/app/interviews/"+id+path, nil); res.StatusCode != http.StatusNotFound {
					t.Errorf("other tenant POST %s: %d, want 404", path, res.StatusCode)
				}
			}
			if res := other.post("/app/interviews/new", url.Values{"position": {pos}, "name": {"X"}, "email": {"x@example.com"}}); res.StatusCode != http.StatusBadRequest {
				t.Errorf("other tenant's position: %d, want 400", res.StatusCode)
			}
			if list, _ := app.Store.ListSessions(t.Context(), tenant, interview.SessionFilter{}); len(list) != 1 || list[0].JoinRevokedAt != nil || list[0].JoinVersion != 1 {
				t.Errorf("forbidden requests changed interviews: %+v", list)
			}
		})
	}
}
