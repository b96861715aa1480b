-- +goose Up
-- What the provider reported each response and each input transcription
-- of an interview's call cost, in tokens (docs/data-model.md, "usage";
-- internal/interview/usage.go). One row per (tenant, interview, kind,
-- source id): a repeated response.done is stored once.

CREATE TABLE token_usage (
    tenant_id       TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    interview_id    TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('response', 'transcription')),
    source_id       TEXT NOT NULL CHECK (length(source_id) BETWEEN 1 AND 200),
    model           TEXT NOT NULL DEFAULT '' CHECK (length(model) <= 200),
    text_in         INTEGER NOT NULL DEFAULT 0 CHECK (text_in BETWEEN 0 AND 100000000),
    audio_in        INTEGER NOT NULL DEFAULT 0 CHECK (audio_in BETWEEN 0 AND 100000000),
    cached_text_in  INTEGER NOT NULL DEFAULT 0 CHECK (cached_text_in BETWEEN 0 AND 100000000),
    cached_audio_in INTEGER NOT NULL DEFAULT 0 CHECK (cached_audio_in BETWEEN 0 AND 100000000),
    text_out        INTEGER NOT NULL DEFAULT 0 CHECK (text_out BETWEEN 0 AND 100000000),
    audio_out       INTEGER NOT NULL DEFAULT 0 CHECK (audio_out BETWEEN 0 AND 100000000),
    at              TEXT NOT NULL,
    PRIMARY KEY (tenant_id, interview_id, kind, source_id),
    FOREIGN KEY (tenant_id, interview_id)
        REFERENCES interview_sessions (tenant_id, id) ON DELETE CASCADE
) STRICT;

CREATE INDEX token_usage_tenant_at ON token_usage (tenant_id, at);
