package config

import (
	"strings"
	"testing"

	"github.com/interviewd/interviewd/internal/interview"
)

// TestSignUpPolicy checks SIGNUP: first by default, the three values read
// in any case, and anything else refused in one line naming the variable.
func TestSignUpPolicy(t *testing.T) {
	cases := []struct {
		name, value string
		want        interview.SignUpPolicy
	}{
		{"default", "", interview.SignUpFirst},
		{"first", "first", interview.SignUpFirst},
		{"open", "open", interview.SignUpOpen},
		{"closed upper case", "CLOSED", interview.SignUpClosed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := Load(envOf(map[string]string{"SIGNUP": c.value}))
			if err != nil {
				t.Fatal(err)
			}
			if cfg.SignUp != c.want {
				t.Errorf("SignUp = %q, want %q", cfg.SignUp, c.want)
			}
		})
	}
	for _, bad := range []string{"yes", "true", "invite"} {
		_, err := Load(envOf(map[string]string{"SIGNUP": bad}))
		if err == nil || !strings.HasPrefix(err.Error(), "SIGNUP: ") || strings.Contains(err.Error(), "\n") {
			t.Errorf("SIGNUP=%s: error %v, want one line starting SIGNUP:", bad, err)
		}
	}
}
