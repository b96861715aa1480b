package web

import (
	"encoding/json"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/interviewd/interviewd/internal/hiring"
	"github.com/interviewd/interviewd/internal/i18n"
)

// pageLanguages are the positions' language tags the tests open, with
// the language the candidate's pages must be in: regional tags use their
// base language, a language without a catalogue English.
var pageLanguages = []struct {
	tag  string
	want i18n.Lang
}{
	{"en-GB", "en"}, {"es-MX", "es"}, {"fr-FR", "fr"}, {"de", "de"}, {"pt-BR", "pt"}, {"ja", "en"},
}

// TestCandidatePagesInEachLanguage renders every page of the candidate's
// journey for a position in each language: the landing page, the consent
// refused (unticked, or another language's text) and given, the room, the
// thank-you with a refused rating and with the thanks for one, and the
// refused links (ended, revoked, unknown by Accept-Language). Each is in
// the page's language, <html lang> says which, and no English is left in
// a non-English page's text.
func TestCandidatePagesInEachLanguage(t *testing.T) {
	for _, o := range bothStores() {
		t.Run(o.name, func(t *testing.T) {
			app := newRoomApp(t, o.open(t), "", nil)
			owner := app.client()
			tenant := owner.signUp("Acme", "owner@acme.test")
			for _, l := range pageLanguages {
				t.Run(l.tag, func(t *testing.T) {
					checkCandidateJourney(t, app, owner, tenant, l.tag, l.want)
				})
			}
			for header, want := range map[string]i18n.Lang{"es-ES,es;q=0.9": "es", "de-AT": "de", "ja": "en"} {
				c := app.client()
				req, _ := http.NewRequest("GET", c.abs("/join/jt_unknownunknownunknown"), nil)
				req.Header.Set("Accept-Language", header)
				res, err := c.c.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				if res.StatusCode != http.StatusNotFound {
					t.Errorf("an unknown link: %d", res.StatusCode)
				}
				checkPageLanguage(t, "unknown link, "+header, parseHTML(t, res), want, "refused.unknown")
			}
		})
	}
}

// checkCandidateJourney walks one position's candidate pages in lang.
func checkCandidateJourney(t *testing.T, app *roomApp, owner *testClient, tenant, tag string, lang i18n.Lang) {
	pos := newPositionIn(owner, tag, "Go Backend", "Q1", "Q2")
	ids := []string{newInterviewVia(owner, pos, "Ada Lovelace", "ada@example.com"),
		newInterviewVia(owner, pos, "Ada Lovelace", "ada2@example.com")}
	link, revoked := joinLinkOf(owner, ids[0]), joinLinkOf(owner, ids[1])
	owner.postRedirect("/app/interviews/"+ids[1]+"/revoke", nil)
	text := hiring.ConsentIn(lang, "Acme", hiring.DefaultConsentTerms)

	cand := app.client()
	doc := cand.page(link, http.StatusOK)
	checkPageLanguage(t, "landing", doc, lang, "landing.title", "org", "Acme")
	if got := doc.Find(testID("consent-checkbox")).AttrOr("value", ""); got != text.Version {
		t.Errorf("landing: the consent box posts version %q, want %q", got, text.Version)
	}
	if got := scriptWords(t, doc); !maps.Equal(got, lang.Script("mic.", "meter.", "error.MIC_", "error.UNSUPPORTED")) || got["mic.stop"] == "" {
		t.Errorf("landing: the microphone check's words are %v", got)
	}

	forms := []struct {
		version, want string
	}{{"", "consent.err_none"}, {hiring.ConsentIn("de", "Acme", hiring.DefaultConsentTerms).Version, "consent.err_changed"}}
	if lang == "de" {
		forms[1].version = hiring.ConsentVersion
	}
	for _, f := range forms {
		res := cand.post(link, url.Values{"consent": {f.version}})
		doc := parseHTML(t, res)
		if got := doc.Find(testID("form-error-item")).Text(); res.StatusCode != http.StatusBadRequest || got != lang.T(f.want) {
			t.Errorf("consent %q: %d %q, want 400 %q", f.version, res.StatusCode, got, lang.T(f.want))
		}
		checkPageLanguage(t, "consent refused", doc, lang, "landing.title", "org", "Acme")
	}
	cand.postRedirect(link, url.Values{"consent": {text.Version}})
	if list := consents(t, roomFixture{app: app, tenant: tenant}, ids[0]); len(list) != 1 || list[0].TextVersion != text.Version {
		t.Errorf("stored consents %+v, want one to %s", list, text.Version)
	}

	doc = cand.page(link, http.StatusOK)
	if got := doc.Find(testID("consent-given")).Text(); got != lang.T("consent.given", "version", text.Version) {
		t.Errorf("landing after consent: %q", got)
	}
	checkPageLanguage(t, "landing after consent", doc, lang, "landing.title", "org", "Acme")

	doc = cand.page(link+"/room", http.StatusOK)
	checkPageLanguage(t, "room", doc, lang, "room.title", "position", "Go Backend")
	if got := scriptWords(t, doc); !maps.Equal(got, lang.Script()) {
		t.Errorf("room: the script's words are not the %s catalogue's", lang)
	}

	endInterview(t, roomFixture{app: app, tenant: tenant}, cand, ids[0])
	doc = cand.page(link+"/feedback", http.StatusOK)
	checkPageLanguage(t, "thank-you", doc, lang, "ended.title")
	if got := strings.TrimSpace(doc.Find(testID("room-next-steps")).Text()); got != lang.T("ended.next_default") {
		t.Errorf("thank-you: next steps %q", got)
	}
	res := cand.post(link+"/feedback", url.Values{"rating": {"9"}})
	doc = parseHTML(t, res)
	if got := doc.Find(testID("feedback-error")).Text(); res.StatusCode != http.StatusBadRequest || got != lang.T("ended.err_rating") {
		t.Errorf("a rating of 9: %d %q", res.StatusCode, got)
	}
	checkPageLanguage(t, "feedback refused", doc, lang, "ended.title")
	cand.postRedirect(link+"/feedback", url.Values{"rating": {"4"}})
	doc = cand.page(link+"/feedback", http.StatusOK)
	if got := doc.Find(testID("feedback-given")).Text(); got != lang.T("ended.given") {
		t.Errorf("after the feedback: %q", got)
	}
	checkPageLanguage(t, "feedback given", doc, lang, "ended.title")

	for _, r := range []struct{ link, title string }{{link, "refused.ended"}, {revoked, "refused.revoked"}} {
		res := app.client().get(r.link)
		if res.StatusCode != http.StatusGone {
			t.Errorf("%s: %d, want 410", r.title, res.StatusCode)
		}
		checkPageLanguage(t, r.title, parseHTML(t, res), lang, r.title)
	}
}

