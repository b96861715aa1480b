// Package i18n holds the words of the candidate's pages (landing, consent,
// microphone check, room, thank-you, refused links) in the languages they
// are written in, keyed by language and message key. A position's
// language picks the catalogue: a regional tag (es-MX, pt-BR) uses its base
// language, and any language without a catalogue uses English; the
// interviewer still speaks the position's language.
//
// Texts carry named placeholders, {org}, {n}, which T fills. Keys under
// "js." are the browser's: Script hands them to the page's JSON data.
package i18n

import (
	"maps"
	"slices"
	"strings"

	"golang.org/x/text/language"
)

// Lang is a language the candidate's pages are written in, as its base
// BCP 47 tag ("en", "es").
type Lang string

// English is the catalogue every other one translates, and the fallback.
const English Lang = "en"

// catalogues is every language's words; English is complete by definition
// and TestCatalogueComplete holds the others to it. Read-only.
var catalogues = map[Lang]map[string]string{
	English: english,
	"es":    spanish,
	"fr":    french,
	"de":    german,
	"pt":    portuguese,
}

// Languages lists the languages with a catalogue, English first.
func Languages() []Lang {
	out := []Lang{English}
	for _, l := range slices.Sorted(maps.Keys(catalogues)) {
		if l != English {
			out = append(out, l)
		}
	}
	return out
}

// For is the language of the pages for a position's language tag: its
// base language when there is a catalogue for it, else English.
func For(tag string) Lang {
	t, err := language.Parse(tag)
	if err != nil {
		return English
	}
	base, _ := t.Base()
	if l := Lang(base.String()); catalogues[l] != nil {
		return l
	}
	return English
}

// Match is the language of the pages for an Accept-Language header, for
// a page that knows no position (a link that opens nothing): the
// browser's first language with a catalogue, else English.
func Match(acceptLanguage string) Lang {
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil {
		return English
	}
	for _, t := range tags {
		if l := For(t.String()); l != English || strings.HasPrefix(t.String(), "en") {
			return l
		}
	}
	return English
}

// Keys lists every message key, sorted.
func Keys() []string { return slices.Sorted(maps.Keys(english)) }

// Tag is the language's tag for <html lang>.
func (l Lang) Tag() string { return string(l) }

// T is the text of key in l, with each placeholder {name} of the pairs
// name, value filled in. A key missing in l falls back to English, and an
// unknown key is returned as it is, so that a slip shows instead of
// vanishing (TestCatalogueComplete keeps both from happening).
func (l Lang) T(key string, pairs ...string) string {
	text, ok := catalogues[l][key]
	if !ok {
		if text, ok = english[key]; !ok {
			return key
		}
	}
	for i := 0; i+1 < len(pairs); i += 2 {
		text = strings.ReplaceAll(text, "{"+pairs[i]+"}", pairs[i+1])
	}
	return text
}

// Script is the browser's words (the keys under "js.", without the
// prefix), for the page's JSON data: room.js, miccheck.js and presence.js
// read them there instead of fetching them. With prefixes, only the words
// whose key (after "js.") starts with one of them: a page sends what its
// scripts say.
func (l Lang) Script(prefixes ...string) map[string]string {
	out := make(map[string]string)
	for k := range english {
		rest, ok := strings.CutPrefix(k, "js.")
		if ok && (len(prefixes) == 0 || slices.ContainsFunc(prefixes, func(p string) bool { return strings.HasPrefix(rest, p) })) {
			out[rest] = l.T(k)
		}
	}
	return out
}
