package sqlite_test

import (
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/interviewd/interviewd/internal/store"
	"github.com/interviewd/interviewd/internal/store/storetest"
)

// After an erasure no table holds the candidate's name, e-mail or words.
func TestErasureLeavesNothing(t *testing.T) {
	storetest.RunErasureScan(t, func(t *testing.T) (store.Store, *sql.DB) {
		s := open(t, filepath.Join(t.TempDir(), "interviewd.db"))
		return s, s.DB()
	})
}
