package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/interviewd/interviewd/internal/hiring"
	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
	"github.com/interviewd/interviewd/templates"
)

// roomFixture is an organisation with two interviews, signed in as its owner.
type roomFixture struct {
	app          *roomApp
	owner        *testClient
	tenant       string
	id1, id2     string
	link1, link2 string
}

func newRoomFixture(t *testing.T, st store.Store) roomFixture {
	t.Helper()
	app := newRoomApp(t, st, "", nil)
	f := roomFixture{app: app, owner: app.client()}
	f.tenant = f.owner.signUp("Acme Hiring", "owner@acme.test")
	pos := newPositionVia(f.owner, "Engineer", "Why Go?")
	f.id1 = newInterviewVia(f.owner, pos, "Ada Lovelace", "ada@example.com")
	f.id2 = newInterviewVia(f.owner, pos, "Alan Turing", "alan@example.com")
	f.link1, f.link2 = joinLinkOf(f.owner, f.id1), joinLinkOf(f.owner, f.id2)
	return f
}

// TestCandidateConsent walks the landing page without JavaScript: the
// consent form refuses an unticked box and a stale text version, stores
// the consent with its version, time, IP and user agent, sets the
// candidate cookie and opens the room; the room sends a browser without
// that cookie back to consent.
func TestCandidateConsent(t *testing.T) {
	for _, o := range bothStores() {
		t.Run(o.name, func(t *testing.T) {
			f := newRoomFixture(t, o.open(t))
			cand := f.app.client()
			checkLandingForm(t, cand.page(f.link1, http.StatusOK))

			for _, form := range []url.Values{{}, {"consent": {"2020-01-v0"}}} {
				res := cand.post(f.link1, form)
				doc := parseHTML(t, res)
				if res.StatusCode != http.StatusBadRequest || doc.Find(testID("form-error")).Length() != 1 ||
					doc.Find(testID("consent-checkbox")).AttrOr("aria-invalid", "") != "true" {
					t.Errorf("consent %v: status %d, want 400 with the error beside the box", form, res.StatusCode)
				}
			}
			if cand.cookie(candidateCookie) != "" || len(consents(t, f, f.id1)) != 0 {
				t.Fatal("a refused consent set the cookie or was stored")
			}

			before := time.Now().Add(-time.Second)
			res := cand.post(f.link1, url.Values{"consent": {hiring.ConsentVersion}})
			readBody(t, res)
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/join/"+tokenOf(f.link1)+"/room" {
				t.Fatalf("consent: %d to %q", res.StatusCode, res.Header.Get("Location"))
			}
			checkCandidateCookie(t, res, tokenOf(f.link1))
			list := consents(t, f, f.id1)
			if len(list) != 1 || list[0].TextVersion != hiring.ConsentVersion || list[0].AcceptedAt.Before(before) ||
				list[0].AcceptedAt.After(time.Now().Add(time.Second)) || list[0].IPAddress != "127.0.0.1" ||
				!strings.HasPrefix(list[0].UserAgent, "Go-http-client") {
				t.Errorf("stored consents %+v", list)
			}

			doc := cand.page(f.link1, http.StatusOK)
			if doc.Find(testID("consent-given")).Length() != 1 || doc.Find(testID("enter-room")).AttrOr("href", "") != "/join/"+tokenOf(f.link1)+"/room" {
				t.Error("a consented browser is not offered the room")
			}
			checkRoomPage(t, cand.page(f.link1+"/room", http.StatusOK), f.id1)

			// No cookie, or another interview's: back to the landing page to consent.
			assertRedirect(t, f.app.client(), f.link1+"/room", "/join/"+tokenOf(f.link1))
			assertRedirect(t, cand, f.link2+"/room", "/join/"+tokenOf(f.link2))
		})
	}
}

