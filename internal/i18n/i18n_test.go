package i18n

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

// sameInEnglish are the texts a translation may leave as English writes
// them: words the languages share.
var sameInEnglish = map[string]bool{
	"Interview": true, "Organisation": true, "Interviewer": true, "System": true, "optional": true,
	"excellent": true, "5 – excellent": true,
}

var placeholder = regexp.MustCompile(`\{[a-z]+\}`)

// TestCatalogueComplete: every language has every key English has, no key
// English lacks, the same placeholders in each text, and no text left in
// English.
func TestCatalogueComplete(t *testing.T) {
	if got := Languages(); !slices.Equal(got, []Lang{"en", "de", "es", "fr", "pt"}) {
		t.Fatalf("Languages() = %v, want en first, then de es fr pt", got)
	}
	for _, l := range Languages()[1:] {
		words := catalogues[l]
		for key, en := range english {
			text, ok := words[key]
			switch {
			case !ok:
				t.Errorf("%s: %q is missing", l, key)
			case strings.TrimSpace(text) == "":
				t.Errorf("%s: %q is empty", l, key)
			case text == en && !sameInEnglish[en]:
				t.Errorf("%s: %q is still English: %q", l, key, text)
			}
			if want, got := placeholders(en), placeholders(text); ok && !slices.Equal(want, got) {
				t.Errorf("%s: %q has placeholders %v, English %v", l, key, got, want)
			}
		}
		for key := range words {
			if _, ok := english[key]; !ok {
				t.Errorf("%s: %q is not an English key", l, key)
			}
		}
	}
}

func placeholders(s string) []string {
	p := placeholder.FindAllString(s, -1)
	slices.Sort(p)
	return p
}

// TestIdleNamesStartButton: the room's first words tell the candidate to
// press the Start button by its label, so the two must agree.
func TestIdleNamesStartButton(t *testing.T) {
	for _, l := range Languages() {
		if idle, start := l.T("js.state.idle"), l.T("room.start"); !strings.Contains(idle, start) {
			t.Errorf("%s: %q does not name the button %q", l, idle, start)
		}
	}
}

func TestFor(t *testing.T) {
	for tag, want := range map[string]Lang{
		"en": "en", "en-GB": "en", "es": "es", "es-MX": "es", "pt-BR": "pt", "pt-PT": "pt",
		"fr-CA": "fr", "de-CH": "de", "ja": "en", "nl-BE": "en", "": "en", "not a tag": "en",
	} {
		if got := For(tag); got != want {
			t.Errorf("For(%q) = %q, want %q", tag, got, want)
		}
	}
}

func TestMatch(t *testing.T) {
	for header, want := range map[string]Lang{
		"":                        "en",
		"es-MX,es;q=0.9,en;q=0.8": "es",
		"ja,de;q=0.7":             "de",
		"en-US,fr;q=0.5":          "en",
		"nl,ja":                   "en",
		";;;garbage":              "en",
		"pt-BR;q=0.9,fr;q=1":      "fr",
	} {
		if got := Match(header); got != want {
			t.Errorf("Match(%q) = %q, want %q", header, got, want)
		}
	}
}

func TestT(t *testing.T) {
	if got := Lang("es").T("landing.title", "org", "Acme"); got != "Su entrevista con Acme" {
		t.Errorf("T = %q", got)
	}
	if got := Lang("de").T("js.progress", "n", "2", "total", "5"); got != "Frage 2 von 5" {
		t.Errorf("T = %q", got)
	}
	if got := Lang("xx").T("room.start"); got != english["room.start"] {
		t.Errorf("an unknown language gives %q, want the English", got)
	}
	if got := English.T("no.such.key"); got != "no.such.key" {
		t.Errorf("an unknown key gives %q, want the key", got)
	}
}

func TestScript(t *testing.T) {
	s := Lang("fr").Script()
	if s["state.live"] != french["js.state.live"] || s["mic.start"] != french["js.mic.start"] {
		t.Errorf("Script lacks the browser's words: %v", s["state.live"])
	}
	if _, ok := s["room.start"]; ok || len(s) == 0 {
		t.Errorf("Script has %d words, and must hold only the js. keys", len(s))
	}
	n := 0
	for k := range english {
		if strings.HasPrefix(k, "js.") {
			n++
		}
	}
	if len(s) != n {
		t.Errorf("Script has %d words, English %d js. keys", len(s), n)
	}
	mic := Lang("fr").Script("mic.", "error.MIC_")
	if len(mic) != 8 || mic["mic.stop"] != french["js.mic.stop"] || mic["error.MIC_BUSY"] != french["js.error.MIC_BUSY"] {
		t.Errorf("Script(mic., error.MIC_) = %v, want the 5 mic. and 3 error.MIC_ words", mic)
	}
}

// FuzzLanguage: any Accept-Language header or position tag, which come
// from outside, gives a language with a catalogue, without panicking.
func FuzzLanguage(f *testing.F) {
	for _, s := range []string{"", "es-MX,es;q=0.9", "pt-BR", "*", "en;q=x", "zh-Hant-TW;q=0.1, de", ";;;"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, l := range []Lang{Match(s), For(s)} {
			if catalogues[l] == nil {
				t.Fatalf("%q gives %q, which has no catalogue", s, l)
			}
		}
	})
}
