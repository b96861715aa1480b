-- Many instances on one database (docs/scaling.md): the processes'
-- heartbeats, which instance owns each live call, and sign-in failures
-- counted for every instance. All three are server-only, as logins are:
-- row-level security with no policy, nothing for anon or authenticated,
-- and service_role the four commands (00007's discipline).

-- +goose Up

CREATE TABLE instances (
    id           text PRIMARY KEY,
    host         text NOT NULL DEFAULT '',
    started_at   timestamptz NOT NULL,
    heartbeat_at timestamptz NOT NULL,
    draining     boolean NOT NULL DEFAULT false
);

-- One lease per interview. owner names an instance without a foreign key:
-- a lease outlives its owner's row, and expires by time alone.
CREATE TABLE call_leases (
    tenant_id    uuid NOT NULL,
    interview_id uuid NOT NULL,
    owner        text NOT NULL CHECK (owner <> ''),
    call_id      text NOT NULL DEFAULT '',
    expires_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, interview_id),
    FOREIGN KEY (tenant_id, interview_id) REFERENCES interview_sessions (tenant_id, id) ON DELETE CASCADE
);

-- A UUID key rather than a serial one: no sequence for any role to need.
CREATE TABLE throttle_failures (
    id  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    key text NOT NULL,
    at  timestamptz NOT NULL
);
-- Counting a key's failures in a window; pruning by age.
CREATE INDEX throttle_failures_key_at_idx ON throttle_failures (key, at);
CREATE INDEX throttle_failures_at_idx ON throttle_failures (at);

REVOKE ALL ON instances, call_leases, throttle_failures FROM PUBLIC, anon, authenticated, service_role;
GRANT SELECT, INSERT, UPDATE, DELETE ON instances, call_leases, throttle_failures TO service_role;

ALTER TABLE instances ENABLE ROW LEVEL SECURITY;
ALTER TABLE call_leases ENABLE ROW LEVEL SECURITY;
ALTER TABLE throttle_failures ENABLE ROW LEVEL SECURITY;
