package store

import (
	"context"
	"strings"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
)

// The kinds of e-mail the outbox sends (docs/email.md).
const (
	MailInvitation     = "invitation"      // a candidate's invitation to an interview
	MailReminder       = "reminder"        // the one reminder before an interview's link expires
	MailTeamInvitation = "team_invitation" // an invitation to join the organisation
)

// The statuses of an outbox message.
const (
	MailPending = "pending" // waiting for its next attempt
	MailSent    = "sent"    // accepted by the SMTP server
	MailFailed  = "failed"  // given up on; LastError says why
)

// Mail is one message of the e-mail outbox. The message itself is built
// when it is sent, from the rows it names, so that it carries the current
// join link and names.
type Mail struct {
	ID           string
	TenantID     string
	Kind         string // MailInvitation, MailReminder or MailTeamInvitation
	InterviewID  string // invitations and reminders
	InvitationID string // team invitations
	To           string // the recipient's address
	// Link is a team invitation's link, which the database keeps only as
	// a hash elsewhere: a credential, held here while the message is
	// pending and erased when it is settled. Empty for the other kinds
	// (their link is derived from the interview) and through As.
	Link        string
	Status      string // MailPending, MailSent or MailFailed
	Attempts    int
	NextAttempt time.Time
	LastError   string
	CreatedAt   time.Time
	SentAt      *time.Time
}

// MailAttempt is the outcome of one attempt at sending a message: sent,
// due again at Retry, or failed for good when Retry is zero.
type MailAttempt struct {
	At    time.Time
	Sent  bool
	Retry time.Time
	Error string
}

// ReminderDue reports whether an interview whose invitation was sent at
// sentAt, and whose link expires at expires, gets a reminder when
// reminders go out before ahead of expiry: only when the invitation went
// out before the reminder's window opened, so that a short-lived link is
// not followed by its reminder at once.
func ReminderDue(sentAt, expires time.Time, before time.Duration) bool {
	return !sentAt.Add(before).After(expires)
}

// Mails is the e-mail outbox. The sender's methods (claim, attempt,
// reminders) work across tenants on the privileged path; through As on
// PostgreSQL they are ErrForbidden.
type Mails interface {
	// EnqueueMail stores m as a pending message due at m.NextAttempt (now
	// when zero), filling ID and CreatedAt. Its interview (invitations,
	// reminders) or invitation (team invitations) must be in m.TenantID,
	// or ErrNotFound; ErrInvalid for an unknown kind or an empty To.
	EnqueueMail(ctx context.Context, m *Mail) error
	// EnqueueMailReminders enqueues, for every tenant, one reminder (due
	// at now) for each pending or ready interview whose link is not
	// revoked and expires in (now, now+before], that had an invitation
	// sent (see ReminderDue) and has no reminder yet; it returns how many.
	// An interview gets at most one reminder, ever.
	EnqueueMailReminders(ctx context.Context, now time.Time, before time.Duration) (int, error)
	// ClaimMail returns up to limit (0: a default) pending messages of
	// every tenant due at now, most overdue first, and moves each one's
	// NextAttempt to now+lease, so that no other sender takes it
	// meanwhile.
	ClaimMail(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]Mail, error)
	// RecordMailAttempt stores the outcome of one attempt at a pending
	// message; Attempts grows by one and a settled message loses its
	// Link. ErrConflict if it is no longer pending, ErrNotFound if it is
	// not in tenantID.
	RecordMailAttempt(ctx context.Context, tenantID, id string, a MailAttempt) error
	// ListInterviewMail returns the messages about an interview (its
	// invitations and reminder), oldest first, without links.
	ListInterviewMail(ctx context.Context, tenantID, interviewID string) ([]Mail, error)
	// DeleteSettledMail deletes, for every tenant, the messages sent or
	// failed that were created before before, except those about an
	// interview that has not ended (they decide its reminder); it returns
	// how many. Housekeeping, on the privileged path.
	DeleteSettledMail(ctx context.Context, before time.Time) (int64, error)
}

