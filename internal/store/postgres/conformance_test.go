package postgres

import (
	"testing"

	"github.com/interviewd/interviewd/internal/store"
	"github.com/interviewd/interviewd/internal/store/storetest"
)

// The shared conformance suite on each server, each subtest on a database
// of its own.
func TestConformance(t *testing.T) {
	t.Parallel()
	onEachServer(t, func(t *testing.T, srv server) {
		srv.reach(t) // skip (or fail in CI) once per server, not per subtest
		storetest.Run(t, func(t *testing.T) store.Store { return srv.open(t) })
	})
}

// The shared-state suite on each server: two stores opened separately on
// one database, as two instances are.
func TestConformanceShared(t *testing.T) {
	t.Parallel()
	onEachServer(t, func(t *testing.T, srv server) {
		srv.reach(t)
		storetest.RunShared(t, func(t *testing.T) (store.Store, store.Store) {
			url := srv.newDB(t)
			return openURL(t, url), openURL(t, url)
		})
	})
}
