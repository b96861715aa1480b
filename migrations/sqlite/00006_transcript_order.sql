-- +goose Up
-- A line cut short (the candidate spoke over the interviewer, or the call
-- ended mid-sentence) is stored with what was said and marked interrupted.
ALTER TABLE transcript_entries ADD COLUMN interrupted INTEGER NOT NULL DEFAULT 0 CHECK (interrupted IN (0, 1));

-- Seq is the spoken order: renumber each interview's entries by (timestamp,
-- seq), gap-free from 1. Every seq first moves above the largest, so that
-- UNIQUE (interview_session_id, seq), checked row by row, holds throughout
-- (CHECK (seq >= 1) rules out negating them).
UPDATE transcript_entries SET seq = seq + (SELECT max(seq) FROM transcript_entries);
UPDATE transcript_entries SET seq = r.n
FROM (SELECT id, row_number() OVER (PARTITION BY interview_session_id ORDER BY timestamp, seq) AS n
      FROM transcript_entries) AS r
WHERE transcript_entries.id = r.id;
UPDATE interview_sessions SET transcript_seq = c.n
FROM (SELECT interview_session_id, count(*) AS n FROM transcript_entries GROUP BY interview_session_id) AS c
WHERE interview_sessions.id = c.interview_session_id AND interview_sessions.transcript_seq <> c.n;
