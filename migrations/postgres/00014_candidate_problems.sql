-- The problems a candidate's page reports (docs/candidate-room.md): a
-- microphone refused, missing, busy or unsupported, a call that could not
-- connect or was lost. The browser sends a code from a closed set, never
-- text; the server stores it with its own time, at most 20 per interview
-- (internal/interview/problem.go). Like candidate_feedback, written on
-- the server's path for a candidate (who has no account); members of the
-- tenant read them in the interview's timeline.

-- +goose Up

CREATE TABLE candidate_problems (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id    uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    interview_id uuid NOT NULL,
    code         text NOT NULL CHECK (code IN ('MIC_DENIED', 'MIC_MISSING', 'MIC_BUSY',
        'UNSUPPORTED', 'CONNECT_FAILED', 'CONNECTION_LOST')),
    at           timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (tenant_id, interview_id)
        REFERENCES interview_sessions (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX candidate_problems_interview_idx ON candidate_problems (tenant_id, interview_id, at);

REVOKE ALL ON candidate_problems FROM PUBLIC, anon, authenticated;
GRANT SELECT ON candidate_problems TO authenticated;
GRANT SELECT, INSERT, UPDATE, DELETE ON candidate_problems TO service_role;

ALTER TABLE candidate_problems ENABLE ROW LEVEL SECURITY;

-- Members read their tenant's problems; only the server writes them.
CREATE POLICY candidate_problems_select ON candidate_problems FOR SELECT TO authenticated
    USING (tenant_id IN (SELECT private.user_tenant_ids()));
CREATE POLICY candidate_problems_insert ON candidate_problems FOR INSERT TO authenticated
    WITH CHECK (false);
CREATE POLICY candidate_problems_update ON candidate_problems FOR UPDATE TO authenticated
    USING (false);
CREATE POLICY candidate_problems_delete ON candidate_problems FOR DELETE TO authenticated
    USING (false);
