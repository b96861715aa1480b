-- +goose Up
-- The signalling tokens already used (docs/signaling.md), one row per token
-- ID (jti) until its expiry plus the verifier's leeway; the janitor prunes
-- the rest. SQLite runs one process, but the record survives its restarts.

CREATE TABLE spent_rtc_tokens (
    id         TEXT NOT NULL PRIMARY KEY,
    expires_at TEXT NOT NULL
) STRICT;
-- Pruning by expiry.
CREATE INDEX spent_rtc_tokens_expires_at ON spent_rtc_tokens (expires_at);
