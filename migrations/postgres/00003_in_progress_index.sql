-- +goose Up
-- At start-up the calls manager looks for interviews left in progress by
-- the previous process, across tenants (store.Sessions.ListInProgress).
CREATE INDEX interview_sessions_in_progress_idx ON interview_sessions (started_at)
    WHERE status = 'in_progress';
