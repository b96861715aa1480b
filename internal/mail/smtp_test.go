package mail_test

import (
	"strings"
	"testing"

	"github.com/interviewd/interviewd/internal/mail"
)

func TestParseURL(t *testing.T) {
	cases := []struct {
		raw      string
		addr     string
		implicit bool
		user     string
		pass     string
		err      string
	}{
		{"smtp://mail.example.com", "mail.example.com:587", false, "", "", ""},
		{"smtp://u%40x:p%3Aw@mail.example.com:2525", "mail.example.com:2525", false, "u@x", "p:w", ""},
		{"smtps://u:pw@mail.example.com", "mail.example.com:465", true, "u", "pw", ""},
		{"smtps://[::1]:1465", "[::1]:1465", true, "", "", ""},
		{"http://u:secret@mail.example.com", "", false, "", "", "scheme"},
		{"smtp://u:secret@", "", false, "", "", "no host"},
		{"smtp://u:secret@mail.example.com/x", "", false, "", "", "no path"},
		{"::", "", false, "", "", "not a valid URL"},
	}
	for _, tc := range cases {
		t.Run(tc.raw, func(t *testing.T) {
			s, err := mail.ParseURL(tc.raw)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) || strings.Contains(err.Error(), "secret") {
					t.Fatalf("ParseURL = %v, want an error with %q that hides the password", err, tc.err)
				}
				return
			}
			if err != nil || s.Addr != tc.addr || s.Implicit != tc.implicit || s.User != tc.user || s.Password != tc.pass {
				t.Errorf("ParseURL = %+v, %v; want %s implicit=%v %s:%s", s, err, tc.addr, tc.implicit, tc.user, tc.pass)
			}
		})
	}
}
