package postgres

import (
	"testing"

	"github.com/interviewd/interviewd/internal/store"
	"github.com/interviewd/interviewd/internal/store/storetest"
)

// The e-mail outbox's suite on each server, each subtest on a database of
// its own.
func TestMailConformance(t *testing.T) {
	t.Parallel()
	onEachServer(t, func(t *testing.T, srv server) {
		srv.reach(t)
		storetest.RunMail(t, func(t *testing.T) store.Store { return srv.open(t) })
	})
}
