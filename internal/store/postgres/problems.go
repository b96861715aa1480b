package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

// AddCandidateProblem stores a problem a candidate's page reported, unless
// it repeats one (store.FoldCandidateProblem). A transaction lock per
// interview queues parallel reports, so that each counts the ones
// committed before it. Members may not write: the policy refuses their
// INSERT, so it is the server's path for the candidate that stores it.
func (s *Store) AddCandidateProblem(ctx context.Context, p *interview.CandidateProblem) (bool, error) {
	if err := store.PrepareCandidateProblem(p); err != nil {
		return false, err
	}
	fillTime(&p.At, now())
	stored := false
	err := s.tx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, lockKey("problems:"+p.InterviewID)); err != nil {
			return err
		}
		var n int
		var repeat *time.Time
		err := tx.QueryRow(ctx, `SELECT count(*), max(at) FILTER (WHERE code = $3 AND at BETWEEN $4 AND $5)
			FROM candidate_problems WHERE tenant_id = $1 AND interview_id = $2`,
			p.TenantID, p.InterviewID, p.Code, p.At.Add(-interview.ProblemFold), p.At.Add(interview.ProblemFold)).Scan(&n, &repeat)
		if err != nil {
			return err
		}
		var repeatOf time.Time
		if repeat != nil {
			repeatOf = repeat.UTC()
		}
		if stored, err = store.FoldCandidateProblem(p, n, repeatOf); err != nil || !stored {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO candidate_problems (tenant_id, interview_id, code, at)
			VALUES ($1, $2, $3, $4)`, p.TenantID, p.InterviewID, p.Code, p.At)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("add problem to interview %s: %w", p.InterviewID, err)
	}
	return stored, nil
}

// ListCandidateProblems returns an interview's problems, oldest first.
func (s *Store) ListCandidateProblems(ctx context.Context, tenantID, interviewID string) ([]interview.CandidateProblem, error) {
	rows, err := s.q().Query(ctx, `SELECT tenant_id, interview_id, code, at FROM candidate_problems
		WHERE tenant_id = $1 AND interview_id = $2 ORDER BY at, id`, tenantID, interviewID)
	list, err := collect(rows, err, func(r pgx.Rows, p *interview.CandidateProblem) error {
		return r.Scan(&p.TenantID, &p.InterviewID, &p.Code, &p.At)
	})
	if err != nil {
		return nil, fmt.Errorf("list problems of interview %s: %w", interviewID, err)
	}
	return list, nil
}
