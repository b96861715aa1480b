package templates

import "time"

// MailView is the e-mail part of the interview page: the Send button when
// e-mail is on, and the messages in the timeline.
type MailView struct {
	On    bool // SMTP_URL is set
	Lines []MailLine
}

// MailLine is one message about the interview.
type MailLine struct {
	Kind   string // store.MailInvitation or store.MailReminder
	To     string
	Status string // pending, sent or failed
	At     time.Time
	SentAt *time.Time
	Error  string
}

// mailLabel is a message's timeline line, e.g. "Invitation sent to ada@…".
func mailLabel(m MailLine) string {
	what := "Invitation"
	if m.Kind == "reminder" {
		what = "Reminder"
	}
	switch m.Status {
	case "sent":
		return what + " sent to " + m.To
	case "failed":
		return what + " to " + m.To + " failed: " + m.Error
	}
	if m.Error != "" {
		return what + " to " + m.To + " queued, retrying after: " + m.Error
	}
	return what + " to " + m.To + " queued"
}

// mailTime is when a message's timeline line happened.
func mailTime(m MailLine) time.Time {
	if m.SentAt != nil {
		return *m.SentAt
	}
	return m.At
}
