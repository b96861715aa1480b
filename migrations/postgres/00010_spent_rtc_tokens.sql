-- The signalling tokens already used (docs/signaling.md), one row per token
-- ID (jti) until its expiry plus the verifier's leeway, shared by every
-- instance so that a token admits one connection in all; the janitor prunes
-- the rest. Server-only, as logins and call_leases are: row-level security
-- with no policy, nothing for anon or authenticated, and service_role the
-- four commands (00007's discipline).

-- +goose Up

CREATE TABLE spent_rtc_tokens (
    id         text PRIMARY KEY,
    expires_at timestamptz NOT NULL
);
-- Pruning by expiry.
CREATE INDEX spent_rtc_tokens_expires_at_idx ON spent_rtc_tokens (expires_at);

REVOKE ALL ON spent_rtc_tokens FROM PUBLIC, anon, authenticated, service_role;
GRANT SELECT, INSERT, UPDATE, DELETE ON spent_rtc_tokens TO service_role;

ALTER TABLE spent_rtc_tokens ENABLE ROW LEVEL SECURITY;
