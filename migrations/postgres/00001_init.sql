-- interviewd's PostgreSQL schema: the tables of docs/data-model.md with
-- row-level security for the `authenticated` role (docs/postgres.md lists
-- every policy). The same file applies to plain PostgreSQL and to Supabase:
-- what Supabase already provides (roles, the auth schema and its functions)
-- is created only when it is missing.

-- +goose Up

-- Supabase's roles. Roles are global to the cluster, so several databases
-- migrating at once may race to create them: a duplicate is not an error.
-- +goose StatementBegin
DO $$
DECLARE
    r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['anon', 'authenticated', 'service_role'] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
            BEGIN
                EXECUTE format('CREATE ROLE %I NOLOGIN NOINHERIT', r);
            EXCEPTION WHEN duplicate_object OR unique_violation THEN
                NULL;
            END;
        END IF;
    END LOOP;
END
$$;
-- +goose StatementEnd

-- The server switches to `authenticated` (and tests to `anon`) with
-- SET LOCAL ROLE, which needs membership. A superuser needs none; a plain
-- owner gets it here when it may grant it, and is told otherwise.
-- +goose StatementBegin
DO $$
DECLARE
    r text;
BEGIN
    IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        RETURN;
    END IF;
    FOREACH r IN ARRAY ARRAY['anon', 'authenticated'] LOOP
        IF NOT pg_has_role(current_user, r, 'MEMBER') THEN
            BEGIN
                EXECUTE format('GRANT %I TO %I', r, current_user);
            EXCEPTION WHEN insufficient_privilege THEN
                RAISE WARNING 'interviewd: % cannot be granted role %; user-scoped queries will fail', current_user, r;
            END;
        END IF;
    END LOOP;
END
$$;
-- +goose StatementEnd

-- Supabase's auth schema and the two functions the policies use. On
-- Supabase they exist and are left alone; here they read the claims that
-- interviewd sets per transaction, exactly as PostgREST does.
-- +goose StatementBegin
DO $$
BEGIN
    IF to_regnamespace('auth') IS NULL THEN
        CREATE SCHEMA auth;
        GRANT USAGE ON SCHEMA auth TO anon, authenticated, service_role;
    END IF;
    IF to_regprocedure('auth.uid()') IS NULL THEN
        CREATE FUNCTION auth.uid() RETURNS uuid
            LANGUAGE sql STABLE
            AS $f$
                SELECT nullif(nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub', '')::uuid
            $f$;
        GRANT EXECUTE ON FUNCTION auth.uid() TO anon, authenticated, service_role;
    END IF;
    IF to_regprocedure('auth.email()') IS NULL THEN
        CREATE FUNCTION auth.email() RETURNS text
            LANGUAGE sql STABLE
            AS $f$
                SELECT nullif(nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email', '')
            $f$;
        GRANT EXECUTE ON FUNCTION auth.email() TO anon, authenticated, service_role;
    END IF;
END
$$;
-- +goose StatementEnd

CREATE TABLE tenants (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name       text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email         text NOT NULL UNIQUE CHECK (email = lower(email)),
    name          text NOT NULL DEFAULT '',
    password_hash text NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE tenant_users (
    tenant_id  uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role       text NOT NULL CHECK (role IN ('owner', 'recruiter', 'viewer')),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, user_id)
);
CREATE INDEX tenant_users_user_id_idx ON tenant_users (user_id, tenant_id);

CREATE TABLE positions (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id    uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    title        text NOT NULL,
    description  text NOT NULL DEFAULT '',
    instructions text NOT NULL DEFAULT '',
    questions    jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(questions) = 'array'),
    max_minutes  integer NOT NULL CHECK (max_minutes BETWEEN 1 AND 60),
    language     text NOT NULL DEFAULT 'en',
    voice        text NOT NULL DEFAULT '',
    archived_at  timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, id)
);
CREATE INDEX positions_tenant_created_idx ON positions (tenant_id, created_at);

CREATE TABLE candidates (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id  uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name       text NOT NULL,
    email      text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, id)
);
CREATE INDEX candidates_tenant_email_idx ON candidates (tenant_id, email);
-- The candidate policies match auth.email() case-insensitively.
CREATE INDEX candidates_lower_email_idx ON candidates (lower(email));

