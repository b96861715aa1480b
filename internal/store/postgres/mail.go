package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

const mailCols = `m.id, m.tenant_id, m.kind, coalesce(m.interview_id::text, ''),
	coalesce(m.invitation_id::text, ''), m.recipient, m.link, m.status, m.attempts,
	m.next_attempt_at, m.last_error, m.created_at, m.sent_at`

func mailDest(m *store.Mail) []any {
	return []any{&m.ID, &m.TenantID, &m.Kind, &m.InterviewID, &m.InvitationID, &m.To, &m.Link,
		&m.Status, &m.Attempts, &m.NextAttempt, &m.LastError, &m.CreatedAt, &m.SentAt}
}

// mailSender refuses the sender's methods through As: they work across
// tenants, and the authenticated role may not write the outbox at all.
func (s *Store) mailSender() error {
	if s.claims != "" {
		return interview.Errorf(interview.CodeForbidden, "mail is sent on the privileged path only")
	}
	return nil
}

// EnqueueMail stores m as a pending message; its interview or invitation
// must be in m.TenantID (the INSERT … SELECT writes nothing otherwise).
// Privileged path only: members may not write the outbox.
func (s *Store) EnqueueMail(ctx context.Context, m *store.Mail) error {
	if err := s.mailSender(); err != nil {
		return fmt.Errorf("enqueue mail: %w", err)
	}
	if err := store.PrepareMail(m); err != nil {
		return err
	}
	fillID(&m.ID)
	fillTime(&m.CreatedAt, now())
	fillTime(&m.NextAttempt, m.CreatedAt)
	parent, parentID := "interview_sessions", m.InterviewID
	if m.Kind == store.MailTeamInvitation {
		parent, parentID = "invitations", m.InvitationID
	}
	err := affected(s.q().Exec(ctx, `INSERT INTO mail_outbox (id, tenant_id, kind,
			interview_id, invitation_id, recipient, link, status, next_attempt_at, created_at)
		SELECT $1, $2, $3, $4, $5, $6, $7, 'pending', $8, $9 FROM `+parent+`
		WHERE tenant_id = $2 AND id = $10`,
		m.ID, m.TenantID, m.Kind, nullString(m.InterviewID), nullString(m.InvitationID), m.To, m.Link,
		m.NextAttempt, m.CreatedAt, parentID))
	if err != nil {
		return fmt.Errorf("enqueue mail %s: %w", m.ID, err)
	}
	return nil
}

// EnqueueMailReminders enqueues the reminders that are due at now; the
// unique index on reminders keeps each interview to one, whoever enqueues.
func (s *Store) EnqueueMailReminders(ctx context.Context, at time.Time, before time.Duration) (int, error) {
	if err := s.mailSender(); err != nil {
		return 0, fmt.Errorf("enqueue mail reminders: %w", err)
	}
	at = at.UTC().Truncate(time.Microsecond)
	rows, err := s.q().Query(ctx, store.ReminderQuery("$1", "$2"), at, at.Add(before))
	due, err := collect(rows, err, func(r pgx.Rows, c *store.ReminderCandidate) error {
		return r.Scan(&c.TenantID, &c.InterviewID, &c.To, &c.Expires, &c.SentAt)
	})
	if err != nil {
		return 0, fmt.Errorf("enqueue mail reminders: %w", err)
	}
	n := 0
	for _, r := range store.DueReminders(due, before) {
		tag, err := s.q().Exec(ctx, `INSERT INTO mail_outbox (tenant_id, kind, interview_id,
				recipient, status, next_attempt_at, created_at)
			VALUES ($1, 'reminder', $2, $3, 'pending', $4, $4) ON CONFLICT DO NOTHING`,
			r.TenantID, r.InterviewID, r.To, at)
		if err != nil {
			return n, fmt.Errorf("enqueue mail reminder %s: %w", r.InterviewID, dbErr(err))
		}
		n += int(tag.RowsAffected())
	}
	return n, nil
}

// ClaimMail leases up to limit due messages of every tenant to the
// caller. FOR UPDATE SKIP LOCKED lets concurrent senders each take other
// rows instead of waiting for, or taking, the same ones.
func (s *Store) ClaimMail(ctx context.Context, at time.Time, lease time.Duration, limit int) ([]store.Mail, error) {
	if err := s.mailSender(); err != nil {
		return nil, fmt.Errorf("claim mail: %w", err)
	}
	at = at.UTC().Truncate(time.Microsecond)
	rows, err := s.q().Query(ctx, `WITH m AS (`+claimPending("mail_outbox")+`)
		SELECT `+mailCols+` FROM m ORDER BY m.created_at, m.id`, at, at.Add(max(lease, 0)), listLimit(limit))
	list, err := collect(rows, err, func(r pgx.Rows, m *store.Mail) error { return r.Scan(mailDest(m)...) })
	if err != nil {
		return nil, fmt.Errorf("claim mail: %w", err)
	}
	return list, nil
}

// RecordMailAttempt stores the outcome of one attempt at a pending
// message; a settled one loses its link.
func (s *Store) RecordMailAttempt(ctx context.Context, tenantID, id string, a store.MailAttempt) error {
	if err := s.mailSender(); err != nil {
		return fmt.Errorf("record mail attempt %s: %w", id, err)
	}
	fillTime(&a.At, now())
	status, next, sent := a.Outcome()
	err := s.tx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE mail_outbox SET status = $1, attempts = attempts + 1,
			next_attempt_at = coalesce($2, next_attempt_at), last_error = $3, sent_at = $4,
			link = CASE WHEN $1 = 'pending' THEN link ELSE '' END
			WHERE tenant_id = $5 AND id = $6 AND status = 'pending'`,
			status, next, a.Error, sent, tenantID, id)
		if err != nil || tag.RowsAffected() == 1 {
			return err
		}
		var one int
		if err := tx.QueryRow(ctx, `SELECT 1 FROM mail_outbox WHERE tenant_id = $1 AND id = $2`,
			tenantID, id).Scan(&one); err != nil {
			return err // no rows: ErrNotFound
		}
		return store.ErrMailSettled
	})
	if err != nil {
		return fmt.Errorf("record mail attempt %s: %w", id, err)
	}
	return nil
}

// ListInterviewMail returns the messages about an interview, oldest first;
// the link column is not read (members may not).
func (s *Store) ListInterviewMail(ctx context.Context, tenantID, interviewID string) ([]store.Mail, error) {
	cols := strings.Replace(mailCols, "m.link", "''::text", 1)
	rows, err := s.q().Query(ctx, `SELECT `+cols+` FROM mail_outbox m
		WHERE m.tenant_id = $1 AND m.interview_id = $2 ORDER BY m.created_at, m.id`, tenantID, interviewID)
	list, err := collect(rows, err, func(r pgx.Rows, m *store.Mail) error { return r.Scan(mailDest(m)...) })
	if err != nil {
		return nil, fmt.Errorf("list interview mail: %w", err)
	}
	return list, nil
}

// DeleteSettledMail deletes settled messages created before before,
// keeping those of interviews that have not ended. Privileged path only.
func (s *Store) DeleteSettledMail(ctx context.Context, before time.Time) (int64, error) {
	if err := s.serverJob(); err != nil {
		return 0, fmt.Errorf("delete settled mail: %w", err)
	}
	tag, err := s.q().Exec(ctx, store.DeleteSettledMailQuery("$1"), before)
	if err != nil {
		return 0, fmt.Errorf("delete settled mail: %w", dbErr(err))
	}
	return tag.RowsAffected(), nil
}
