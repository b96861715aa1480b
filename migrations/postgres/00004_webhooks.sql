-- Webhooks (docs/data-model.md): a tenant's endpoints and the outbox of
-- their deliveries, with their row-level security (docs/postgres.md).
-- Deliveries are written by triggers, in the transaction that changes an
-- interview's status, so an event cannot be lost between the change and its
-- delivery.

-- +goose Up

CREATE TABLE webhook_endpoints (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    url         text NOT NULL CHECK (url <> ''),
    description text NOT NULL DEFAULT '',
    events      text[] NOT NULL DEFAULT '{}', -- subscribed event names; empty means every event
    secret      text NOT NULL CHECK (secret <> ''),
    created_by  text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now(),
    disabled_at timestamptz,
    UNIQUE (tenant_id, id)
);
CREATE INDEX webhook_endpoints_tenant_created_idx ON webhook_endpoints (tenant_id, created_at);

CREATE TABLE webhook_deliveries (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id       uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    endpoint_id     uuid NOT NULL,
    event           text NOT NULL,
    interview_id    uuid NOT NULL,
    status          text NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts        integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_code       integer NOT NULL DEFAULT 0,
    last_error      text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL DEFAULT now(),
    delivered_at    timestamptz,
    FOREIGN KEY (tenant_id, endpoint_id)
        REFERENCES webhook_endpoints (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, interview_id)
        REFERENCES interview_sessions (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX webhook_deliveries_tenant_endpoint_idx ON webhook_deliveries (tenant_id, endpoint_id, created_at);
CREATE INDEX webhook_deliveries_tenant_interview_idx ON webhook_deliveries (tenant_id, interview_id);
-- The sender's query: pending deliveries that are due, most overdue first.
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at)
    WHERE status = 'pending';

-- The outbox's triggers run as the owner of the tables (SECURITY DEFINER),
-- so that a status change made through As, as `authenticated`, still
-- writes deliveries, which that role may not write itself.

-- enqueue_webhook_deliveries writes one pending delivery per active
-- endpoint of the interview's tenant that subscribes to the event. It locks
-- those endpoints FOR SHARE, so that a concurrent disable either waits for
-- this transaction (and then fails what it wrote) or wins (and the endpoint
-- is skipped). The delivery is due at the transition's time (the row's new
-- updated_at), which is the caller's clock like every other time the store
-- keeps.
-- +goose StatementBegin
CREATE FUNCTION private.enqueue_webhook_deliveries() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
DECLARE
    event_name text := CASE NEW.status WHEN 'in_progress' THEN 'interview.started'
                       ELSE 'interview.' || NEW.status END;
BEGIN
    INSERT INTO webhook_deliveries (tenant_id, endpoint_id, event, interview_id,
        status, attempts, next_attempt_at, created_at)
    SELECT e.tenant_id, e.id, event_name, NEW.id, 'pending', 0, NEW.updated_at, NEW.updated_at
    FROM webhook_endpoints e
    WHERE e.tenant_id = NEW.tenant_id
      AND e.disabled_at IS NULL
      AND (cardinality(e.events) = 0 OR event_name = ANY (e.events))
    FOR SHARE OF e;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- fail_webhook_deliveries fails the pending deliveries of an endpoint that
-- was just disabled: it gets no more.
-- +goose StatementBegin
CREATE FUNCTION private.fail_webhook_deliveries() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
BEGIN
    UPDATE webhook_deliveries SET status = 'failed', last_error = 'endpoint disabled'
    WHERE tenant_id = NEW.tenant_id AND endpoint_id = NEW.id AND status = 'pending';
    RETURN NULL;
END
$$;
-- +goose StatementEnd

REVOKE ALL ON FUNCTION private.enqueue_webhook_deliveries() FROM PUBLIC;
REVOKE ALL ON FUNCTION private.fail_webhook_deliveries() FROM PUBLIC;

-- TransitionSession updates status only when it changes; the WHEN clause
-- checks that too, so moving to the status an interview has writes nothing.
CREATE TRIGGER interview_sessions_webhooks
    AFTER UPDATE OF status ON interview_sessions
    FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status
          AND NEW.status IN ('in_progress', 'completed', 'abandoned', 'failed'))
    EXECUTE FUNCTION private.enqueue_webhook_deliveries();

CREATE TRIGGER webhook_endpoints_disabled
    AFTER UPDATE OF disabled_at ON webhook_endpoints
    FOR EACH ROW
    WHEN (OLD.disabled_at IS NULL AND NEW.disabled_at IS NOT NULL)
    EXECUTE FUNCTION private.fail_webhook_deliveries();

-- Privileges. Supabase's default privileges grant every new table to anon
-- and authenticated, so each grant here is explicit. An endpoint's secret
-- is withheld by column, as users.password_hash is: an owner sets it when
-- creating the endpoint but never reads it back, and may change only the
-- columns an owner edits. Deliveries are written by the triggers and the
-- sender (privileged path) only.
REVOKE ALL ON webhook_endpoints, webhook_deliveries FROM PUBLIC, anon, authenticated;
GRANT SELECT (id, tenant_id, url, description, events, created_by, created_at, disabled_at),
    INSERT,
    UPDATE (url, description, events, disabled_at)
    ON webhook_endpoints TO authenticated;
GRANT SELECT ON webhook_deliveries TO authenticated;
GRANT SELECT, INSERT, UPDATE, DELETE ON webhook_endpoints, webhook_deliveries TO service_role;

ALTER TABLE webhook_endpoints ENABLE ROW LEVEL SECURITY;
ALTER TABLE webhook_deliveries ENABLE ROW LEVEL SECURITY;

-- webhook_endpoints: owners manage them; nobody deletes one (disabling
-- keeps the deliveries' history); other members see nothing.
CREATE POLICY webhook_endpoints_select ON webhook_endpoints FOR SELECT TO authenticated
    USING (tenant_id IN (SELECT private.user_tenant_ids('{owner}')));
CREATE POLICY webhook_endpoints_insert ON webhook_endpoints FOR INSERT TO authenticated
    WITH CHECK (tenant_id IN (SELECT private.user_tenant_ids('{owner}')));
CREATE POLICY webhook_endpoints_update ON webhook_endpoints FOR UPDATE TO authenticated
    USING (tenant_id IN (SELECT private.user_tenant_ids('{owner}')))
    WITH CHECK (tenant_id IN (SELECT private.user_tenant_ids('{owner}')));
CREATE POLICY webhook_endpoints_delete ON webhook_endpoints FOR DELETE TO authenticated
    USING (false);

-- webhook_deliveries: owners read them; only the triggers and the sender
-- write them.
CREATE POLICY webhook_deliveries_select ON webhook_deliveries FOR SELECT TO authenticated
    USING (tenant_id IN (SELECT private.user_tenant_ids('{owner}')));
CREATE POLICY webhook_deliveries_insert ON webhook_deliveries FOR INSERT TO authenticated
    WITH CHECK (false);
CREATE POLICY webhook_deliveries_update ON webhook_deliveries FOR UPDATE TO authenticated
    USING (false);
CREATE POLICY webhook_deliveries_delete ON webhook_deliveries FOR DELETE TO authenticated
    USING (false);
