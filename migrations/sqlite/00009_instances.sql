-- +goose Up
-- Many instances on one database (docs/scaling.md): the processes' heartbeats,
-- which instance owns each live call, and sign-in failures counted for every
-- instance. SQLite runs one process (the DATA_DIR lock), so these serve it
-- alone, with the same code paths as on PostgreSQL.

CREATE TABLE instances (
    id           TEXT NOT NULL PRIMARY KEY,
    host         TEXT NOT NULL DEFAULT '',
    started_at   TEXT NOT NULL,
    heartbeat_at TEXT NOT NULL,
    draining     INTEGER NOT NULL DEFAULT 0 CHECK (draining IN (0, 1))
) STRICT;

-- One lease per interview. owner names an instance without a foreign key:
-- a lease outlives its owner's row, and expires by time alone.
CREATE TABLE call_leases (
    tenant_id    TEXT NOT NULL,
    interview_id TEXT NOT NULL,
    owner        TEXT NOT NULL CHECK (owner <> ''),
    call_id      TEXT NOT NULL DEFAULT '',
    expires_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    PRIMARY KEY (tenant_id, interview_id),
    FOREIGN KEY (tenant_id, interview_id) REFERENCES interview_sessions (tenant_id, id) ON DELETE CASCADE
) STRICT;

CREATE TABLE throttle_failures (
    key TEXT NOT NULL,
    at  TEXT NOT NULL
) STRICT;
-- Counting a key's failures in a window; pruning by age.
CREATE INDEX throttle_failures_key_at ON throttle_failures (key, at);
CREATE INDEX throttle_failures_at ON throttle_failures (at);
