package postgres

import (
	"testing"

	"github.com/interviewd/interviewd/internal/store"
	"github.com/interviewd/interviewd/internal/store/storetest"
)

// The candidate feedback suite on each server, each subtest on a database
// of its own.
func TestFeedbackConformance(t *testing.T) {
	t.Parallel()
	onEachServer(t, func(t *testing.T, srv server) {
		srv.reach(t)
		storetest.RunFeedback(t, func(t *testing.T) store.Store { return srv.open(t) })
	})
}
