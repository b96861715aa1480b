-- Deciding on candidates (docs/data-model.md, docs/assessment.md): the
-- versions of each position's rubric, when each question was first asked,
-- AI assessments (a durable job, then a record), people's scorecards, and
-- the hiring status of each interview with its history; with their
-- row-level security and grants in 00007's discipline (docs/postgres.md):
-- each API role gets only the commands a policy lets someone run.

-- +goose Up

ALTER TABLE interview_sessions ADD COLUMN hiring_status text NOT NULL DEFAULT 'new'
    CHECK (hiring_status IN ('new', 'shortlisted', 'advanced', 'rejected'));
-- ListSessions filtered by hiring status, newest first.
CREATE INDEX interview_sessions_tenant_hiring_idx ON interview_sessions (tenant_id, hiring_status, created_at);
-- The worker's sweep: completed interviews by end time, across tenants.
CREATE INDEX interview_sessions_completed_ended_idx ON interview_sessions (ended_at)
    WHERE status = 'completed';

-- Keys that start with tenant_id make another tenant's rows invisible to a
-- write: it fails its foreign key (not found) rather than a unique key.
CREATE TABLE rubrics (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    position_id uuid NOT NULL,
    version     integer NOT NULL CHECK (version >= 1),
    -- {"competencies": [...], "questionLinks": [[...], ...]}
    body        jsonb NOT NULL CHECK (jsonb_typeof(body) = 'object'),
    derived     boolean NOT NULL DEFAULT false,
    created_by  text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, position_id, version),
    FOREIGN KEY (tenant_id, position_id) REFERENCES positions (tenant_id, id) ON DELETE CASCADE
);

-- The first time the interviewer asked each question; a later ask keeps it.
CREATE TABLE question_marks (
    tenant_id    uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    interview_id uuid NOT NULL,
    question     integer NOT NULL CHECK (question >= 1),
    asked_at     timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, interview_id, question),
    FOREIGN KEY (tenant_id, interview_id) REFERENCES interview_sessions (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE assessments (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id       uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    interview_id    uuid NOT NULL,
    status          text NOT NULL CHECK (status IN ('pending', 'running', 'done', 'failed')),
    attempts        integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    lease_until     timestamptz,
    model           text NOT NULL DEFAULT '',
    prompt_version  text NOT NULL DEFAULT '',
    rubric_version  integer NOT NULL DEFAULT 0 CHECK (rubric_version >= 0),
    transcript_hash text NOT NULL DEFAULT '',
    result          jsonb CHECK (jsonb_typeof(result) = 'object'),
    error           text NOT NULL DEFAULT '',
    requested_by    text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL DEFAULT now(),
    completed_at    timestamptz,
    CHECK (status <> 'done' OR result IS NOT NULL),
    CHECK (status <> 'running' OR lease_until IS NOT NULL),
    CHECK (status NOT IN ('done', 'failed') OR completed_at IS NOT NULL),
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, interview_id) REFERENCES interview_sessions (tenant_id, id) ON DELETE CASCADE
);
-- At most one assessment per interview is pending or running.
CREATE UNIQUE INDEX assessments_one_open_idx ON assessments (tenant_id, interview_id)
    WHERE status IN ('pending', 'running');
-- An interview's history, newest first.
CREATE INDEX assessments_tenant_interview_idx ON assessments (tenant_id, interview_id, created_at);
-- The worker's claim: pending jobs that are due, running ones whose lease ended.
CREATE INDEX assessments_due_idx ON assessments (next_attempt_at) WHERE status = 'pending';
CREATE INDEX assessments_leased_idx ON assessments (lease_until) WHERE status = 'running';

