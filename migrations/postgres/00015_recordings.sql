-- Recordings, retention and erasure (docs/recordings.md, docs/data-model.md):
-- what a position records, how long an organisation keeps recordings and
-- transcripts, the segments of an interview's recording and the chunks
-- uploaded into them, and the tombstones erasures leave. Chunks are
-- written on the server's path for the candidate (who has no account);
-- members read them. Erasures are written by the server for an owner or
-- an API key; owners read them. The audit log becomes owners' reading.

-- +goose Up

ALTER TABLE positions
    ADD COLUMN record_audio boolean NOT NULL DEFAULT true,
    ADD COLUMN record_video boolean NOT NULL DEFAULT false;

-- Days from an interview's end; 0 keeps until deleted.
ALTER TABLE tenants
    ADD COLUMN recording_retention_days integer NOT NULL DEFAULT 90
        CHECK (recording_retention_days BETWEEN 0 AND 3650),
    ADD COLUMN transcript_retention_days integer NOT NULL DEFAULT 0
        CHECK (transcript_retention_days BETWEEN 0 AND 3650);

ALTER TABLE video_segments
    ADD COLUMN seg_index   integer,
    ADD COLUMN mime_type   text NOT NULL DEFAULT '' CHECK (char_length(mime_type) <= 200),
    ADD COLUMN has_video   boolean NOT NULL DEFAULT false,
    ADD COLUMN chunks      integer NOT NULL DEFAULT 0 CHECK (chunks >= 0),
    ADD COLUMN bytes       bigint NOT NULL DEFAULT 0 CHECK (bytes >= 0),
    ADD COLUMN duration_ms bigint NOT NULL DEFAULT 0 CHECK (duration_ms >= 0),
    ADD COLUMN gaps        integer NOT NULL DEFAULT 0 CHECK (gaps >= 0),
    ADD COLUMN storage     text NOT NULL DEFAULT '' CHECK (storage IN ('', 'files', 'supabase', 'apivideo')),
    ADD COLUMN object_key  text NOT NULL DEFAULT '',
    ADD COLUMN external_id text NOT NULL DEFAULT '';
-- Existing segments are numbered in start order.
UPDATE video_segments v SET seg_index = r.n
FROM (SELECT id, row_number() OVER (PARTITION BY interview_session_id ORDER BY start_time, created_at, id) - 1 AS n
      FROM video_segments) r
WHERE v.id = r.id;
ALTER TABLE video_segments
    ALTER COLUMN seg_index SET NOT NULL,
    ALTER COLUMN video_url SET DEFAULT '',
    ADD CONSTRAINT video_segments_seg_index_check CHECK (seg_index >= 0),
    ADD CONSTRAINT video_segments_status_check
        CHECK (status IN ('recording', 'processing', 'ready', 'incomplete', 'failed')),
    ADD CONSTRAINT video_segments_interview_index_key UNIQUE (tenant_id, interview_session_id, seg_index),
    ADD CONSTRAINT video_segments_tenant_id_key UNIQUE (tenant_id, id);
-- While recording, updated_at is the last chunk's arrival (the start
-- without chunks): the finaliser's sweep reads it.
CREATE INDEX video_segments_recording_idx ON video_segments (updated_at) WHERE status = 'recording';

CREATE TABLE recording_chunks (
    tenant_id            uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    interview_session_id uuid NOT NULL,
    segment_id           uuid NOT NULL,
    seq                  integer NOT NULL CHECK (seq >= 0),
    bytes                bigint NOT NULL CHECK (bytes BETWEEN 0 AND 4194304),
    sha256               text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    created_at           timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (segment_id, seq),
    FOREIGN KEY (tenant_id, segment_id) REFERENCES video_segments (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, interview_session_id)
        REFERENCES interview_sessions (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX recording_chunks_tenant_interview_idx ON recording_chunks (tenant_id, interview_session_id);

-- What an erasure leaves: who erased which candidate's data and how much
-- went. No personal data: the IDs are random and name nothing any more.
CREATE TABLE erasures (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id     uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    candidate_id  uuid NOT NULL,
    interview_ids uuid[] NOT NULL DEFAULT '{}',
    actor_type    text NOT NULL CHECK (actor_type IN ('user', 'api_key')),
    actor_id      text NOT NULL DEFAULT '',
    counts        jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(counts) = 'object'),
    erased_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX erasures_tenant_erased_idx ON erasures (tenant_id, erased_at);

-- The audit log page (newest first, by action) and erasure (events about
-- an interview or candidate).
CREATE INDEX audit_log_tenant_action_idx ON audit_log (tenant_id, action, created_at);
CREATE INDEX audit_log_tenant_target_idx ON audit_log (tenant_id, target_id);

REVOKE ALL ON recording_chunks, erasures FROM PUBLIC, anon, authenticated;
GRANT SELECT ON recording_chunks, erasures TO authenticated;
GRANT SELECT, INSERT, UPDATE, DELETE ON recording_chunks, erasures TO service_role;

ALTER TABLE recording_chunks ENABLE ROW LEVEL SECURITY;
ALTER TABLE erasures ENABLE ROW LEVEL SECURITY;

-- Members read their tenant's chunks; only the server writes them.
CREATE POLICY recording_chunks_select ON recording_chunks FOR SELECT TO authenticated
    USING (tenant_id IN (SELECT private.user_tenant_ids()));
CREATE POLICY recording_chunks_insert ON recording_chunks FOR INSERT TO authenticated
    WITH CHECK (false);
CREATE POLICY recording_chunks_update ON recording_chunks FOR UPDATE TO authenticated
    USING (false);
CREATE POLICY recording_chunks_delete ON recording_chunks FOR DELETE TO authenticated
    USING (false);

-- Owners read their tenant's tombstones; only the server writes them.
CREATE POLICY erasures_select ON erasures FOR SELECT TO authenticated
    USING (tenant_id IN (SELECT private.user_tenant_ids('{owner}')));
CREATE POLICY erasures_insert ON erasures FOR INSERT TO authenticated
    WITH CHECK (false);
CREATE POLICY erasures_update ON erasures FOR UPDATE TO authenticated
    USING (false);
CREATE POLICY erasures_delete ON erasures FOR DELETE TO authenticated
    USING (false);

-- The audit log is the owners' to read (the /app/audit page is theirs);
-- members still append events in their own name (00001).
DROP POLICY audit_log_select ON audit_log;
CREATE POLICY audit_log_select ON audit_log FOR SELECT TO authenticated
    USING (tenant_id IN (SELECT private.user_tenant_ids('{owner}')));
