package config

import (
	"fmt"
	netmail "net/mail"
	"time"

	"github.com/interviewd/interviewd/internal/mail"
)

// DefaultMailReminderBefore is how long before a join link expires its
// reminder goes out.
const DefaultMailReminderBefore = mail.DefaultReminderBefore

// MailConfig is the e-mail part of Config (docs/email.md).
type MailConfig struct {
	// SMTP is SMTP_URL parsed; SMTPSet says SMTP_URL was given (e-mail
	// is on). Without it, links are shown to copy and nothing is sent.
	SMTP    mail.Server
	SMTPSet bool
	// From is MAIL_FROM, required with SMTP_URL.
	From netmail.Address
	// ReminderBefore is MAIL_REMINDER_BEFORE.
	ReminderBefore time.Duration
}

// loadMail reads SMTP_URL, MAIL_FROM and MAIL_REMINDER_BEFORE.
func (c *Config) loadMail(env func(name, def string) string) error {
	raw, from := env("SMTP_URL", ""), env("MAIL_FROM", "")
	var err error
	if c.Mail.ReminderBefore, err = duration("MAIL_REMINDER_BEFORE", env("MAIL_REMINDER_BEFORE", ""), DefaultMailReminderBefore); err != nil {
		return err
	}
	if raw == "" {
		if from != "" {
			return fmt.Errorf("SMTP_URL: must be set when MAIL_FROM is")
		}
		return nil
	}
	if c.Mail.SMTP, err = mail.ParseURL(raw); err != nil {
		return fmt.Errorf("SMTP_URL: %w", err)
	}
	c.Mail.SMTPSet = true
	if from == "" {
		return fmt.Errorf("MAIL_FROM: required when SMTP_URL is set (e.g. interviewd <noreply@example.com>)")
	}
	a, err := netmail.ParseAddress(from)
	if err != nil {
		return fmt.Errorf("MAIL_FROM: %q is not an e-mail address", from)
	}
	c.Mail.From = *a
	return nil
}