CREATE TABLE scorecards (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id      uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    interview_id   uuid NOT NULL,
    -- auth.uid() of the reviewer; no foreign key, so that a scorecard
    -- outlives its reviewer's account, as audit entries do.
    reviewer_id    uuid NOT NULL,
    reviewer_email text NOT NULL DEFAULT '',
    rubric_version integer NOT NULL DEFAULT 0 CHECK (rubric_version >= 0),
    -- {"competency-key": 1..5, ...}
    scores         jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(scores) = 'object'),
    recommendation text NOT NULL DEFAULT ''
        CHECK (recommendation IN ('', 'strong_no', 'no', 'mixed', 'yes', 'strong_yes')),
    notes          text NOT NULL DEFAULT '',
    declined       boolean NOT NULL DEFAULT false,
    submitted_at   timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, interview_id, reviewer_id),
    FOREIGN KEY (tenant_id, interview_id) REFERENCES interview_sessions (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX scorecards_tenant_interview_idx ON scorecards (tenant_id, interview_id, submitted_at);
-- The blind-scoring helper below: a reviewer's scorecards.
CREATE INDEX scorecards_reviewer_idx ON scorecards (reviewer_id);

CREATE TABLE hiring_decisions (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id    uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    interview_id uuid NOT NULL,
    status       text NOT NULL CHECK (status IN ('new', 'shortlisted', 'advanced', 'rejected')),
    actor_kind   text NOT NULL CHECK (actor_kind IN ('user', 'api_key')),
    actor_id     text NOT NULL DEFAULT '',
    actor_name   text NOT NULL DEFAULT '',
    decided_at   timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (tenant_id, interview_id) REFERENCES interview_sessions (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX hiring_decisions_tenant_interview_idx ON hiring_decisions (tenant_id, interview_id, decided_at);

-- An interview.assessed delivery names the assessment it announces.
ALTER TABLE webhook_deliveries ADD COLUMN assessment_id uuid;

-- enqueue_assessed_deliveries writes one pending interview.assessed
-- delivery per active endpoint of the tenant that subscribes to it when an
-- assessment becomes done, in the same transaction, due at its completion
-- (the caller's clock). It runs as the tables' owner, as 00004's triggers
-- do, and locks the endpoints FOR SHARE against a concurrent disable.
-- +goose StatementBegin
CREATE FUNCTION private.enqueue_assessed_deliveries() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
BEGIN
    INSERT INTO webhook_deliveries (tenant_id, endpoint_id, event, interview_id, assessment_id,
        status, attempts, next_attempt_at, created_at)
    SELECT e.tenant_id, e.id, 'interview.assessed', NEW.interview_id, NEW.id,
           'pending', 0, NEW.completed_at, NEW.completed_at
    FROM webhook_endpoints e
    WHERE e.tenant_id = NEW.tenant_id
      AND e.disabled_at IS NULL
      AND (cardinality(e.events) = 0 OR 'interview.assessed' = ANY (e.events))
    FOR SHARE OF e;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
REVOKE ALL ON FUNCTION private.enqueue_assessed_deliveries() FROM PUBLIC;

CREATE TRIGGER assessments_webhooks
    AFTER UPDATE OF status ON assessments
    FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status AND NEW.status = 'done')
    EXECUTE FUNCTION private.enqueue_assessed_deliveries();

-- scored_interview_ids returns the interviews the current user has a
-- scorecard of. It runs as the owner (SECURITY DEFINER), so the scorecards
-- policy can ask it without recursing into itself.
CREATE FUNCTION private.scored_interview_ids() RETURNS SETOF uuid
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' ROWS 10
    AS $$
        SELECT c.interview_id FROM public.scorecards c WHERE c.reviewer_id = (SELECT auth.uid())
    $$;
REVOKE ALL ON FUNCTION private.scored_interview_ids() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION private.scored_interview_ids() TO authenticated;

-- Privileges: nothing for anon or PUBLIC; authenticated gets the commands
-- a policy below allows; service_role the four commands, as in 00007.
REVOKE ALL ON rubrics, question_marks, assessments, scorecards, hiring_decisions
    FROM PUBLIC, anon, authenticated, service_role;
GRANT SELECT, INSERT ON rubrics, assessments, hiring_decisions TO authenticated;
GRANT SELECT ON question_marks TO authenticated;
GRANT SELECT, INSERT,
    UPDATE (reviewer_email, rubric_version, scores, recommendation, notes, declined, updated_at)
    ON scorecards TO authenticated;
GRANT SELECT, INSERT, UPDATE, DELETE ON rubrics, question_marks, assessments, scorecards,
    hiring_decisions TO service_role;

ALTER TABLE rubrics ENABLE ROW LEVEL SECURITY;
ALTER TABLE question_marks ENABLE ROW LEVEL SECURITY;
ALTER TABLE assessments ENABLE ROW LEVEL SECURITY;
ALTER TABLE scorecards ENABLE ROW LEVEL SECURITY;
ALTER TABLE hiring_decisions ENABLE ROW LEVEL SECURITY;

-- rubrics: members read them; owners and recruiters add versions; a
-- version is never changed or deleted.
CREATE POLICY rubrics_select ON rubrics FOR SELECT TO authenticated
    USING (tenant_id IN (SELECT private.user_tenant_ids()));
CREATE POLICY rubrics_insert ON rubrics FOR INSERT TO authenticated
    WITH CHECK (tenant_id IN (SELECT private.user_tenant_ids('{owner,recruiter}')));
CREATE POLICY rubrics_update ON rubrics FOR UPDATE TO authenticated
    USING (false);
CREATE POLICY rubrics_delete ON rubrics FOR DELETE TO authenticated
    USING (false);

-- question_marks: members read them; only the calls manager (privileged
-- path) writes them.
CREATE POLICY question_marks_select ON question_marks FOR SELECT TO authenticated
    USING (tenant_id IN (SELECT private.user_tenant_ids()));
CREATE POLICY question_marks_insert ON question_marks FOR INSERT TO authenticated
    WITH CHECK (false);
CREATE POLICY question_marks_update ON question_marks FOR UPDATE TO authenticated
    USING (false);
CREATE POLICY question_marks_delete ON question_marks FOR DELETE TO authenticated
    USING (false);

-- assessments: blind scoring. Viewers read every one of their tenant;
-- owners and recruiters read an interview's once they have a scorecard of
-- it. Owners and recruiters may ask for one (a new pending job, nothing
-- else); only the worker (privileged path) claims and finishes them.
CREATE POLICY assessments_select ON assessments FOR SELECT TO authenticated
    USING (tenant_id IN (SELECT private.user_tenant_ids('{viewer}'))
        OR (tenant_id IN (SELECT private.user_tenant_ids('{owner,recruiter}'))
            AND interview_id IN (SELECT private.scored_interview_ids())));
CREATE POLICY assessments_insert ON assessments FOR INSERT TO authenticated
    WITH CHECK (tenant_id IN (SELECT private.user_tenant_ids('{owner,recruiter}'))
        AND status = 'pending' AND attempts = 0 AND lease_until IS NULL
        AND result IS NULL AND completed_at IS NULL);
CREATE POLICY assessments_update ON assessments FOR UPDATE TO authenticated
    USING (false);
CREATE POLICY assessments_delete ON assessments FOR DELETE TO authenticated
    USING (false);

-- scorecards: blind scoring. A member reads their own, every scorecard of
-- an interview they have one of, and viewers read all of their tenant's.
-- Owners and recruiters write only their own; nobody deletes one.
CREATE POLICY scorecards_select ON scorecards FOR SELECT TO authenticated
    USING (tenant_id IN (SELECT private.user_tenant_ids())
        AND (reviewer_id = (SELECT auth.uid())
            OR interview_id IN (SELECT private.scored_interview_ids())
            OR tenant_id IN (SELECT private.user_tenant_ids('{viewer}'))));
CREATE POLICY scorecards_insert ON scorecards FOR INSERT TO authenticated
    WITH CHECK (reviewer_id = (SELECT auth.uid())
        AND tenant_id IN (SELECT private.user_tenant_ids('{owner,recruiter}')));
CREATE POLICY scorecards_update ON scorecards FOR UPDATE TO authenticated
    USING (reviewer_id = (SELECT auth.uid())
        AND tenant_id IN (SELECT private.user_tenant_ids('{owner,recruiter}')))
    WITH CHECK (reviewer_id = (SELECT auth.uid())
        AND tenant_id IN (SELECT private.user_tenant_ids('{owner,recruiter}')));
CREATE POLICY scorecards_delete ON scorecards FOR DELETE TO authenticated
    USING (false);

-- hiring_decisions: members read the history; owners and recruiters add
-- to it (with the status change, which interview_sessions_update allows
-- them); the history is never changed.
CREATE POLICY hiring_decisions_select ON hiring_decisions FOR SELECT TO authenticated
    USING (tenant_id IN (SELECT private.user_tenant_ids()));
CREATE POLICY hiring_decisions_insert ON hiring_decisions FOR INSERT TO authenticated
    WITH CHECK (tenant_id IN (SELECT private.user_tenant_ids('{owner,recruiter}')));
CREATE POLICY hiring_decisions_update ON hiring_decisions FOR UPDATE TO authenticated
    USING (false);
CREATE POLICY hiring_decisions_delete ON hiring_decisions FOR DELETE TO authenticated
    USING (false);