CREATE TABLE interview_sessions (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id         uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    position_id       uuid NOT NULL,
    candidate_id      uuid NOT NULL,
    status            text NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'ready', 'in_progress', 'completed', 'abandoned', 'failed')),
    webrtc_status     text NOT NULL DEFAULT 'pending',
    webrtc_server_url text NOT NULL DEFAULT '',
    webrtc_session_id text NOT NULL DEFAULT '',
    call_id           text NOT NULL DEFAULT '',
    ice_candidates    jsonb NOT NULL DEFAULT '[]',
    sdp_offers        jsonb NOT NULL DEFAULT '[]',
    sdp_answers       jsonb NOT NULL DEFAULT '[]',
    join_token_hash   text UNIQUE,
    join_expires_at   timestamptz,
    join_revoked_at   timestamptz,
    transcript_seq    bigint NOT NULL DEFAULT 0,
    started_at        timestamptz,
    ended_at          timestamptz,
    end_reason        text NOT NULL DEFAULT '',
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, position_id) REFERENCES positions (tenant_id, id),
    FOREIGN KEY (tenant_id, candidate_id) REFERENCES candidates (tenant_id, id)
);
CREATE INDEX interview_sessions_tenant_status_idx ON interview_sessions (tenant_id, status, created_at);
CREATE INDEX interview_sessions_tenant_created_idx ON interview_sessions (tenant_id, created_at);
CREATE INDEX interview_sessions_position_idx ON interview_sessions (tenant_id, position_id);
CREATE INDEX interview_sessions_candidate_idx ON interview_sessions (tenant_id, candidate_id);

