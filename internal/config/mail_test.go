package config

import (
	"strings"
	"testing"
	"time"
)

func TestMailConfig(t *testing.T) {
	cases := []struct {
		name string
		env  map[string]string
		on   bool
		err  string
	}{
		{"off", nil, false, ""},
		{"on", map[string]string{"SMTP_URL": "smtps://u:secret@mail.example.com", "MAIL_FROM": "Hiring <noreply@example.com>"}, true, ""},
		{"from without url", map[string]string{"MAIL_FROM": "noreply@example.com"}, false, "SMTP_URL: must be set"},
		{"url without from", map[string]string{"SMTP_URL": "smtp://mail.example.com"}, false, "MAIL_FROM: required"},
		{"bad url", map[string]string{"SMTP_URL": "imap://u:secret@mail.example.com", "MAIL_FROM": "a@example.com"}, false, "SMTP_URL: scheme"},
		{"bad from", map[string]string{"SMTP_URL": "smtp://mail.example.com", "MAIL_FROM": "nobody"}, false, "MAIL_FROM:"},
		{"bad reminder", map[string]string{"MAIL_REMINDER_BEFORE": "soon"}, false, "MAIL_REMINDER_BEFORE:"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Load(func(k string) (string, bool) { v, ok := tc.env[k]; return v, ok })
			if tc.err != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tc.err) || strings.Contains(err.Error(), "secret") {
					t.Fatalf("Load = %v, want %q without the password", err, tc.err)
				}
				return
			}
			if err != nil || c.Mail.SMTPSet != tc.on || c.Mail.ReminderBefore != 24*time.Hour {
				t.Fatalf("Load = %+v, %v; want mail on=%v, reminders 24h before", c.Mail, err, tc.on)
			}
			if tc.on && (c.Mail.SMTP.Addr != "mail.example.com:465" || c.Mail.From.Address != "noreply@example.com" || c.Mail.From.Name != "Hiring") {
				t.Errorf("mail config %+v", c.Mail)
			}
		})
	}
}
