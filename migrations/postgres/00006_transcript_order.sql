-- +goose Up
-- A line cut short (the candidate spoke over the interviewer, or the call
-- ended mid-sentence) is stored with what was said and marked interrupted.
-- transcript_entries' grants and policies are table-wide, so they cover it.
ALTER TABLE transcript_entries ADD COLUMN interrupted boolean NOT NULL DEFAULT false;

-- Seq is the spoken order: renumber each interview's entries by (timestamp,
-- seq), gap-free from 1. Every seq first moves above the largest, so that
-- UNIQUE (interview_session_id, seq), checked row by row, holds throughout.
UPDATE transcript_entries SET seq = seq + (SELECT max(seq) FROM transcript_entries);
UPDATE transcript_entries e SET seq = r.n
FROM (SELECT id, row_number() OVER (PARTITION BY interview_session_id ORDER BY timestamp, seq) AS n
      FROM transcript_entries) AS r
WHERE e.id = r.id;
UPDATE interview_sessions s SET transcript_seq = c.n
FROM (SELECT interview_session_id, count(*) AS n FROM transcript_entries GROUP BY interview_session_id) AS c
WHERE s.id = c.interview_session_id AND s.transcript_seq <> c.n;
