-- Built-in accounts (sign-in sessions, invitations), the API's idempotency
-- keys and the join link's version (docs/data-model.md), with their
-- row-level security (docs/postgres.md), and column privileges on users so
-- that co-members cannot read each other's password hashes.

-- +goose Up

ALTER TABLE interview_sessions ADD COLUMN join_version integer NOT NULL DEFAULT 0
    CHECK (join_version >= 0);

-- logins are sign-in sessions: the server reads them before it knows who
-- is asking, so only the privileged path reaches them. RLS is enabled with
-- no policy and `authenticated` has no privilege: two walls, no door.
CREATE TABLE logins (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    tenant_id    uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    token_hash   text NOT NULL UNIQUE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX logins_user_id_idx ON logins (user_id);
CREATE INDEX logins_tenant_id_idx ON logins (tenant_id);

CREATE TABLE invitations (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    email       text NOT NULL CHECK (email = lower(email)),
    role        text NOT NULL CHECK (role IN ('owner', 'recruiter', 'viewer')),
    token_hash  text NOT NULL UNIQUE,
    invited_by  text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    accepted_at timestamptz,
    revoked_at  timestamptz
);
CREATE INDEX invitations_tenant_created_idx ON invitations (tenant_id, created_at);

CREATE TABLE idempotency_keys (
    tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    key         text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
    fingerprint text NOT NULL DEFAULT '',
    status      integer NOT NULL DEFAULT 0 CHECK (status = 0 OR status BETWEEN 100 AND 599),
    body        bytea NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, key)
);

-- Privileges. Supabase's default privileges grant every new table to anon
-- and authenticated, so each grant here is explicit.
REVOKE ALL ON logins, invitations, idempotency_keys FROM PUBLIC, anon, authenticated;
GRANT SELECT, INSERT, UPDATE, DELETE ON invitations, idempotency_keys TO authenticated;
GRANT SELECT, INSERT, UPDATE, DELETE ON logins, invitations, idempotency_keys TO service_role;

-- users: the policies let co-members read each other's rows, so the
-- password hash is withheld by column: a user-scoped query may read and
-- change only these columns (name is the only one a user edits).
REVOKE SELECT, UPDATE ON users FROM authenticated;
GRANT SELECT (id, email, name, created_at), UPDATE (name) ON users TO authenticated;

ALTER TABLE logins ENABLE ROW LEVEL SECURITY;
ALTER TABLE invitations ENABLE ROW LEVEL SECURITY;
ALTER TABLE idempotency_keys ENABLE ROW LEVEL SECURITY;

-- invitations: owners manage them. The invitee is not a member yet; the
-- link's lookup and its acceptance run on the privileged path.
CREATE POLICY invitations_select ON invitations FOR SELECT TO authenticated
    USING (tenant_id IN (SELECT private.user_tenant_ids('{owner}')));
CREATE POLICY invitations_insert ON invitations FOR INSERT TO authenticated
    WITH CHECK (tenant_id IN (SELECT private.user_tenant_ids('{owner}')));
CREATE POLICY invitations_update ON invitations FOR UPDATE TO authenticated
    USING (tenant_id IN (SELECT private.user_tenant_ids('{owner}')))
    WITH CHECK (tenant_id IN (SELECT private.user_tenant_ids('{owner}')));
CREATE POLICY invitations_delete ON invitations FOR DELETE TO authenticated
    USING (tenant_id IN (SELECT private.user_tenant_ids('{owner}')));

-- idempotency_keys: a key belongs to the tenant, not to the person, and
-- the middleware reserves it before the handler checks the role, so every
-- member may use them.
CREATE POLICY idempotency_keys_select ON idempotency_keys FOR SELECT TO authenticated
    USING (tenant_id IN (SELECT private.user_tenant_ids()));
CREATE POLICY idempotency_keys_insert ON idempotency_keys FOR INSERT TO authenticated
    WITH CHECK (tenant_id IN (SELECT private.user_tenant_ids()));
CREATE POLICY idempotency_keys_update ON idempotency_keys FOR UPDATE TO authenticated
    USING (tenant_id IN (SELECT private.user_tenant_ids()))
    WITH CHECK (tenant_id IN (SELECT private.user_tenant_ids()));
CREATE POLICY idempotency_keys_delete ON idempotency_keys FOR DELETE TO authenticated
    USING (tenant_id IN (SELECT private.user_tenant_ids()));
