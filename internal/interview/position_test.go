package interview

import (
	"errors"
	"testing"
)

// TestPositionLanguage takes well-formed BCP 47 tags, stores their
// canonical form, and refuses anything else.
func TestPositionLanguage(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "en", "en"},
		{"region", "en-GB", "en-GB"},
		{"case and underscore", "EN_gb", "en-GB"},
		{"script", "zh-hant-tw", "zh-Hant-TW"},
		{"deprecated code", "iw", "he"},
		{"empty takes the default", "", DefaultLanguage},
		{"not a tag", "english", ""},
		{"trailing dash", "en-", ""},
		{"digits", "123", ""},
		{"repeated region", "en-GB-GB", ""},
		{"undetermined", "und", ""},
		{"private use only", "x-klingon", ""},
		{"control character", "en\x00", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := Position{Title: "Engineer", Language: tt.in}
			p.Normalize()
			err := p.Validate()
			if tt.want == "" {
				if !errors.Is(err, ErrInvalid) {
					t.Fatalf("language %q: got %v, want invalid", tt.in, err)
				}
				return
			}
			if err != nil || p.Language != tt.want {
				t.Errorf("language %q: got %q, %v; want %q", tt.in, p.Language, err, tt.want)
			}
		})
	}
}

func TestLanguageName(t *testing.T) {
	for _, c := range []struct {
		tag  string
		self bool
		want string
	}{
		{"en", false, "English"},
		{"es", false, "Spanish"},
		{"pt-BR", false, "Brazilian Portuguese"},
		{"es", true, "español"},
		{"fr", true, "français"},
		{"de", true, "Deutsch"},
		{"not a tag", false, "not a tag"},
	} {
		if got := LanguageName(c.tag, c.self); got != c.want {
			t.Errorf("LanguageName(%q, %v) = %q, want %q", c.tag, c.self, got, c.want)
		}
	}
}
