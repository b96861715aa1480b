-- +goose Up
-- The e-mail outbox (docs/email.md): invitations to interviews, the one
-- reminder before a join link expires, and team invitations, sent by the
-- mail worker with retries.

CREATE TABLE mail_outbox (
    id              TEXT NOT NULL PRIMARY KEY,
    tenant_id       TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('invitation', 'reminder', 'team_invitation')),
    interview_id    TEXT,
    invitation_id   TEXT REFERENCES invitations (id) ON DELETE CASCADE,
    recipient       TEXT NOT NULL CHECK (recipient <> ''),
    -- A team invitation's link while the message is pending; '' once settled.
    link            TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at TEXT NOT NULL,
    last_error      TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    sent_at         TEXT,
    FOREIGN KEY (tenant_id, interview_id)
        REFERENCES interview_sessions (tenant_id, id) ON DELETE CASCADE,
    CHECK ((kind = 'team_invitation') = (invitation_id IS NOT NULL)),
    CHECK ((kind = 'team_invitation') = (interview_id IS NULL))
) STRICT;

CREATE INDEX mail_outbox_tenant_interview ON mail_outbox (tenant_id, interview_id, created_at);
-- The sender's query: pending messages that are due, most overdue first.
CREATE INDEX mail_outbox_due ON mail_outbox (next_attempt_at) WHERE status = 'pending';
-- An interview gets one reminder, ever.
CREATE UNIQUE INDEX mail_outbox_one_reminder ON mail_outbox (interview_id) WHERE kind = 'reminder';
