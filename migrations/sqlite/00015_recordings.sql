-- +goose Up
-- Recordings, retention and erasure (docs/recordings.md, docs/data-model.md):
-- what a position records, how long an organisation keeps recordings and
-- transcripts, the segments of an interview's recording and the chunks
-- uploaded into them, and the tombstones erasures leave.

ALTER TABLE positions ADD COLUMN record_audio INTEGER NOT NULL DEFAULT 1 CHECK (record_audio IN (0, 1));
ALTER TABLE positions ADD COLUMN record_video INTEGER NOT NULL DEFAULT 0 CHECK (record_video IN (0, 1));

-- Days from an interview's end; 0 keeps until deleted.
ALTER TABLE tenants ADD COLUMN recording_retention_days INTEGER NOT NULL DEFAULT 90
    CHECK (recording_retention_days BETWEEN 0 AND 3650);
ALTER TABLE tenants ADD COLUMN transcript_retention_days INTEGER NOT NULL DEFAULT 0
    CHECK (transcript_retention_days BETWEEN 0 AND 3650);

-- video_segments is rebuilt: SQLite cannot change a CHECK in place, and the
-- statuses gain 'incomplete'. Nothing referenced it, so it can be dropped
-- with foreign keys on. Existing segments are numbered in start order.
CREATE TABLE video_segments_new (
    id                   TEXT NOT NULL PRIMARY KEY,
    tenant_id            TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    interview_session_id TEXT NOT NULL,
    seg_index            INTEGER NOT NULL CHECK (seg_index >= 0),
    video_url            TEXT NOT NULL DEFAULT '',
    start_time           TEXT NOT NULL,
    end_time             TEXT,
    status               TEXT NOT NULL DEFAULT 'recording'
                         CHECK (status IN ('recording', 'processing', 'ready', 'incomplete', 'failed')),
    mime_type            TEXT NOT NULL DEFAULT '' CHECK (length(mime_type) <= 200),
    has_video            INTEGER NOT NULL DEFAULT 0 CHECK (has_video IN (0, 1)),
    chunks               INTEGER NOT NULL DEFAULT 0 CHECK (chunks >= 0),
    bytes                INTEGER NOT NULL DEFAULT 0 CHECK (bytes >= 0),
    duration_ms          INTEGER NOT NULL DEFAULT 0 CHECK (duration_ms >= 0),
    gaps                 INTEGER NOT NULL DEFAULT 0 CHECK (gaps >= 0),
    storage              TEXT NOT NULL DEFAULT '' CHECK (storage IN ('', 'files', 'supabase', 'apivideo')),
    object_key           TEXT NOT NULL DEFAULT '',
    external_id          TEXT NOT NULL DEFAULT '',
    created_at           TEXT NOT NULL,
    -- While recording: the last chunk's arrival (the start without chunks).
    updated_at           TEXT NOT NULL,
    UNIQUE (tenant_id, interview_session_id, seg_index),
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, interview_session_id)
        REFERENCES interview_sessions (tenant_id, id) ON DELETE CASCADE
) STRICT;

INSERT INTO video_segments_new (id, tenant_id, interview_session_id, seg_index, video_url,
    start_time, end_time, status, created_at, updated_at)
SELECT id, tenant_id, interview_session_id,
       row_number() OVER (PARTITION BY interview_session_id ORDER BY start_time, created_at, id) - 1,
       video_url, start_time, end_time, status, created_at, updated_at
FROM video_segments;

DROP TABLE video_segments;
ALTER TABLE video_segments_new RENAME TO video_segments;
-- The finaliser's sweep: segments still recording, by last activity.
CREATE INDEX video_segments_recording ON video_segments (updated_at) WHERE status = 'recording';

CREATE TABLE recording_chunks (
    tenant_id            TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    interview_session_id TEXT NOT NULL,
    segment_id           TEXT NOT NULL,
    seq                  INTEGER NOT NULL CHECK (seq >= 0),
    bytes                INTEGER NOT NULL CHECK (bytes BETWEEN 0 AND 4194304),
    sha256               TEXT NOT NULL CHECK (length(sha256) = 64),
    created_at           TEXT NOT NULL,
    PRIMARY KEY (segment_id, seq),
    FOREIGN KEY (tenant_id, segment_id) REFERENCES video_segments (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, interview_session_id)
        REFERENCES interview_sessions (tenant_id, id) ON DELETE CASCADE
) STRICT;

CREATE INDEX recording_chunks_tenant_interview ON recording_chunks (tenant_id, interview_session_id);

-- What an erasure leaves: who erased which candidate's data and how much
-- went. No personal data: the IDs are random and name nothing any more.
CREATE TABLE erasures (
    id            TEXT NOT NULL PRIMARY KEY,
    tenant_id     TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    candidate_id  TEXT NOT NULL,
    interview_ids TEXT NOT NULL DEFAULT '[]'
                  CHECK (json_valid(interview_ids) AND json_type(interview_ids) = 'array'),
    actor_type    TEXT NOT NULL CHECK (actor_type IN ('user', 'api_key')),
    actor_id      TEXT NOT NULL DEFAULT '',
    counts        TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(counts) AND json_type(counts) = 'object'),
    erased_at     TEXT NOT NULL
) STRICT;

CREATE INDEX erasures_tenant_erased ON erasures (tenant_id, erased_at);

-- The audit log page (newest first, by action) and erasure (events about
-- an interview or candidate).
CREATE INDEX audit_log_tenant_action ON audit_log (tenant_id, action, created_at);
CREATE INDEX audit_log_tenant_target ON audit_log (tenant_id, target_id);
