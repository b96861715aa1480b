-- What trying interviewd on real Supabase parts showed (docs/postgres.md):
-- 1. No policy trusts an email claim. Supabase Auth signs anyone up with
--    any address (without confirmation, it does not check the address is
--    theirs), so the candidate branches of the interview and transcript
--    policies let a stranger read a transcript. Candidates reach their
--    interview through interviewd's join link, on the privileged path.
-- 2. Grant only what the policies allow. Supabase's default privileges
--    grant everything new in public to anon, authenticated and service_role,
--    TRUNCATE, REFERENCES and TRIGGER included, which row-level security
--    does not govern (TRUNCATE empties a table whatever the policies say).
--    Everything is revoked, then each role gets the commands a policy lets
--    someone run (the policy table of docs/postgres.md), and later tables
--    start from nothing.
-- 3. On plain PostgreSQL, 00001 created the auth schema and its helpers
--    owned by the migrating role. Supabase Auth migrates as
--    supabase_auth_admin with search_path auth, and could then neither use
--    the schema ("no schema has been selected to create in") nor replace
--    the helpers. The shim's schema and helpers now belong to that role,
--    as on Supabase. A schema someone else owns, or one Auth has already
--    migrated into, is left alone.

-- +goose Up

DROP POLICY interview_sessions_select ON interview_sessions;
CREATE POLICY interview_sessions_select ON interview_sessions FOR SELECT TO authenticated
    USING (tenant_id IN (SELECT private.user_tenant_ids()));

DROP POLICY transcript_entries_select ON transcript_entries;
CREATE POLICY transcript_entries_select ON transcript_entries FOR SELECT TO authenticated
    USING (tenant_id IN (SELECT private.user_tenant_ids()));

DROP FUNCTION private.candidate_session_ids();
-- It served only the candidate policies.
DROP INDEX candidates_lower_email_idx;

-- Revoke everything from the API roles on interviewd's tables, goose's
-- table and its sequence. Revoking a table privilege revokes its column
-- privileges too, so the column grants of 00002 and 00004 are made again.
REVOKE ALL ON tenants, users, tenant_users, positions, candidates, interview_sessions,
    transcript_entries, video_segments, consents, api_keys, audit_log, logins, invitations,
    idempotency_keys, webhook_endpoints, webhook_deliveries, goose_db_version
    FROM PUBLIC, anon, authenticated, service_role;
-- +goose StatementBegin
DO $$
DECLARE
    seq text := pg_get_serial_sequence('public.goose_db_version', 'id');
BEGIN
    IF seq IS NOT NULL THEN
        EXECUTE format('REVOKE ALL ON SEQUENCE %s FROM PUBLIC, anon, authenticated, service_role', seq);
    END IF;
END
$$;
-- +goose StatementEnd

-- authenticated: the commands a policy allows someone, per table. Where
-- every policy for a command says nobody (USING or WITH CHECK false), the
-- command is not granted either.
GRANT SELECT, UPDATE, DELETE ON tenants TO authenticated;
GRANT SELECT (id, email, name, created_at), UPDATE (name) ON users TO authenticated;
GRANT SELECT, INSERT, UPDATE, DELETE ON tenant_users, positions, candidates, interview_sessions,
    transcript_entries, video_segments, api_keys, invitations, idempotency_keys TO authenticated;
GRANT SELECT, INSERT, DELETE ON consents TO authenticated;
GRANT SELECT, INSERT ON audit_log TO authenticated;
GRANT SELECT (id, tenant_id, url, description, events, created_by, created_at, disabled_at),
    INSERT,
    UPDATE (url, description, events, disabled_at)
    ON webhook_endpoints TO authenticated;
GRANT SELECT ON webhook_deliveries TO authenticated;
-- logins: nothing (server-only). anon and PUBLIC: nothing anywhere.

-- service_role is Supabase's key for a project's own back office; it
-- bypasses row-level security. It keeps the four commands on interviewd's
-- tables, not goose's, and never TRUNCATE, REFERENCES or TRIGGER.
GRANT SELECT, INSERT, UPDATE, DELETE ON tenants, users, tenant_users, positions, candidates,
    interview_sessions, transcript_entries, video_segments, consents, api_keys, audit_log, logins,
    invitations, idempotency_keys, webhook_endpoints, webhook_deliveries TO service_role;

-- interviewd keeps no function in public; whatever Supabase's default
-- privileges granted on one the migrating role owns is taken back.
-- +goose StatementBegin
DO $$
DECLARE
    fn regprocedure;
BEGIN
    FOR fn IN SELECT p.oid FROM pg_proc p
              WHERE p.pronamespace = 'public'::regnamespace AND p.proowner = current_user::regrole LOOP
        EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM anon, authenticated, service_role', fn);
    END LOOP;
END
$$;
-- +goose StatementEnd

-- What the migrating role creates in public from now on is granted to no
-- API role: each later migration grants what its policies allow, and
-- TestAPIRolesHoldOnlyWhatPoliciesAllow checks every table. (Default
-- privileges are per database and per creating role; a project's tables
-- made by another role keep Supabase's defaults.)
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON TABLES FROM anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON SEQUENCES FROM anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON FUNCTIONS FROM anon, authenticated, service_role;

-- +goose StatementBegin
DO $$
DECLARE
    fn text;
BEGIN
    IF (SELECT nspowner FROM pg_namespace WHERE nspname = 'auth') IS DISTINCT FROM current_user::regrole
       OR to_regclass('auth.users') IS NOT NULL THEN
        RETURN;
    END IF;
    IF to_regrole('supabase_auth_admin') IS NULL THEN
        BEGIN
            -- As Supabase creates it; an operator lets it log in for Auth.
            -- Several databases migrating at once may race to create it.
            CREATE ROLE supabase_auth_admin NOLOGIN NOINHERIT;
            ALTER ROLE supabase_auth_admin SET search_path = auth;
        EXCEPTION
            WHEN duplicate_object OR unique_violation THEN
                NULL;
            WHEN insufficient_privilege THEN
                RAISE WARNING 'interviewd: % may not create role supabase_auth_admin, so schema auth stays its own; '
                    'before Supabase Auth migrates into this database, a superuser must create the role and give it '
                    'the schema and its functions (docs/postgres.md)', current_user;
                RETURN;
        END;
    END IF;
    BEGIN
        ALTER SCHEMA auth OWNER TO supabase_auth_admin;
        FOREACH fn IN ARRAY ARRAY['auth.uid()', 'auth.email()'] LOOP
            IF (SELECT proowner FROM pg_proc WHERE oid = to_regprocedure(fn)) = current_user::regrole THEN
                EXECUTE format('ALTER FUNCTION %s OWNER TO supabase_auth_admin', fn);
            END IF;
        END LOOP;
        -- As on Supabase, the tables' owner may still use the schema (the
        -- policies' helpers call auth.uid() as the owner).
        EXECUTE format('GRANT USAGE ON SCHEMA auth TO %I', current_user);
    EXCEPTION WHEN insufficient_privilege THEN
        RAISE WARNING 'interviewd: % may not give schema auth to supabase_auth_admin (%); before Supabase Auth '
            'migrates into this database, a superuser must run ALTER SCHEMA auth OWNER TO supabase_auth_admin, '
            'and the same for auth.uid() and auth.email()', current_user, SQLERRM;
    END;
END
$$;
-- +goose StatementEnd