// DeleteSettledMailQuery is DeleteSettledMail's statement in both
// dialects, before being the placeholder. The open statuses come from
// interview.Status, so that the SQL follows the Go.
func DeleteSettledMailQuery(before string) string {
	var open []string
	for _, st := range interview.Statuses {
		if st.Open() {
			open = append(open, "'"+string(st)+"'")
		}
	}
	return `DELETE FROM mail_outbox
		WHERE status IN ('sent', 'failed') AND created_at < ` + before + `
			AND NOT EXISTS (SELECT 1 FROM interview_sessions s
				WHERE s.tenant_id = mail_outbox.tenant_id AND s.id = mail_outbox.interview_id
					AND s.status IN (` + strings.Join(open, ", ") + `))`
}

// PrepareMail checks a message before it is stored and brings its times
// to the stored precision: a known kind, a recipient, and the one parent
// its kind names.
func PrepareMail(m *Mail) error {
	switch {
	case m.To == "":
		return interview.Errorf(interview.CodeInvalid, "the message has no recipient")
	case m.Kind == MailTeamInvitation && (m.InvitationID == "" || m.InterviewID != "" || m.Link == ""):
		return interview.Errorf(interview.CodeInvalid, "a team invitation names its invitation and link only")
	case (m.Kind == MailInvitation || m.Kind == MailReminder) && (m.InterviewID == "" || m.InvitationID != "" || m.Link != ""):
		return interview.Errorf(interview.CodeInvalid, "an interview's message names its interview only")
	case m.Kind != MailTeamInvitation && m.Kind != MailInvitation && m.Kind != MailReminder:
		return interview.Errorf(interview.CodeInvalid, "unknown kind of message %q", m.Kind)
	}
	m.Status, m.Attempts, m.LastError, m.SentAt = MailPending, 0, "", nil
	m.NextAttempt = m.NextAttempt.UTC().Truncate(time.Microsecond)
	m.CreatedAt = m.CreatedAt.UTC().Truncate(time.Microsecond)
	return nil
}

// Outcome is what an attempt makes of a pending message: its status, its
// next attempt (nil: unchanged) and its sending time (nil: none).
func (a MailAttempt) Outcome() (status string, next, sent *time.Time) {
	at := a.At.UTC().Truncate(time.Microsecond)
	switch {
	case a.Sent:
		return MailSent, nil, &at
	case a.Retry.IsZero():
		return MailFailed, nil, nil
	}
	retry := a.Retry.UTC().Truncate(time.Microsecond)
	return MailPending, &retry, nil
}

// ReminderCandidate is an interview that may get a reminder: what
// ReminderQuery reads.
type ReminderCandidate struct {
	TenantID    string
	InterviewID string
	To          string    // the candidate's address
	Expires     time.Time // when the join link expires
	SentAt      time.Time // when its latest invitation was sent
}

// ReminderQuery is the SQL, in both dialects, that reads the interviews
// whose link expires in (from, to] (the placeholders) and that may get a
// reminder, as ReminderCandidate's columns: pending or ready, link not
// revoked, an invitation sent, no reminder yet.
func ReminderQuery(from, to string) string {
	return `SELECT s.tenant_id, s.id, c.email, s.join_expires_at, max(m.sent_at)
		FROM interview_sessions s
		JOIN candidates c ON c.tenant_id = s.tenant_id AND c.id = s.candidate_id
		JOIN mail_outbox m ON m.tenant_id = s.tenant_id AND m.interview_id = s.id
			AND m.kind = 'invitation' AND m.status = 'sent'
		WHERE s.status IN ('pending', 'ready') AND s.join_revoked_at IS NULL
			AND s.join_expires_at > ` + from + ` AND s.join_expires_at <= ` + to + `
			AND c.email <> ''
			AND NOT EXISTS (SELECT 1 FROM mail_outbox r
				WHERE r.interview_id = s.id AND r.kind = 'reminder')
		GROUP BY s.tenant_id, s.id, c.email, s.join_expires_at`
}

// DueReminders keeps the candidates that ReminderDue admits.
func DueReminders(list []ReminderCandidate, before time.Duration) []ReminderCandidate {
	var due []ReminderCandidate
	for _, r := range list {
		if ReminderDue(r.SentAt, r.Expires, before) {
			due = append(due, r)
		}
	}
	return due
}

// ErrMailSettled is RecordMailAttempt's answer for a message that is no
// longer pending.
var ErrMailSettled = interview.Errorf(interview.CodeConflict, "the message is no longer pending")
