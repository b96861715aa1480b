-- +goose Up
-- The question the interviewer asked last (1-based; 0 before the first),
-- recorded by the calls manager from the model's question_asked calls.
-- Like the call fields, only the server's privileged path writes it.
ALTER TABLE interview_sessions ADD COLUMN current_question integer NOT NULL DEFAULT 0 CHECK (current_question >= 0);
