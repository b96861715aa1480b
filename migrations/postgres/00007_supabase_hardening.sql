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
