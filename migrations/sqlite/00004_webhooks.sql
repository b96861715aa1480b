-- +goose Up
-- Webhooks (docs/data-model.md): a tenant's endpoints and the outbox of
-- their deliveries. Deliveries are written by triggers, in the transaction
-- that changes an interview's status, so an event cannot be lost between
-- the change and its delivery.

CREATE TABLE webhook_endpoints (
    id          TEXT NOT NULL PRIMARY KEY,
    tenant_id   TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    url         TEXT NOT NULL CHECK (url <> ''),
    description TEXT NOT NULL DEFAULT '',
    -- Subscribed event names separated by commas; '' means every event.
    events      TEXT NOT NULL DEFAULT '',
    secret      TEXT NOT NULL CHECK (secret <> ''),
    created_by  TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    disabled_at TEXT,
    UNIQUE (tenant_id, id)
) STRICT;

CREATE INDEX webhook_endpoints_tenant_created ON webhook_endpoints (tenant_id, created_at);

CREATE TABLE webhook_deliveries (
    id              TEXT NOT NULL PRIMARY KEY,
    tenant_id       TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    endpoint_id     TEXT NOT NULL,
    event           TEXT NOT NULL,
    interview_id    TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at TEXT NOT NULL,
    last_code       INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    delivered_at    TEXT,
    FOREIGN KEY (tenant_id, endpoint_id)
        REFERENCES webhook_endpoints (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, interview_id)
        REFERENCES interview_sessions (tenant_id, id) ON DELETE CASCADE
) STRICT;

CREATE INDEX webhook_deliveries_tenant_endpoint ON webhook_deliveries (tenant_id, endpoint_id, created_at);
CREATE INDEX webhook_deliveries_tenant_interview ON webhook_deliveries (tenant_id, interview_id);
-- The sender's query: pending deliveries that are due, most overdue first.
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at)
    WHERE status = 'pending';

-- An interview entering in_progress, completed, abandoned or failed writes
-- one pending delivery per active endpoint of its tenant that subscribes to
-- the event. TransitionSession updates status only when it changes, and the
-- WHEN clause checks that too. The delivery is due at the transition's time
-- (the row's new updated_at), which is the caller's clock like every other
-- time the store keeps. The ID is a version 4 UUID, as the store makes.
-- +goose StatementBegin
CREATE TRIGGER interview_sessions_webhooks
AFTER UPDATE OF status ON interview_sessions
FOR EACH ROW
WHEN OLD.status IS NOT NEW.status
 AND NEW.status IN ('in_progress', 'completed', 'abandoned', 'failed')
BEGIN
    INSERT INTO webhook_deliveries (id, tenant_id, endpoint_id, event, interview_id,
        status, attempts, next_attempt_at, created_at)
    SELECT lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' ||
           substr(lower(hex(randomblob(2))), 2) || '-' ||
           substr('89ab', 1 + (abs(random()) % 4), 1) || substr(lower(hex(randomblob(2))), 2) ||
           '-' || lower(hex(randomblob(6))),
           e.tenant_id, e.id, ev.name, NEW.id, 'pending', 0, NEW.updated_at, NEW.updated_at
    FROM webhook_endpoints e,
         (SELECT CASE NEW.status WHEN 'in_progress' THEN 'interview.started'
                 ELSE 'interview.' || NEW.status END AS name) ev
    WHERE e.tenant_id = NEW.tenant_id
      AND e.disabled_at IS NULL
      AND (e.events = '' OR instr(',' || e.events || ',', ',' || ev.name || ',') > 0);
END;
-- +goose StatementEnd

-- Disabling an endpoint fails its pending deliveries: it gets no more.
-- +goose StatementBegin
CREATE TRIGGER webhook_endpoints_disabled
AFTER UPDATE OF disabled_at ON webhook_endpoints
FOR EACH ROW
WHEN OLD.disabled_at IS NULL AND NEW.disabled_at IS NOT NULL
BEGIN
    UPDATE webhook_deliveries SET status = 'failed', last_error = 'endpoint disabled'
    WHERE tenant_id = NEW.tenant_id AND endpoint_id = NEW.id AND status = 'pending';
END;
-- +goose StatementEnd
