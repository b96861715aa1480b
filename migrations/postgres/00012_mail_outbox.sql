-- The e-mail outbox (docs/email.md): invitations to interviews, the one
-- reminder before a join link expires, and team invitations, sent by the
-- mail worker with retries. Like webhook_deliveries, it is written and
-- sent on the privileged path; members of the tenant read the status of
-- the messages (the interview's timeline), never a team invitation's link.

-- +goose Up

CREATE TABLE mail_outbox (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id       uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    kind            text NOT NULL CHECK (kind IN ('invitation', 'reminder', 'team_invitation')),
    interview_id    uuid,
    invitation_id   uuid REFERENCES invitations (id) ON DELETE CASCADE,
    recipient       text NOT NULL CHECK (recipient <> ''),
    -- A team invitation's link while the message is pending; '' once settled.
    link            text NOT NULL DEFAULT '',
    status          text NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'sent', 'failed')),
    attempts        integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz,
    FOREIGN KEY (tenant_id, interview_id)
        REFERENCES interview_sessions (tenant_id, id) ON DELETE CASCADE,
    CHECK ((kind = 'team_invitation') = (invitation_id IS NOT NULL)),
    CHECK ((kind = 'team_invitation') = (interview_id IS NULL))
);
CREATE INDEX mail_outbox_tenant_interview_idx ON mail_outbox (tenant_id, interview_id, created_at);
-- The sender's query: pending messages that are due, most overdue first.
CREATE INDEX mail_outbox_due_idx ON mail_outbox (next_attempt_at) WHERE status = 'pending';
-- An interview gets one reminder, ever.
CREATE UNIQUE INDEX mail_outbox_one_reminder_idx ON mail_outbox (interview_id) WHERE kind = 'reminder';

REVOKE ALL ON mail_outbox FROM PUBLIC, anon, authenticated;
GRANT SELECT (id, tenant_id, kind, interview_id, invitation_id, recipient, status, attempts,
    next_attempt_at, last_error, created_at, sent_at) ON mail_outbox TO authenticated;
GRANT SELECT, INSERT, UPDATE, DELETE ON mail_outbox TO service_role;

ALTER TABLE mail_outbox ENABLE ROW LEVEL SECURITY;

-- Members read their tenant's messages; only the server writes them.
CREATE POLICY mail_outbox_select ON mail_outbox FOR SELECT TO authenticated
    USING (tenant_id IN (SELECT private.user_tenant_ids()));
CREATE POLICY mail_outbox_insert ON mail_outbox FOR INSERT TO authenticated
    WITH CHECK (false);
CREATE POLICY mail_outbox_update ON mail_outbox FOR UPDATE TO authenticated
    USING (false);
CREATE POLICY mail_outbox_delete ON mail_outbox FOR DELETE TO authenticated
    USING (false);