func consents(t *testing.T, f roomFixture, id string) []interview.Consent {
	t.Helper()
	list, err := f.app.Store.ListConsents(t.Context(), f.tenant, id)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// checkLandingForm checks the consent form and the microphone check of a
// landing page that has not been consented to.
func checkLandingForm(t *testing.T, doc *goquery.Document) {
	t.Helper()
	text := hiring.Consent("Acme Hiring")
	box := doc.Find(testID("consent-checkbox"))
	if box.AttrOr("value", "") != text.Version || box.AttrOr("name", "") != "consent" || box.AttrOr("type", "") != "checkbox" {
		t.Errorf("consent checkbox %v", box.Nodes)
	}
	if got := doc.Find(testID("consent-label")).Text(); got != text.Agreement {
		t.Errorf("consent label %q", got)
	}
	if n := doc.Find(testID("landing-privacy") + " li").Length(); n != len(text.Points) {
		t.Errorf("%d privacy points, want %d", n, len(text.Points))
	}
	if !strings.Contains(doc.Find(testID("consent-version")).Text(), text.Version) {
		t.Error("the consent text's version is not shown")
	}
	meter := doc.Find(testID("mic-meter"))
	if meter.AttrOr("role", "") != "meter" || meter.AttrOr("aria-valuenow", "") != "0" || !strings.Contains(doc.Find(testID("mic-check")+" noscript").Text(), "need JavaScript") {
		t.Error("the microphone check lacks its meter or its no-JavaScript message")
	}
	if doc.Find(`form[data-testid="consent-form"] input[name="csrf_token"]`).Length() != 1 {
		t.Error("the consent form has no CSRF field")
	}
}

// checkCandidateCookie checks the cookie a consent sets.
func checkCandidateCookie(t *testing.T, res *http.Response, token string) {
	t.Helper()
	for _, c := range res.Cookies() {
		if c.Name != candidateCookie {
			continue
		}
		if c.Value != token || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" ||
			c.MaxAge != int(candidateCookieTTL/time.Second) {
			t.Errorf("candidate cookie %+v", c)
		}
		return
	}
	t.Error("consent set no candidate cookie")
}

// checkRoomPage checks the room as served, without JavaScript.
func checkRoomPage(t *testing.T, doc *goquery.Document, id string) {
	t.Helper()
	if doc.Find(testID("room-title")).Text() != "Engineer" || doc.Find(testID("room-candidate")).Text() != "Ada Lovelace" {
		t.Errorf("room heading %q / %q", doc.Find(testID("room-title")).Text(), doc.Find(testID("room-candidate")).Text())
	}
	// The parser runs as a browser with scripting does: noscript holds text.
	if !strings.Contains(doc.Find("noscript").Text(), "needs JavaScript and a") {
		t.Error("the room does not say it needs JavaScript")
	}
	var data templates.RoomData
	if err := json.Unmarshal([]byte(doc.Find("script#room-data").Text()), &data); err != nil {
		t.Fatalf("room data: %v", err)
	}
	if data.InterviewID != id || data.TokenURL != "/api/interviews/token?interviewId="+id || data.MaxMinutes <= 0 || data.GraceSeconds != 25 {
		t.Errorf("room data %+v", data)
	}
	if doc.Find("script:not([src]):not([type='application/json'])").Length() != 0 {
		t.Error("inline script in the room")
	}
	for _, id := range []string{"room-state", "room-countdown", "room-meter", "room-mute", "room-end", "room-transcript"} {
		if doc.Find(testID(id)).Length() != 1 {
			t.Errorf("room lacks %s", id)
		}
	}
	if doc.Find(testID("room-mute")).AttrOr("aria-pressed", "") != "false" || doc.Find(testID("room-transcript")).AttrOr("aria-live", "") != "polite" {
		t.Error("room controls lack their ARIA state")
	}
}

// assertRedirect wants a 303 from path to location.
func assertRedirect(t *testing.T, c *testClient, path, location string) {
	t.Helper()
	res := c.get(path)
	readBody(t, res)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != location {
		t.Errorf("GET %s: %d to %q, want 303 to %q", path, res.StatusCode, res.Header.Get("Location"), location)
	}
}

// TestRoomRefusedLinks: a revoked link or an ended interview shows the
// page that says so instead of the room, even to a consented browser
// (which, for an ended interview, is sent to its thank-you page); a
// consent to such a link is refused the same way.
func TestRoomRefusedLinks(t *testing.T) {
	f := newRoomFixture(t, openSQLiteStore(t))
	cand := f.app.client()
	consent(t, cand, f.link1)
	f.owner.postRedirect("/app/interviews/"+f.id1+"/revoke", nil)
	assertRefused(t, cand, f.link1+"/room", http.StatusGone, "revoked")
	res := cand.post(f.link1, url.Values{"consent": {hiring.ConsentVersion}})
	if doc := parseHTML(t, res); res.StatusCode != http.StatusGone || doc.Find(testID("join-refused")).Length() != 1 {
		t.Errorf("consent to a revoked link: %d", res.StatusCode)
	}

	cand2 := f.app.client()
	consent(t, cand2, f.link2)
	if _, err := f.app.Store.TransitionSession(t.Context(), f.tenant, f.id2, interview.StatusAbandoned, "test", time.Now()); err != nil {
		t.Fatal(err)
	}
	// The candidate's own browser is thanked instead (feedback.go); any
	// other gets the page that says the interview has ended.
	assertRedirect(t, cand2, f.link2+"/room", "/join/"+tokenOf(f.link2)+"/feedback")
	assertRefused(t, f.app.client(), f.link2+"/room", http.StatusGone, "ended")
	assertRefused(t, cand2, "/join/ij_nonsense/room", http.StatusNotFound, "")
}

// TestRecruiterLiveView: an open interview's page carries live.js and its
// data, and the live endpoint returns the lines after a sequence number,
// timed as the page times them; an ended interview's page does not poll.
func TestRecruiterLiveView(t *testing.T) {
	for _, o := range bothStores() {
		t.Run(o.name, func(t *testing.T) {
			f := newRoomFixture(t, o.open(t))
			page := "/app/interviews/" + f.id1
			doc := f.owner.page(page, http.StatusOK)
			var data templates.LiveData
			if err := json.Unmarshal([]byte(doc.Find("script#live-data").Text()), &data); err != nil || data.URL != page+"/live" || data.After != 0 {
				t.Errorf("live data %+v (%v)", data, err)
			}
			if doc.Find(testID("live-refresh")).AttrOr("href", "") != page || doc.Find(`script[src*="js/live.js"]`).Length() != 1 {
				t.Error("an open interview's page lacks its Refresh link or live.js")
			}
			if p := doc.Find(testID("interview-progress")); p.Length() != 1 || p.AttrOr("hidden", "none") == "none" ||
				p.AttrOr("aria-live", "") != "polite" {
				t.Errorf("before the first question the progress is not a hidden live region")
			}
			seedTranscript(t, f.app.testApp, f.tenant, f.id1, "Hello Ada.", "Hello!", "Why Go?")
			if err := f.app.Store.UpdateSessionProgress(t.Context(), f.tenant, f.id1, 1, time.Now()); err != nil {
				t.Fatal(err)
			}
			if p := f.owner.page(page, http.StatusOK).Find(testID("interview-progress")); p.Text() != "Question 1 of 1" || p.AttrOr("hidden", "none") != "none" {
				t.Errorf("progress %q shown: %v", p.Text(), p.AttrOr("hidden", "none") == "none")
			}
			live := f.owner.call("GET", page+"/live?after=1", "").want(t, http.StatusOK)
			if live["progress"] != "Question 1 of 1" {
				t.Errorf("live progress %v", live["progress"])
			}
			lines, _ := live["lines"].([]any)
			if live["status"] != "pending" || live["open"] != true || len(lines) != 2 {
				t.Fatalf("live: %v", live)
			}
			if l := lines[0].(map[string]any); l["seq"] != 2.0 || l["label"] != "Candidate" || l["text"] != "Hello!" || l["offset"] != "00:37" ||
				l["source"] != hiring.SourceLabel(interview.SourceSideband) {
				t.Errorf("live line %v", l)
			}
			if got := f.owner.page(page, http.StatusOK).Find("script#live-data").Text(); !strings.Contains(got, `"after":3`) {
				t.Errorf("live data after three lines: %s", got)
			}
			stranger := f.app.client()
			stranger.signUp("Beta", "owner@beta.test")
			stranger.call("GET", page+"/live", "", "Accept", "application/json").wantError(t, http.StatusNotFound, interview.CodeNotFound, "")

			if _, err := f.app.Store.TransitionSession(t.Context(), f.tenant, f.id1, interview.StatusAbandoned, "test", time.Now()); err != nil {
				t.Fatal(err)
			}
			if f.owner.call("GET", page+"/live?after=3", "").want(t, http.StatusOK)["open"] != false {
				t.Error("an ended interview is still open")
			}
			if f.owner.page(page, http.StatusOK).Find("script#live-data").Length() != 0 {
				t.Error("an ended interview's page still polls")
			}
		})
	}
}
