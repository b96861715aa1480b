package postgres

import (
	"testing"

	"github.com/interviewd/interviewd/internal/store"
	"github.com/interviewd/interviewd/internal/store/storetest"
)

// The shared conformance suite, each subtest on a database of its own.
func TestConformance(t *testing.T) {
	t.Parallel()
	adminConn(t) // skip (or fail in CI) once, not per subtest
	storetest.Run(t, func(t *testing.T) store.Store { return openStore(t) })
}
