package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

// AddCandidateProblem stores a problem a candidate's page reported, unless
// it repeats one (store.FoldCandidateProblem). The write transaction holds
// the database's write lock from its first statement, so what it counts
// stays true until it inserts.
func (s *Store) AddCandidateProblem(ctx context.Context, p *interview.CandidateProblem) (bool, error) {
	if err := store.PrepareCandidateProblem(p); err != nil {
		return false, err
	}
	fillTime(&p.At, now())
	stored := false
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var n int
		var repeatOf time.Time // NULL, the zero time, when there is no repeat
		err := tx.QueryRowContext(ctx, `SELECT count(*), max(CASE WHEN code = ? AND at BETWEEN ? AND ? THEN at END)
			FROM candidate_problems WHERE tenant_id = ? AND interview_id = ?`,
			p.Code, ts(p.At.Add(-interview.ProblemFold)), ts(p.At.Add(interview.ProblemFold)), p.TenantID, p.InterviewID).Scan(&n, timeDest{&repeatOf})
		if err != nil {
			return dbErr(err)
		}
		if stored, err = store.FoldCandidateProblem(p, n, repeatOf); err != nil || !stored {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO candidate_problems (id, tenant_id, interview_id, code, at)
			VALUES (?, ?, ?, ?, ?)`, newID(), p.TenantID, p.InterviewID, p.Code, ts(p.At))
		return dbErr(err)
	})
	if err != nil {
		return false, fmt.Errorf("add problem to interview %s: %w", p.InterviewID, err)
	}
	return stored, nil
}

// ListCandidateProblems returns an interview's problems, oldest first.
func (s *Store) ListCandidateProblems(ctx context.Context, tenantID, interviewID string) ([]interview.CandidateProblem, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT tenant_id, interview_id, code, at FROM candidate_problems
		WHERE tenant_id = ? AND interview_id = ? ORDER BY at, id`, tenantID, interviewID)
	list, err := collect(rows, err, func(r *sql.Rows, p *interview.CandidateProblem) error {
		return r.Scan(&p.TenantID, &p.InterviewID, &p.Code, timeDest{&p.At})
	})
	if err != nil {
		return nil, fmt.Errorf("list problems of interview %s: %w", interviewID, err)
	}
	return list, nil
}
