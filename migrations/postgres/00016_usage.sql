-- What the provider reported each response and each input transcription
-- of an interview's call cost, in tokens (docs/data-model.md, "usage";
-- internal/interview/usage.go). One row per (tenant, interview, kind,
-- source id): a repeated response.done is stored once. Written on the
-- server's path, which reads the call's events; members of the tenant
-- read their usage.

-- +goose Up

CREATE TABLE token_usage (
    tenant_id       uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    interview_id    uuid NOT NULL,
    kind            text NOT NULL CHECK (kind IN ('response', 'transcription')),
    source_id       text NOT NULL CHECK (char_length(source_id) BETWEEN 1 AND 200),
    model           text NOT NULL DEFAULT '' CHECK (char_length(model) <= 200),
    text_in         bigint NOT NULL DEFAULT 0 CHECK (text_in BETWEEN 0 AND 100000000),
    audio_in        bigint NOT NULL DEFAULT 0 CHECK (audio_in BETWEEN 0 AND 100000000),
    cached_text_in  bigint NOT NULL DEFAULT 0 CHECK (cached_text_in BETWEEN 0 AND 100000000),
    cached_audio_in bigint NOT NULL DEFAULT 0 CHECK (cached_audio_in BETWEEN 0 AND 100000000),
    text_out        bigint NOT NULL DEFAULT 0 CHECK (text_out BETWEEN 0 AND 100000000),
    audio_out       bigint NOT NULL DEFAULT 0 CHECK (audio_out BETWEEN 0 AND 100000000),
    at              timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, interview_id, kind, source_id),
    FOREIGN KEY (tenant_id, interview_id)
        REFERENCES interview_sessions (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX token_usage_tenant_at_idx ON token_usage (tenant_id, at);

REVOKE ALL ON token_usage FROM PUBLIC, anon, authenticated;
GRANT SELECT ON token_usage TO authenticated;
GRANT SELECT, INSERT, UPDATE, DELETE ON token_usage TO service_role;

ALTER TABLE token_usage ENABLE ROW LEVEL SECURITY;

-- Members read their tenant's usage; only the server writes it.
CREATE POLICY token_usage_select ON token_usage FOR SELECT TO authenticated
    USING (tenant_id IN (SELECT private.user_tenant_ids()));
CREATE POLICY token_usage_insert ON token_usage FOR INSERT TO authenticated
    WITH CHECK (false);
CREATE POLICY token_usage_update ON token_usage FOR UPDATE TO authenticated
    USING (false);
CREATE POLICY token_usage_delete ON token_usage FOR DELETE TO authenticated
    USING (false);