CREATE TABLE transcript_entries (
    id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id            uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    interview_session_id uuid NOT NULL,
    seq                  bigint NOT NULL,
    item_id              text NOT NULL,
    speaker              text NOT NULL,
    text                 text NOT NULL,
    timestamp            timestamptz NOT NULL,
    source               text NOT NULL CHECK (source IN ('sideband', 'client', 'api')),
    confidence           double precision,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    UNIQUE (interview_session_id, item_id),
    UNIQUE (interview_session_id, seq),
    FOREIGN KEY (tenant_id, interview_session_id)
        REFERENCES interview_sessions (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX transcript_entries_tenant_session_idx ON transcript_entries (tenant_id, interview_session_id, seq);

CREATE TABLE video_segments (
    id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id            uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    interview_session_id uuid NOT NULL,
    video_url            text NOT NULL,
    start_time           timestamptz NOT NULL,
    end_time             timestamptz,
    status               text NOT NULL DEFAULT 'recording',
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (tenant_id, interview_session_id)
        REFERENCES interview_sessions (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX video_segments_tenant_session_idx ON video_segments (tenant_id, interview_session_id, start_time);

CREATE TABLE consents (
    id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id            uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    interview_session_id uuid NOT NULL,
    text_version         text NOT NULL,
    accepted_at          timestamptz NOT NULL DEFAULT now(),
    ip_address           text NOT NULL DEFAULT '',
    user_agent           text NOT NULL DEFAULT '',
    FOREIGN KEY (tenant_id, interview_session_id)
        REFERENCES interview_sessions (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX consents_tenant_session_idx ON consents (tenant_id, interview_session_id, accepted_at);

CREATE TABLE api_keys (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id    uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name         text NOT NULL,
    prefix       text NOT NULL,
    key_hash     text NOT NULL UNIQUE,
    created_by   text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    revoked_at   timestamptz
);
CREATE INDEX api_keys_tenant_created_idx ON api_keys (tenant_id, created_at);

CREATE TABLE audit_log (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    actor_type  text NOT NULL,
    actor_id    text NOT NULL DEFAULT '',
    action      text NOT NULL,
    target_type text NOT NULL DEFAULT '',
    target_id   text NOT NULL DEFAULT '',
    data        jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(data) = 'object'),
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_tenant_created_idx ON audit_log (tenant_id, created_at);

-- Helpers for the policies. They run as the owner of the tables
-- (SECURITY DEFINER), so a policy on tenant_users can ask who belongs to a
-- tenant without recursing into itself, and a candidate can be matched to
-- interviews without being allowed to read candidates. The private schema
-- is not exposed by Supabase's API.
CREATE SCHEMA IF NOT EXISTS private;
REVOKE ALL ON SCHEMA private FROM PUBLIC;
GRANT USAGE ON SCHEMA private TO authenticated;

-- user_tenant_ids returns the tenants the current user belongs to, with one
-- of roles when roles is not NULL.
CREATE FUNCTION private.user_tenant_ids(roles text[] DEFAULT NULL) RETURNS SETOF uuid
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' ROWS 10
    AS $$
        SELECT tu.tenant_id
        FROM public.tenant_users tu
        WHERE tu.user_id = (SELECT auth.uid())
          AND (roles IS NULL OR tu.role = ANY (roles))
    $$;

-- candidate_session_ids returns the interviews whose candidate has the
-- current user's email address.
CREATE FUNCTION private.candidate_session_ids() RETURNS SETOF uuid
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = '' ROWS 10
    AS $$
        SELECT s.id
        FROM public.candidates c
        JOIN public.interview_sessions s ON s.tenant_id = c.tenant_id AND s.candidate_id = c.id
        WHERE lower(c.email) = lower((SELECT auth.email()))
    $$;

REVOKE ALL ON FUNCTION private.user_tenant_ids(text[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION private.candidate_session_ids() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION private.user_tenant_ids(text[]) TO authenticated;
GRANT EXECUTE ON FUNCTION private.candidate_session_ids() TO authenticated;

-- Privileges: `authenticated` may use the tables (the policies choose the
-- rows); `anon` gets nothing, even where Supabase's default privileges
-- would have granted it everything.
GRANT USAGE ON SCHEMA public TO authenticated;
REVOKE ALL ON tenants, users, tenant_users, positions, candidates, interview_sessions,
    transcript_entries, video_segments, consents, api_keys, audit_log FROM PUBLIC, anon;
GRANT SELECT, INSERT, UPDATE, DELETE ON tenants, users, tenant_users, positions, candidates,
    interview_sessions, transcript_entries, video_segments, consents, api_keys, audit_log
    TO authenticated;
GRANT SELECT, INSERT, UPDATE, DELETE ON tenants, users, tenant_users, positions, candidates,
    interview_sessions, transcript_entries, video_segments, consents, api_keys, audit_log
    TO service_role;

-- goose's own table is in public too: on Supabase the API would expose it.
-- +goose StatementBegin
DO $$
BEGIN
    IF to_regclass('public.goose_db_version') IS NOT NULL THEN
        REVOKE ALL ON public.goose_db_version FROM PUBLIC, anon, authenticated;
    END IF;
END
$$;
-- +goose StatementEnd

ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
ALTER TABLE users ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenant_users ENABLE ROW LEVEL SECURITY;
ALTER TABLE positions ENABLE ROW LEVEL SECURITY;
ALTER TABLE candidates ENABLE ROW LEVEL SECURITY;
ALTER TABLE interview_sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE transcript_entries ENABLE ROW LEVEL SECURITY;
ALTER TABLE video_segments ENABLE ROW LEVEL SECURITY;
ALTER TABLE consents ENABLE ROW LEVEL SECURITY;
ALTER TABLE api_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;

-- Policies. Members read; owners and recruiters write; owners manage
-- members and API keys; a candidate (matched by email) reads their own
-- interviews and transcripts. A policy WITH CHECK (false) or USING (false)
-- states that nobody may, so that every operation has an explicit answer.

-- tenants: creating one is sign-up's job (privileged path).
CREATE POLICY tenants_select ON tenants FOR SELECT TO authenticated
    USING (id IN (SELECT private.user_tenant_ids()));
CREATE POLICY tenants_insert ON tenants FOR INSERT TO authenticated
    WITH CHECK (false);
CREATE POLICY tenants_update ON tenants FOR UPDATE TO authenticated
    USING (id IN (SELECT private.user_tenant_ids('{owner}')))
    WITH CHECK (id IN (SELECT private.user_tenant_ids('{owner}')));
CREATE POLICY tenants_delete ON tenants FOR DELETE TO authenticated
    USING (id IN (SELECT private.user_tenant_ids('{owner}')));

-- users: a user reads self and co-members and edits self; accounts are
-- created and deleted by the server.
CREATE POLICY users_select ON users FOR SELECT TO authenticated
    USING (id = (SELECT auth.uid())
        OR id IN (SELECT tu.user_id FROM tenant_users tu
                  WHERE tu.tenant_id IN (SELECT private.user_tenant_ids())));
CREATE POLICY users_insert ON users FOR INSERT TO authenticated
    WITH CHECK (false);
CREATE POLICY users_update ON users FOR UPDATE TO authenticated
    USING (id = (SELECT auth.uid()))
    WITH CHECK (id = (SELECT auth.uid()));
CREATE POLICY users_delete ON users FOR DELETE TO authenticated
    USING (false);

-- tenant_users: members see their team; owners manage it.
CREATE POLICY tenant_users_select ON tenant_users FOR SELECT TO authenticated
    USING (tenant_id IN (SELECT private.user_tenant_ids()));
CREATE POLICY tenant_users_insert ON tenant_users FOR INSERT TO authenticated
    WITH CHECK (tenant_id IN (SELECT private.user_tenant_ids('{owner}')));
CREATE POLICY tenant_users_update ON tenant_users FOR UPDATE TO authenticated
    USING (tenant_id IN (SELECT private.user_tenant_ids('{owner}')))
    WITH CHECK (tenant_id IN (SELECT private.user_tenant_ids('{owner}')));
CREATE POLICY tenant_users_delete ON tenant_users FOR DELETE TO authenticated
    USING (tenant_id IN (SELECT private.user_tenant_ids('{owner}')));

-- positions and candidates: members read, editors write.
CREATE POLICY positions_select ON positions FOR SELECT TO authenticated
    USING (tenant_id IN (SELECT private.user_tenant_ids()));
CREATE POLICY positions_insert ON positions FOR INSERT TO authenticated
    WITH CHECK (tenant_id IN (SELECT private.user_tenant_ids('{owner,recruiter}')));
CREATE POLICY positions_update ON positions FOR UPDATE TO authenticated
    USING (tenant_id IN (SELECT private.user_tenant_ids('{owner,recruiter}')))
    WITH CHECK (tenant_id IN (SELECT private.user_tenant_ids('{owner,recruiter}')));
CREATE POLICY positions_delete ON positions FOR DELETE TO authenticated
    USING (tenant_id IN (SELECT private.user_tenant_ids('{owner,recruiter}')));

CREATE POLICY candidates_select ON candidates FOR SELECT TO authenticated
    USING (tenant_id IN (SELECT private.user_tenant_ids()));
CREATE POLICY candidates_insert ON candidates FOR INSERT TO authenticated
    WITH CHECK (tenant_id IN (SELECT private.user_tenant_ids('{owner,recruiter}')));
CREATE POLICY candidates_update ON candidates FOR UPDATE TO authenticated
    USING (tenant_id IN (SELECT private.user_tenant_ids('{owner,recruiter}')))
    WITH CHECK (tenant_id IN (SELECT private.user_tenant_ids('{owner,recruiter}')));
CREATE POLICY candidates_delete ON candidates FOR DELETE TO authenticated
    USING (tenant_id IN (SELECT private.user_tenant_ids('{owner,recruiter}')));

-- interview_sessions: members and the interview's candidate read; editors write.
CREATE POLICY interview_sessions_select ON interview_sessions FOR SELECT TO authenticated
    USING (tenant_id IN (SELECT private.user_tenant_ids())
        OR id IN (SELECT private.candidate_session_ids()));
CREATE POLICY interview_sessions_insert ON interview_sessions FOR INSERT TO authenticated
    WITH CHECK (tenant_id IN (SELECT private.user_tenant_ids('{owner,recruiter}')));
CREATE POLICY interview_sessions_update ON interview_sessions FOR UPDATE TO authenticated
    USING (tenant_id IN (SELECT private.user_tenant_ids('{owner,recruiter}')))
    WITH CHECK (tenant_id IN (SELECT private.user_tenant_ids('{owner,recruiter}')));
CREATE POLICY interview_sessions_delete ON interview_sessions FOR DELETE TO authenticated
    USING (tenant_id IN (SELECT private.user_tenant_ids('{owner,recruiter}')));

-- transcript_entries: members and the interview's candidate read; editors
-- write, and add entries only to an interview that is still open.
CREATE POLICY transcript_entries_select ON transcript_entries FOR SELECT TO authenticated
    USING (tenant_id IN (SELECT private.user_tenant_ids())
        OR interview_session_id IN (SELECT private.candidate_session_ids()));
CREATE POLICY transcript_entries_insert ON transcript_entries FOR INSERT TO authenticated
    WITH CHECK (tenant_id IN (SELECT private.user_tenant_ids('{owner,recruiter}'))
        AND EXISTS (SELECT 1 FROM interview_sessions s
                    WHERE s.tenant_id = transcript_entries.tenant_id
                      AND s.id = transcript_entries.interview_session_id
                      AND s.status IN ('pending', 'ready', 'in_progress')));
CREATE POLICY transcript_entries_update ON transcript_entries FOR UPDATE TO authenticated
    USING (tenant_id IN (SELECT private.user_tenant_ids('{owner,recruiter}')))
    WITH CHECK (tenant_id IN (SELECT private.user_tenant_ids('{owner,recruiter}')));
CREATE POLICY transcript_entries_delete ON transcript_entries FOR DELETE TO authenticated
    USING (tenant_id IN (SELECT private.user_tenant_ids('{owner,recruiter}')));

-- video_segments: members read, editors write (the seed's "similar").
CREATE POLICY video_segments_select ON video_segments FOR SELECT TO authenticated
    USING (tenant_id IN (SELECT private.user_tenant_ids()));
CREATE POLICY video_segments_insert ON video_segments FOR INSERT TO authenticated
    WITH CHECK (tenant_id IN (SELECT private.user_tenant_ids('{owner,recruiter}')));
CREATE POLICY video_segments_update ON video_segments FOR UPDATE TO authenticated
    USING (tenant_id IN (SELECT private.user_tenant_ids('{owner,recruiter}')))
    WITH CHECK (tenant_id IN (SELECT private.user_tenant_ids('{owner,recruiter}')));
CREATE POLICY video_segments_delete ON video_segments FOR DELETE TO authenticated
    USING (tenant_id IN (SELECT private.user_tenant_ids('{owner,recruiter}')));

-- consents are evidence: members read, editors record, nobody changes one,
-- owners may erase one.
CREATE POLICY consents_select ON consents FOR SELECT TO authenticated
    USING (tenant_id IN (SELECT private.user_tenant_ids()));
CREATE POLICY consents_insert ON consents FOR INSERT TO authenticated
    WITH CHECK (tenant_id IN (SELECT private.user_tenant_ids('{owner,recruiter}')));
CREATE POLICY consents_update ON consents FOR UPDATE TO authenticated
    USING (false);
CREATE POLICY consents_delete ON consents FOR DELETE TO authenticated
    USING (tenant_id IN (SELECT private.user_tenant_ids('{owner}')));

-- api_keys: owners only.
CREATE POLICY api_keys_select ON api_keys FOR SELECT TO authenticated
    USING (tenant_id IN (SELECT private.user_tenant_ids('{owner}')));
CREATE POLICY api_keys_insert ON api_keys FOR INSERT TO authenticated
    WITH CHECK (tenant_id IN (SELECT private.user_tenant_ids('{owner}')));
CREATE POLICY api_keys_update ON api_keys FOR UPDATE TO authenticated
    USING (tenant_id IN (SELECT private.user_tenant_ids('{owner}')))
    WITH CHECK (tenant_id IN (SELECT private.user_tenant_ids('{owner}')));
CREATE POLICY api_keys_delete ON api_keys FOR DELETE TO authenticated
    USING (tenant_id IN (SELECT private.user_tenant_ids('{owner}')));

-- audit_log is append-only: members read it and add events in their own
-- name; nobody changes or deletes one.
CREATE POLICY audit_log_select ON audit_log FOR SELECT TO authenticated
    USING (tenant_id IN (SELECT private.user_tenant_ids()));
CREATE POLICY audit_log_insert ON audit_log FOR INSERT TO authenticated
    WITH CHECK (tenant_id IN (SELECT private.user_tenant_ids())
        AND actor_type = 'user'
        AND actor_id = (SELECT auth.uid())::text);
CREATE POLICY audit_log_update ON audit_log FOR UPDATE TO authenticated
    USING (false);
CREATE POLICY audit_log_delete ON audit_log FOR DELETE TO authenticated
    USING (false);
