package postgres

import (
	"database/sql"
	"testing"

	"github.com/jackc/pgx/v5/stdlib"

	"github.com/interviewd/interviewd/internal/store"
	"github.com/interviewd/interviewd/internal/store/storetest"
)

// After an erasure no text column of the schema holds the candidate's
// name, e-mail or words, on each server.
func TestErasureLeavesNothing(t *testing.T) {
	t.Parallel()
	onEachServer(t, func(t *testing.T, srv server) {
		srv.reach(t)
		storetest.RunErasureScan(t, func(t *testing.T) (store.Store, *sql.DB) {
			s := srv.open(t)
			db := stdlib.OpenDBFromPool(s.pool)
			t.Cleanup(func() { db.Close() })
			return s, db
		})
	})
}
