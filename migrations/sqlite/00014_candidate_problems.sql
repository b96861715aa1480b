-- +goose Up
-- The problems a candidate's page reports (docs/candidate-room.md): a
-- microphone refused, missing, busy or unsupported, a call that could not
-- connect or was lost. The browser sends a code from a closed set, never
-- text; the server stores it with its own time, at most 20 per interview
-- (internal/interview/problem.go).

CREATE TABLE candidate_problems (
    id           TEXT NOT NULL PRIMARY KEY,
    tenant_id    TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    interview_id TEXT NOT NULL,
    code         TEXT NOT NULL CHECK (code IN ('MIC_DENIED', 'MIC_MISSING', 'MIC_BUSY',
                 'UNSUPPORTED', 'CONNECT_FAILED', 'CONNECTION_LOST')),
    at           TEXT NOT NULL,
    FOREIGN KEY (tenant_id, interview_id)
        REFERENCES interview_sessions (tenant_id, id) ON DELETE CASCADE
) STRICT;

CREATE INDEX candidate_problems_interview ON candidate_problems (tenant_id, interview_id, at);
