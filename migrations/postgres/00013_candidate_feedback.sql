-- What a candidate says about the interview once it has ended (a rating
-- from 1 to 5, a comment, either optional but not both), one per
-- interview; and the position's "what happens next" text, shown to the
-- candidate when the interview ends (docs/candidate-room.md). Like
-- consents, the feedback is written on the server's path for a candidate
-- (who has no account); members of the tenant read it.

-- +goose Up

CREATE TABLE candidate_feedback (
    tenant_id    uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    interview_id uuid NOT NULL,
    rating       smallint CHECK (rating BETWEEN 1 AND 5),
    comment      text NOT NULL DEFAULT '' CHECK (char_length(comment) <= 2000),
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, interview_id),
    FOREIGN KEY (tenant_id, interview_id)
        REFERENCES interview_sessions (tenant_id, id) ON DELETE CASCADE,
    CHECK (rating IS NOT NULL OR comment <> '')
);

REVOKE ALL ON candidate_feedback FROM PUBLIC, anon, authenticated;
GRANT SELECT ON candidate_feedback TO authenticated;
GRANT SELECT, INSERT, UPDATE, DELETE ON candidate_feedback TO service_role;

ALTER TABLE candidate_feedback ENABLE ROW LEVEL SECURITY;

-- Members read their tenant's feedback; only the server writes it.
CREATE POLICY candidate_feedback_select ON candidate_feedback FOR SELECT TO authenticated
    USING (tenant_id IN (SELECT private.user_tenant_ids()));
CREATE POLICY candidate_feedback_insert ON candidate_feedback FOR INSERT TO authenticated
    WITH CHECK (false);
CREATE POLICY candidate_feedback_update ON candidate_feedback FOR UPDATE TO authenticated
    USING (false);
CREATE POLICY candidate_feedback_delete ON candidate_feedback FOR DELETE TO authenticated
    USING (false);

ALTER TABLE positions ADD COLUMN next_steps text NOT NULL DEFAULT ''
    CHECK (char_length(next_steps) <= 2000);
