-- +goose Up
-- Deciding on candidates (docs/data-model.md, docs/assessment.md): the
-- versions of each position's rubric, when each question was first asked,
-- AI assessments (a durable job, then a record), people's scorecards, and
-- the hiring status of each interview with its history.

ALTER TABLE interview_sessions ADD COLUMN hiring_status TEXT NOT NULL DEFAULT 'new'
    CHECK (hiring_status IN ('new', 'shortlisted', 'advanced', 'rejected'));
-- ListSessions filtered by hiring status, newest first.
CREATE INDEX interview_sessions_tenant_hiring ON interview_sessions (tenant_id, hiring_status, created_at);
-- The worker's sweep: completed interviews by end time, across tenants.
CREATE INDEX interview_sessions_completed_ended ON interview_sessions (ended_at)
    WHERE status = 'completed';

CREATE TABLE rubrics (
    id          TEXT NOT NULL PRIMARY KEY,
    tenant_id   TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    position_id TEXT NOT NULL,
    version     INTEGER NOT NULL CHECK (version >= 1),
    -- {"competencies": [...], "questionLinks": [[...], ...]}
    body        TEXT NOT NULL CHECK (json_valid(body) AND json_type(body) = 'object'),
    derived     INTEGER NOT NULL DEFAULT 0 CHECK (derived IN (0, 1)),
    created_by  TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    UNIQUE (tenant_id, position_id, version),
    FOREIGN KEY (tenant_id, position_id) REFERENCES positions (tenant_id, id) ON DELETE CASCADE
) STRICT;

-- The first time the interviewer asked each question; a later ask keeps it.
CREATE TABLE question_marks (
    tenant_id    TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    interview_id TEXT NOT NULL,
    question     INTEGER NOT NULL CHECK (question >= 1),
    asked_at     TEXT NOT NULL,
    PRIMARY KEY (tenant_id, interview_id, question),
    FOREIGN KEY (tenant_id, interview_id) REFERENCES interview_sessions (tenant_id, id) ON DELETE CASCADE
) STRICT;

CREATE TABLE assessments (
    id              TEXT NOT NULL PRIMARY KEY,
    tenant_id       TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    interview_id    TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('pending', 'running', 'done', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at TEXT NOT NULL,
    lease_until     TEXT,
    model           TEXT NOT NULL DEFAULT '',
    prompt_version  TEXT NOT NULL DEFAULT '',
    rubric_version  INTEGER NOT NULL DEFAULT 0 CHECK (rubric_version >= 0),
    transcript_hash TEXT NOT NULL DEFAULT '',
    result          TEXT CHECK (result IS NULL OR (json_valid(result) AND json_type(result) = 'object')),
    error           TEXT NOT NULL DEFAULT '',
    requested_by    TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    completed_at    TEXT,
    CHECK (status <> 'done' OR result IS NOT NULL),
    CHECK (status <> 'running' OR lease_until IS NOT NULL),
    CHECK (status NOT IN ('done', 'failed') OR completed_at IS NOT NULL),
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, interview_id) REFERENCES interview_sessions (tenant_id, id) ON DELETE CASCADE
) STRICT;

-- At most one assessment per interview is pending or running. Keys that
-- start with tenant_id make another tenant's rows invisible to a write:
-- it fails its foreign key (not found) rather than a unique key.
CREATE UNIQUE INDEX assessments_one_open ON assessments (tenant_id, interview_id)
    WHERE status IN ('pending', 'running');
-- An interview's history, newest first.
CREATE INDEX assessments_tenant_interview ON assessments (tenant_id, interview_id, created_at);
-- The worker's claim: pending jobs that are due, running ones whose lease ended.
CREATE INDEX assessments_due ON assessments (next_attempt_at) WHERE status = 'pending';
CREATE INDEX assessments_leased ON assessments (lease_until) WHERE status = 'running';

CREATE TABLE scorecards (
    id             TEXT NOT NULL PRIMARY KEY,
    tenant_id      TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    interview_id   TEXT NOT NULL,
    reviewer_id    TEXT NOT NULL,
    reviewer_email TEXT NOT NULL DEFAULT '',
    rubric_version INTEGER NOT NULL DEFAULT 0 CHECK (rubric_version >= 0),
    -- {"competency-key": 1..5, ...}
    scores         TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(scores) AND json_type(scores) = 'object'),
    recommendation TEXT NOT NULL DEFAULT ''
                   CHECK (recommendation IN ('', 'strong_no', 'no', 'mixed', 'yes', 'strong_yes')),
    notes          TEXT NOT NULL DEFAULT '',
    declined       INTEGER NOT NULL DEFAULT 0 CHECK (declined IN (0, 1)),
    submitted_at   TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    UNIQUE (tenant_id, interview_id, reviewer_id),
    FOREIGN KEY (tenant_id, interview_id) REFERENCES interview_sessions (tenant_id, id) ON DELETE CASCADE
) STRICT;

CREATE INDEX scorecards_tenant_interview ON scorecards (tenant_id, interview_id, submitted_at);

CREATE TABLE hiring_decisions (
    id           TEXT NOT NULL PRIMARY KEY,
    tenant_id    TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    interview_id TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('new', 'shortlisted', 'advanced', 'rejected')),
    actor_kind   TEXT NOT NULL CHECK (actor_kind IN ('user', 'api_key')),
    actor_id     TEXT NOT NULL DEFAULT '',
    actor_name   TEXT NOT NULL DEFAULT '',
    decided_at   TEXT NOT NULL,
    FOREIGN KEY (tenant_id, interview_id) REFERENCES interview_sessions (tenant_id, id) ON DELETE CASCADE
) STRICT;

CREATE INDEX hiring_decisions_tenant_interview ON hiring_decisions (tenant_id, interview_id, decided_at);

-- An interview.assessed delivery names the assessment it announces.
ALTER TABLE webhook_deliveries ADD COLUMN assessment_id TEXT;

-- An assessment becoming done writes one pending interview.assessed
-- delivery per active endpoint of its tenant that subscribes to it, in
-- the same transaction, due at the assessment's completion (the caller's
-- clock). The ID is a version 4 UUID, as 00004's trigger makes.
-- +goose StatementBegin
CREATE TRIGGER assessments_webhooks
AFTER UPDATE OF status ON assessments
FOR EACH ROW
WHEN OLD.status IS NOT NEW.status AND NEW.status = 'done'
BEGIN
    INSERT INTO webhook_deliveries (id, tenant_id, endpoint_id, event, interview_id,
        assessment_id, status, attempts, next_attempt_at, created_at)
    SELECT lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' ||
           substr(lower(hex(randomblob(2))), 2) || '-' ||
           substr('89ab', 1 + (abs(random()) % 4), 1) || substr(lower(hex(randomblob(2))), 2) ||
           '-' || lower(hex(randomblob(6))),
           e.tenant_id, e.id, 'interview.assessed', NEW.interview_id, NEW.id, 'pending', 0,
           NEW.completed_at, NEW.completed_at
    FROM webhook_endpoints e
    WHERE e.tenant_id = NEW.tenant_id
      AND e.disabled_at IS NULL
      AND (e.events = '' OR instr(',' || e.events || ',', ',interview.assessed,') > 0);
END;
-- +goose StatementEnd
