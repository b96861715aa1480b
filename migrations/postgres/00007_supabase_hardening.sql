-- What trying interviewd on real Supabase parts showed (docs/postgres.md):
-- 1. No policy trusts an email claim. Supabase Auth signs anyone up with
--    any address (without confirmation, it does not check the address is
--    theirs), so the candidate branches of the interview and transcript
--    policies let a stranger read a transcript. Candidates reach their
--    interview through interviewd's join link, on the privileged path.

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
