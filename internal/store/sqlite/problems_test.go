package sqlite_test

import (
	"path/filepath"
	"testing"

	"github.com/google/uuid"

	"github.com/interviewd/interviewd/internal/store"
	"github.com/interviewd/interviewd/internal/store/storetest"
)

func TestCandidateProblemsConformance(t *testing.T) {
	storetest.RunCandidateProblems(t, func(t *testing.T) store.Store {
		return open(t, filepath.Join(t.TempDir(), "interviewd.db"))
	})
}

// The table's CHECK holds the same codes as interview.ProblemCodes.
func TestCandidateProblemCodesInSQL(t *testing.T) {
	s := open(t, filepath.Join(t.TempDir(), "interviewd.db"))
	storetest.RunProblemCheck(t, s, func(t *testing.T, tenantID, interviewID, code string) error {
		_, err := s.DB().ExecContext(t.Context(), `INSERT INTO candidate_problems (id, tenant_id, interview_id, code, at)
			VALUES (?, ?, ?, ?, '2099-01-01T00:00:00.000000Z')`, uuid.NewString(), tenantID, interviewID, code)
		return err
	})
}
