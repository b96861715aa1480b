package web

import "testing"

func TestPrefersJSON(t *testing.T) {
	tests := []struct {
		accept string
		want   bool
	}{
		{"", false},
		{"*/*", false},
		{"text/html", false},
		{"application/json", true},
		{"application/json, text/plain, */*", true},
		{"application/json, text/html", false},
		{"text/html;q=0.5, application/json", true},
		{"application/json;q=0.5, text/html", false},
		{"application/json;q=0", false},
		{"application/*", true},
		{"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", false},
		{"garbage;;;", false},
		{"APPLICATION/JSON", true},
	}
	for _, tt := range tests {
		t.Run(tt.accept, func(t *testing.T) {
			if got := prefersJSON(tt.accept); got != tt.want {
				t.Errorf("prefersJSON(%q) = %v, want %v", tt.accept, got, tt.want)
			}
		})
	}
}