// newPositionIn creates a position whose interviews are in the language
// tag, and returns its ID.
func newPositionIn(c *testClient, tag, title string, questions ...string) string {
	c.t.Helper()
	loc := c.postRedirect("/app/positions/new", url.Values{
		"title": {title}, "description": {"Go, SQL, WebRTC."}, "instructions": {"Be kind."},
		"questions": {strings.Join(questions, "\n")}, "max_minutes": {"20"}, "language": {tag}, "voice": {"marin"},
	})
	return idFromLocation(c.t, loc, "positions")
}

// checkPageLanguage checks that a candidate page is in lang: its <html
// lang>, its title (the catalogue's titleKey), and, when lang is not
// English, no English word in its text.
func checkPageLanguage(t *testing.T, page string, doc *goquery.Document, lang i18n.Lang, titleKey string, pairs ...string) {
	t.Helper()
	if got := doc.Find("html").AttrOr("lang", ""); got != lang.Tag() {
		t.Errorf("%s: <html lang=%q>, want %q", page, got, lang)
	}
	if got, want := doc.Find("title").Text(), lang.T(titleKey, pairs...)+" · interviewd"; got != want {
		t.Errorf("%s: title %q, want %q", page, got, want)
	}
	if lang == i18n.English {
		return
	}
	if left := englishIn(visibleText(doc), lang); len(left) > 0 {
		t.Errorf("%s in %s: English left: %v", page, lang, left)
	}
}

// visibleText is what a reader meets on the page: the text of the body
// (noscript included) without the scripts' data, and the labels that
// assistive technology reads out.
func visibleText(doc *goquery.Document) string {
	body := doc.Find("body").Clone()
	body.Find("script").Remove()
	var b strings.Builder
	b.WriteString(body.Text())
	doc.Find("[aria-label], [title], [placeholder], [alt]").Each(func(_ int, s *goquery.Selection) {
		for _, a := range []string{"aria-label", "title", "placeholder", "alt"} {
			b.WriteString(" " + s.AttrOr(a, ""))
		}
	})
	// The parser reads noscript's content as raw text: drop its tags.
	return tagRE.ReplaceAllString(b.String(), " ")
}

// englishWords are common English words that any English sentence left
// on a page would contain, beside the English catalogue's own words.
var englishWords = strings.Fields(`the and you your this that with for are not has have what will can page
	link here from our was were please thank welcome interview start end time left`)

// namesOnPages are the words of the test's names and the product's, which
// every language shows as they are.
var namesOnPages = strings.Fields(`acme ada lovelace backend interviewd webrtc sql javascript chrome edge firefox safari`)

var (
	wordRE = regexp.MustCompile(`\p{L}+`)
	tagRE  = regexp.MustCompile(`<[^>]*>`)
)

// englishIn lists the English words in text that lang's catalogue does
// not also use (words the languages share, like "Interview" in German).
func englishIn(text string, lang i18n.Lang) []string {
	english, own := map[string]bool{}, map[string]bool{}
	for _, w := range englishWords {
		english[w] = true
	}
	for _, k := range i18n.Keys() {
		for _, w := range wordRE.FindAllString(strings.ToLower(i18n.English.T(k)), -1) {
			english[w] = true
		}
		for _, w := range wordRE.FindAllString(strings.ToLower(lang.T(k)), -1) {
			own[w] = true
		}
	}
	for _, w := range namesOnPages {
		own[w] = true
	}
	var left []string
	seen := map[string]bool{}
	for _, w := range wordRE.FindAllString(strings.ToLower(text), -1) {
		if len([]rune(w)) >= 3 && english[w] && !own[w] && !seen[w] {
			seen[w] = true
			left = append(left, w)
		}
	}
	return left
}

// scriptWords are the browser's words in a page's #candidate-text.
func scriptWords(t *testing.T, doc *goquery.Document) map[string]string {
	t.Helper()
	var words map[string]string
	if err := json.Unmarshal([]byte(doc.Find("#candidate-text").Text()), &words); err != nil {
		t.Fatalf("#candidate-text: %v", err)
	}
	return words
}
