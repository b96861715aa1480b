package speech

import (
	"math"
	"testing"
)

func TestWER(t *testing.T) {
	tests := []struct {
		name, ref, hyp string
		want           float64
	}{
		{"identical", "I built a compiler.", "i built a compiler", 0},
		{"one substitution", "I built a compiler", "I dealt a compiler", 0.25},
		{"one deletion", "I built a compiler", "I built compiler", 0.25},
		{"one insertion", "I built a compiler", "I built a tiny compiler", 0.25},
		{"everything wrong", "yes", "no no", 2},
		{"empty hypothesis", "two words", "", 1},
		{"empty reference", "", "", 0},
		{"noise against nothing", "", "uh", 1},
		{"punctuation and case", "Don't STOP, now!", "don't stop now", 0},
		{"the measured sentence", "I want to work with you because your team builds products that people use every day.",
			"i want to work with you because your team builds on it's that people use every day", 2.0 / 16},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := WER(tt.ref, tt.hyp); math.Abs(got-tt.want) > 1e-9 {
				t.Errorf("WER(%q, %q) = %.4f, want %.4f", tt.ref, tt.hyp, got, tt.want)
			}
		})
	}
}
