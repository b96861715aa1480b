-- +goose Up
-- Built-in accounts and the API's idempotency keys (docs/data-model.md), and
-- the join link's version, from which the service derives its token.

CREATE TABLE logins (
    id           TEXT NOT NULL PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    tenant_id    TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL
) STRICT;

CREATE INDEX logins_user_id ON logins (user_id);
CREATE INDEX logins_tenant_id ON logins (tenant_id);

CREATE TABLE invitations (
    id          TEXT NOT NULL PRIMARY KEY,
    tenant_id   TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    email       TEXT NOT NULL CHECK (email = lower(email)),
    role        TEXT NOT NULL CHECK (role IN ('owner', 'recruiter', 'viewer')),
    token_hash  TEXT NOT NULL UNIQUE,
    invited_by  TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    accepted_at TEXT,
    revoked_at  TEXT
) STRICT;

CREATE INDEX invitations_tenant_created ON invitations (tenant_id, created_at);

CREATE TABLE idempotency_keys (
    tenant_id   TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    key         TEXT NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
    fingerprint TEXT NOT NULL DEFAULT '',
    status      INTEGER NOT NULL DEFAULT 0 CHECK (status = 0 OR status BETWEEN 100 AND 599),
    body        BLOB NOT NULL DEFAULT x'',
    created_at  TEXT NOT NULL,
    PRIMARY KEY (tenant_id, key)
) STRICT;

ALTER TABLE interview_sessions ADD COLUMN join_version INTEGER NOT NULL DEFAULT 0
    CHECK (join_version >= 0);
