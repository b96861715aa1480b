-- +goose Up
-- The schema of docs/data-model.md for SQLite. Tables are STRICT so that a
-- wrong type is an error, as it is on PostgreSQL. uuid and timestamptz are
-- TEXT (times as 2006-01-02T15:04:05.000000Z, UTC, which sorts as time does),
-- jsonb is TEXT holding JSON, boolean is INTEGER, double precision is REAL.
-- Every reference from one tenant-owned row to another is a composite foreign
-- key on (tenant_id, id), so no row can point at another tenant's row.

CREATE TABLE tenants (
    id         TEXT NOT NULL PRIMARY KEY,
    name       TEXT NOT NULL,
    created_at TEXT NOT NULL
) STRICT;

CREATE TABLE users (
    id            TEXT NOT NULL PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE CHECK (email = lower(email)),
    name          TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL
) STRICT;

CREATE TABLE tenant_users (
    tenant_id  TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role       TEXT NOT NULL CHECK (role IN ('owner', 'recruiter', 'viewer')),
    created_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, user_id)
) STRICT;

CREATE INDEX tenant_users_user_id ON tenant_users (user_id);

CREATE TABLE positions (
    id           TEXT NOT NULL PRIMARY KEY,
    tenant_id    TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    title        TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    instructions TEXT NOT NULL DEFAULT '',
    questions    TEXT NOT NULL DEFAULT '[]'
                 CHECK (json_valid(questions) AND json_type(questions) = 'array'),
    max_minutes  INTEGER NOT NULL CHECK (max_minutes BETWEEN 1 AND 60),
    language     TEXT NOT NULL,
    voice        TEXT NOT NULL DEFAULT '',
    archived_at  TEXT,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    UNIQUE (tenant_id, id)
) STRICT;

CREATE TABLE candidates (
    id         TEXT NOT NULL PRIMARY KEY,
    tenant_id  TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    email      TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (tenant_id, id)
) STRICT;

CREATE INDEX candidates_tenant_email ON candidates (tenant_id, email);

CREATE TABLE interview_sessions (
    id                TEXT NOT NULL PRIMARY KEY,
    tenant_id         TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    position_id       TEXT NOT NULL,
    candidate_id      TEXT NOT NULL,
    status            TEXT NOT NULL CHECK (status IN
                      ('pending', 'ready', 'in_progress', 'completed', 'abandoned', 'failed')),
    webrtc_status     TEXT NOT NULL DEFAULT 'pending',
    webrtc_server_url TEXT NOT NULL DEFAULT '',
    webrtc_session_id TEXT NOT NULL DEFAULT '',
    call_id           TEXT NOT NULL DEFAULT '',
    ice_candidates    TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(ice_candidates)),
    sdp_offers        TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(sdp_offers)),
    sdp_answers       TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(sdp_answers)),
    join_token_hash   TEXT UNIQUE,
    join_expires_at   TEXT,
    join_revoked_at   TEXT,
    transcript_seq    INTEGER NOT NULL DEFAULT 0 CHECK (transcript_seq >= 0),
    started_at        TEXT,
    ended_at          TEXT,
    end_reason        TEXT NOT NULL DEFAULT '',
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, position_id) REFERENCES positions (tenant_id, id),
    FOREIGN KEY (tenant_id, candidate_id) REFERENCES candidates (tenant_id, id)
) STRICT;

CREATE INDEX interview_sessions_tenant_status ON interview_sessions (tenant_id, status, created_at);
-- The foreign keys' child columns, so that checking a parent row is a lookup.
CREATE INDEX interview_sessions_tenant_position ON interview_sessions (tenant_id, position_id);
CREATE INDEX interview_sessions_tenant_candidate ON interview_sessions (tenant_id, candidate_id);

CREATE TABLE transcript_entries (
    id                   TEXT NOT NULL PRIMARY KEY,
    tenant_id            TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    interview_session_id TEXT NOT NULL,
    seq                  INTEGER NOT NULL CHECK (seq >= 1),
    item_id              TEXT NOT NULL,
    speaker              TEXT NOT NULL,
    text                 TEXT NOT NULL,
    timestamp            TEXT NOT NULL,
    source               TEXT NOT NULL CHECK (source IN ('sideband', 'client', 'api')),
    confidence           REAL CHECK (confidence BETWEEN 0 AND 1),
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    UNIQUE (interview_session_id, item_id),
    UNIQUE (interview_session_id, seq),
    FOREIGN KEY (tenant_id, interview_session_id)
        REFERENCES interview_sessions (tenant_id, id) ON DELETE CASCADE
) STRICT;

CREATE INDEX transcript_entries_tenant_session ON transcript_entries (tenant_id, interview_session_id);

CREATE TABLE video_segments (
    id                   TEXT NOT NULL PRIMARY KEY,
    tenant_id            TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    interview_session_id TEXT NOT NULL,
    video_url            TEXT NOT NULL DEFAULT '',
    start_time           TEXT NOT NULL,
    end_time             TEXT,
    status               TEXT NOT NULL DEFAULT 'recording'
                         CHECK (status IN ('recording', 'processing', 'ready', 'failed')),
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    FOREIGN KEY (tenant_id, interview_session_id)
        REFERENCES interview_sessions (tenant_id, id) ON DELETE CASCADE
) STRICT;

CREATE INDEX video_segments_tenant_session ON video_segments (tenant_id, interview_session_id);

CREATE TABLE consents (
    id                   TEXT NOT NULL PRIMARY KEY,
    tenant_id            TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    interview_session_id TEXT NOT NULL,
    text_version         TEXT NOT NULL,
    accepted_at          TEXT NOT NULL,
    ip_address           TEXT NOT NULL DEFAULT '',
    user_agent           TEXT NOT NULL DEFAULT '',
    FOREIGN KEY (tenant_id, interview_session_id)
        REFERENCES interview_sessions (tenant_id, id) ON DELETE CASCADE
) STRICT;

CREATE INDEX consents_tenant_session ON consents (tenant_id, interview_session_id);

CREATE TABLE api_keys (
    id           TEXT NOT NULL PRIMARY KEY,
    tenant_id    TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    prefix       TEXT NOT NULL,
    key_hash     TEXT NOT NULL UNIQUE,
    created_by   TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at   TEXT
) STRICT;

CREATE INDEX api_keys_tenant_created ON api_keys (tenant_id, created_at);

CREATE TABLE audit_log (
    id          TEXT NOT NULL PRIMARY KEY,
    tenant_id   TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    actor_type  TEXT NOT NULL,
    actor_id    TEXT NOT NULL DEFAULT '',
    action      TEXT NOT NULL,
    target_type TEXT NOT NULL DEFAULT '',
    target_id   TEXT NOT NULL DEFAULT '',
    data        TEXT NOT NULL DEFAULT '{}'
                CHECK (json_valid(data) AND json_type(data) = 'object'),
    created_at  TEXT NOT NULL
) STRICT;

CREATE INDEX audit_log_tenant_created ON audit_log (tenant_id, created_at);
