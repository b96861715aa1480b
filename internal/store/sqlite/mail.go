package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/interviewd/interviewd/internal/store"
)

const mailCols = `m.id, m.tenant_id, m.kind, m.interview_id, m.invitation_id, m.recipient, m.link,
	m.status, m.attempts, m.next_attempt_at, m.last_error, m.created_at, m.sent_at`

func mailDest(m *store.Mail) []any {
	return []any{&m.ID, &m.TenantID, &m.Kind, stringDest(&m.InterviewID), stringDest(&m.InvitationID),
		&m.To, &m.Link, &m.Status, &m.Attempts, timeDest{&m.NextAttempt}, &m.LastError,
		timeDest{&m.CreatedAt}, nullTimeDest{&m.SentAt}}
}

// EnqueueMail stores m as a pending message; its interview or invitation
// must be in m.TenantID (the INSERT … SELECT writes nothing otherwise).
func (s *Store) EnqueueMail(ctx context.Context, m *store.Mail) error {
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
	err := affected(s.w.ExecContext(ctx, `INSERT INTO mail_outbox (id, tenant_id, kind,
			interview_id, invitation_id, recipient, link, status, next_attempt_at, created_at)
		SELECT ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ? FROM `+parent+` WHERE tenant_id = ? AND id = ?`,
		m.ID, m.TenantID, m.Kind, nullString(m.InterviewID), nullString(m.InvitationID), m.To, m.Link,
		ts(m.NextAttempt), ts(m.CreatedAt), m.TenantID, parentID))
	if err != nil {
		return fmt.Errorf("enqueue mail %s: %w", m.ID, err)
	}
	return nil
}

// EnqueueMailReminders enqueues the reminders that are due at now; the
// unique index on reminders keeps each interview to one.
func (s *Store) EnqueueMailReminders(ctx context.Context, at time.Time, before time.Duration) (int, error) {
	at = at.UTC().Truncate(time.Microsecond)
	n := 0
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, store.ReminderQuery("?", "?"), ts(at), ts(at.Add(before)))
		due, err := collect(rows, err, func(r *sql.Rows, c *store.ReminderCandidate) error {
			return r.Scan(&c.TenantID, &c.InterviewID, &c.To, timeDest{&c.Expires}, timeDest{&c.SentAt})
		})
		if err != nil {
			return err
		}
		for _, r := range store.DueReminders(due, before) {
			res, err := tx.ExecContext(ctx, `INSERT INTO mail_outbox (id, tenant_id, kind, interview_id,
					recipient, status, next_attempt_at, created_at)
				VALUES (?, ?, 'reminder', ?, ?, 'pending', ?, ?) ON CONFLICT DO NOTHING`,
				uuid.NewString(), r.TenantID, r.InterviewID, r.To, ts(at), ts(at))
			if err != nil {
				return dbErr(err)
			}
			k, _ := res.RowsAffected()
			n += int(k)
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("enqueue mail reminders: %w", err)
	}
	return n, nil
}

// ClaimMail leases up to limit due messages of every tenant to the
// caller, in one write transaction: SQLite's one writer makes concurrent
// claims take turns, so no two take the same message.
func (s *Store) ClaimMail(ctx context.Context, at time.Time, lease time.Duration, limit int) ([]store.Mail, error) {
	at = at.UTC().Truncate(time.Microsecond)
	until := at.Add(max(lease, 0))
	var list []store.Mail
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+mailCols+` FROM mail_outbox m
			WHERE m.status = 'pending' AND m.next_attempt_at <= ?
			ORDER BY m.next_attempt_at, m.id LIMIT ?`, ts(at), listLimit(limit))
		list, err = collect(rows, err, func(r *sql.Rows, m *store.Mail) error { return r.Scan(mailDest(m)...) })
		if err != nil || len(list) == 0 {
			return err
		}
		ids := make([]string, len(list))
		for i := range list {
			ids[i], list[i].NextAttempt = list[i].ID, until
		}
		return leaseRows(ctx, tx, "mail_outbox", ids, until)
	})
	if err != nil {
		return nil, fmt.Errorf("claim mail: %w", err)
	}
	return list, nil
}

// RecordMailAttempt stores the outcome of one attempt at a pending
// message; a settled one loses its link.
func (s *Store) RecordMailAttempt(ctx context.Context, tenantID, id string, a store.MailAttempt) error {
	fillTime(&a.At, now())
	status, next, sent := a.Outcome()
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE mail_outbox SET status = ?, attempts = attempts + 1,
			next_attempt_at = COALESCE(?, next_attempt_at), last_error = ?, sent_at = ?,
			link = CASE WHEN ? = 'pending' THEN link ELSE '' END
			WHERE tenant_id = ? AND id = ? AND status = 'pending'`,
			status, nullTS(next), a.Error, nullTS(sent), status, tenantID, id)
		if err != nil {
			return dbErr(err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 1 {
			return err
		}
		var one int
		if err := tx.QueryRowContext(ctx, `SELECT 1 FROM mail_outbox WHERE tenant_id = ? AND id = ?`,
			tenantID, id).Scan(&one); err != nil {
			return dbErr(err)
		}
		return store.ErrMailSettled
	})
	if err != nil {
		return fmt.Errorf("record mail attempt %s: %w", id, err)
	}
	return nil
}

// ListInterviewMail returns the messages about an interview, oldest first,
// without links.
func (s *Store) ListInterviewMail(ctx context.Context, tenantID, interviewID string) ([]store.Mail, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+mailCols+` FROM mail_outbox m
		WHERE m.tenant_id = ? AND m.interview_id = ? ORDER BY m.created_at, m.id`, tenantID, interviewID)
	list, err := collect(rows, err, func(r *sql.Rows, m *store.Mail) error {
		err := r.Scan(mailDest(m)...)
		m.Link = ""
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("list interview mail: %w", err)
	}
	return list, nil
}

// DeleteSettledMail deletes settled messages created before before,
// keeping those of interviews that have not ended.
func (s *Store) DeleteSettledMail(ctx context.Context, before time.Time) (int64, error) {
	n, err := deletedRows(s.w.ExecContext(ctx, store.DeleteSettledMailQuery("?"), ts(before)))
	if err != nil {
		return 0, fmt.Errorf("delete settled mail: %w", err)
	}
	return n, nil
}
