-- +goose Up
-- What a candidate says about the interview once it has ended (a rating
-- from 1 to 5, a comment, either optional but not both), one per
-- interview; and the position's "what happens next" text, shown to the
-- candidate when the interview ends (docs/candidate-room.md).

CREATE TABLE candidate_feedback (
    tenant_id    TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    interview_id TEXT NOT NULL,
    rating       INTEGER CHECK (rating BETWEEN 1 AND 5),
    comment      TEXT NOT NULL DEFAULT '' CHECK (length(comment) <= 2000),
    created_at   TEXT NOT NULL,
    PRIMARY KEY (tenant_id, interview_id),
    FOREIGN KEY (tenant_id, interview_id)
        REFERENCES interview_sessions (tenant_id, id) ON DELETE CASCADE,
    CHECK (rating IS NOT NULL OR comment <> '')
) STRICT;

ALTER TABLE positions ADD COLUMN next_steps TEXT NOT NULL DEFAULT '';
