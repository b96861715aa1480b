package postgres

import (
	"testing"

	"github.com/interviewd/interviewd/internal/store"
	"github.com/interviewd/interviewd/internal/store/storetest"
)

// The suite of the problems candidates' pages report on each server, each
// subtest on a database of its own.
func TestCandidateProblemsConformance(t *testing.T) {
	t.Parallel()
	onEachServer(t, func(t *testing.T, srv server) {
		srv.reach(t)
		storetest.RunCandidateProblems(t, func(t *testing.T) store.Store { return srv.open(t) })
	})
}

// The table's CHECK holds the same codes as interview.ProblemCodes.
func TestCandidateProblemCodesInSQL(t *testing.T) {
	t.Parallel()
	onEachServer(t, func(t *testing.T, srv server) {
		srv.reach(t)
		s := srv.open(t)
		storetest.RunProblemCheck(t, s, func(t *testing.T, tenantID, interviewID, code string) error {
			_, err := s.pool.Exec(t.Context(), `INSERT INTO candidate_problems (tenant_id, interview_id, code)
				VALUES ($1, $2, $3)`, tenantID, interviewID, code)
			return err
		})
	})
}
