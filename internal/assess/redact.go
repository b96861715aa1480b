package assess

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Redactor hides a candidate's identity from the model: it replaces their
// email with "[email]" and each part of their name of two letters or more,
// as a whole word in any case, with "[name]".
type Redactor struct {
	email string
	parts map[string]bool // lower case
}

// NewRedactor returns the Redactor of a candidate.
func NewRedactor(name, email string) Redactor {
	r := Redactor{email: strings.TrimSpace(email), parts: map[string]bool{}}
	for _, w := range words(name) {
		if letters(w) >= 2 {
			r.parts[strings.ToLower(w)] = true
		}
	}
	return r
}

// Redact returns s with the candidate's email and name parts replaced.
func (r Redactor) Redact(s string) string {
	if r.email != "" {
		s = replaceFold(s, r.email, "[email]")
	}
	if len(r.parts) == 0 {
		return s
	}
	var b strings.Builder
	for s != "" {
		i := strings.IndexFunc(s, isWordRune)
		if i < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:i])
		s = s[i:]
		j := strings.IndexFunc(s, func(c rune) bool { return !isWordRune(c) })
		if j < 0 {
			j = len(s)
		}
		if w := s[:j]; r.parts[strings.ToLower(w)] {
			b.WriteString("[name]")
		} else {
			b.WriteString(w)
		}
		s = s[j:]
	}
	return b.String()
}

func isWordRune(c rune) bool {
	return unicode.IsLetter(c) || unicode.IsDigit(c) || unicode.Is(unicode.Mn, c)
}

// words splits s into its runs of letters and digits.
func words(s string) []string {
	return strings.FieldsFunc(s, func(c rune) bool { return !isWordRune(c) })
}

func letters(w string) int {
	n := 0
	for _, c := range w {
		if unicode.IsLetter(c) {
			n++
		}
	}
	return n
}

// replaceFold replaces every occurrence of old in s, ignoring case, with
// repl.
func replaceFold(s, old, repl string) string {
	if old == "" {
		return s
	}
	var b strings.Builder
	for {
		i := indexFold(s, old)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		b.WriteString(repl)
		s = s[i+matchLen(s[i:], old):]
	}
}

// indexFold is strings.Index ignoring case; it returns the byte offset in s.
func indexFold(s, sub string) int {
	for i := range s {
		if matchLen(s[i:], sub) > 0 {
			return i
		}
	}
	return -1
}

// matchLen reports how many bytes of the start of s equal sub ignoring
// case, or 0 when s does not start with sub.
func matchLen(s, sub string) int {
	n := 0
	for _, want := range sub {
		got, size := utf8.DecodeRuneInString(s[n:])
		if size == 0 || (got != want && unicode.ToLower(got) != unicode.ToLower(want)) {
			return 0
		}
		n += size
	}
	return n
}
