package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/interviewd/interviewd/internal/i18n"
)

// landingConsent is what a landing page offers: the version its box
// posts ("" once this browser has consented) and its privacy list.
func landingConsent(t *testing.T, c *testClient, link string) (version, privacy string) {
	t.Helper()
	doc := c.page(link, http.StatusOK)
	version = doc.Find(testID("consent-checkbox")).AttrOr("value", "")
	if version != "" && !strings.Contains(doc.Find(testID("consent-version")).Text(), version) {
		t.Errorf("the page does not show the version %s it asks consent to", version)
	}
	if (version == "") == (doc.Find(testID("consent-given")).Length() == 0) {
		t.Errorf("%s: the consent form and the consent given are both shown, or neither", link)
	}
	return version, doc.Find(testID("landing-privacy")).Text()
}

// TestConsentNamesRecording: the consent text and its version follow what
// the position records and how long the organisation keeps it; a candidate
// who agreed is asked again once that changes, and an agreement to the old
// text is refused.
func TestConsentNamesRecording(t *testing.T) {
	for _, o := range bothStores() {
		t.Run(o.name, func(t *testing.T) {
			app := newTestApp(t, o.open(t))
			owner := app.client()
			owner.signUp("Acme", "owner@acme.test")
			owner.postRedirect("/app/settings", url.Values{"recording_days": {"30"}, "transcript_days": {"0"}})
			en := i18n.English
			pos := newPositionVia(owner, "Engineer", "Why Go?")
			link := joinLinkOf(owner, newInterviewVia(owner, pos, "Ada Lovelace", "ada@example.com"))
			cand := app.client()

			v, privacy := landingConsent(t, cand, link)
			if v != "2026-12-v2/audio-30d" || !strings.Contains(privacy, en.T("consent.rec_audio", "org", "Acme")+" "+en.T("consent.kept_days", "days", "30")) {
				t.Errorf("audio kept 30 days: version %s, privacy %q", v, privacy)
			}
			cand.postRedirect(link, url.Values{"consent": {v}})
			if v, _ := landingConsent(t, cand, link); v != "" {
				t.Fatalf("after consenting the page still asks for %s", v)
			}

			// The camera switched on: asked again, the old agreement refused.
			form := url.Values{"title": {"Engineer"}, "questions": {"Why Go?"}, "record_audio": {"0", "1"}, "record_video": {"0", "1"}}
			owner.postRedirect("/app/positions/"+pos, form)
			av, privacy := landingConsent(t, cand, link)
			if av != "2026-12-v2/av-30d" || !strings.Contains(privacy, en.T("consent.rec_av", "org", "Acme")) {
				t.Errorf("audio and camera: version %s, privacy %q", av, privacy)
			}
			assertRedirect(t, cand, link+"/room", "/join/"+tokenOf(link))
			res := cand.post(link, url.Values{"consent": {v}})
			if got := parseHTML(t, res).Find(testID("form-error-item")).Text(); res.StatusCode != http.StatusBadRequest || got != en.T("consent.err_changed") {
				t.Errorf("the audio-only version after the camera went on: %d %q", res.StatusCode, got)
			}
			cand.postRedirect(link, url.Values{"consent": {av}})
			if got := cand.get(link + "/room"); got.StatusCode != http.StatusOK {
				t.Errorf("the room after the new consent: %d", got.StatusCode)
			}

			// Kept until deleted.
			owner.postRedirect("/app/settings", url.Values{"recording_days": {"0"}, "transcript_days": {"0"}})
			if v, privacy := landingConsent(t, cand, link); v != "2026-12-v2/av-0d" || !strings.Contains(privacy, en.T("consent.kept_always", "org", "Acme")) {
				t.Errorf("kept until deleted: version %s, privacy %q", v, privacy)
			}

			// No recording; and a Spanish position's version names its language.
			silent := idFromLocation(t, owner.postRedirect("/app/positions/new", url.Values{"title": {"Silent"}, "record_audio": {"0"}, "record_video": {"0"}}), "positions")
			v, privacy = landingConsent(t, app.client(), joinLinkOf(owner, newInterviewVia(owner, silent, "Alan Turing", "alan@example.com")))
			if v != "2026-12-v2/none" || !strings.Contains(privacy, en.T("consent.rec_none", "org", "Acme")) || strings.Contains(privacy, "deleted") {
				t.Errorf("no recording: version %s, privacy %q", v, privacy)
			}
			es := newPositionIn(owner, "es-MX", "Ingeniera")
			if v, _ := landingConsent(t, app.client(), joinLinkOf(owner, newInterviewVia(owner, es, "Grace Hopper", "grace@example.com"))); v != "es-2026-12-v2/audio-0d" {
				t.Errorf("a Spanish position: version %s", v)
			}
		})
	}
}
