package interview

import (
	"errors"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestCheckText(t *testing.T) {
	cases := []struct {
		name, field, text string
		ok                bool
	}{
		{"plain", "title", "Backend engineer", true},
		{"tab", "title", "a\tb", true},
		{"unicode", "name", "Zoë 李", true},
		{"NUL", "title", "a\x00b", false},
		{"SOH", "title", "a\x01b", false},
		{"DEL", "title", "a\x7fb", false},
		{"C1", "title", "a\u0085b", false},
		{"line separator", "title", "a\u2028b", false},
		{"invalid UTF-8", "title", "a\xffb", false},
		{"LF in one line", "title", "a\nb", false},
		{"CRLF in one line", "name", "a\r\nb", false},
		{"LF in many lines", "description", "a\nb", true},
		{"CRLF in many lines", "instructions", "a\r\nb", true},
		{"lone CR in many lines", "description", "a\rb", false},
		{"nested multi-line", "position.description", "a\nb", true},
		{"an API question", "questions[0]", "a\nb", false},
		{"the form's questions", "questions", "a\nb", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := CheckText(c.field, c.text)
			if (err == nil) != c.ok {
				t.Fatalf("CheckText(%q, %q) = %v, want ok %v", c.field, c.text, err, c.ok)
			}
			if err == nil {
				return
			}
			if FieldOf(err) != c.field || ErrorCode(err) != CodeInvalid || !errors.Is(err, ErrInvalid) {
				t.Errorf("error %v: field %q code %s, want field %q and %s", err, FieldOf(err), ErrorCode(err), c.field, CodeInvalid)
			}
			if !strings.Contains(err.Error(), `"`+c.field+`"`) {
				t.Errorf("message %q does not name %q", err, c.field)
			}
		})
	}
}

// FuzzCheckText: what CheckText accepts is valid UTF-8 with no control
// character but a tab, and line breaks only in a multi-line field; what it
// refuses is a client error naming the field, without the value.
func FuzzCheckText(f *testing.F) {
	for _, s := range []string{"", "a", "a\x00", "\xff", "a\nb", "a\r\nb", "a\rb", "\t", "\u2028", "\u0085", "Zoë"} {
		f.Add("title", s)
		f.Add("description", s)
	}
	f.Fuzz(func(t *testing.T, field, s string) {
		err := CheckText(field, s)
		if err != nil {
			if FieldOf(err) != field || ErrorCode(err) != CodeInvalid {
				t.Fatalf("CheckText(%q, %q) = %v: not a client error naming the field", field, s, err)
			}
			if len(s) > 4 && !strings.Contains(field, s) && strings.Contains(err.Error(), s) {
				t.Fatalf("the message %q repeats the value", err)
			}
			return
		}
		if !utf8.ValidString(s) {
			t.Fatalf("accepted invalid UTF-8 %q", s)
		}
		for i, r := range s {
			multiBreak := MultiLine(field) && (r == '\n' || r == '\r' && strings.HasPrefix(s[i+1:], "\n"))
			if unicode.IsControl(r) && r != '\t' && !multiBreak {
				t.Fatalf("field %q accepted %q with %U", field, s, r)
			}
		}
	})
}
