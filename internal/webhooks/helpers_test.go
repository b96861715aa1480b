package webhooks

import (
	"context"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/interviewd/interviewd/internal/store"
	"github.com/interviewd/interviewd/internal/store/postgres"
	"github.com/interviewd/interviewd/internal/store/sqlite"
	"github.com/interviewd/interviewd/internal/testenv"
)

// toHeader makes request headers of a map, canonicalising the names as a
// server would receive them.
func toHeader(m map[string]string) http.Header {
	h := http.Header{}
	for k, v := range m {
		h.Set(k, v)
	}
	return h
}

// forEachStore runs test on a SQLite file and on a fresh PostgreSQL
// database (skipped when PostgreSQL is missing, failed under CI=true).
func forEachStore(t *testing.T, test func(t *testing.T, st store.Store)) {
	t.Run("sqlite", func(t *testing.T) { test(t, openSQLite(t)) })
	t.Run("postgres", func(t *testing.T) {
		dbURL, _ := testenv.PostgresDB(t)
		st, err := postgres.Open(context.Background(), dbURL)
		if err != nil {
			t.Fatalf("open postgres: %v", err)
		}
		t.Cleanup(func() { st.Close() })
		test(t, st)
	})
}

// openSQLite opens a fresh SQLite file for the test.
func openSQLite(t *testing.T) store.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "interviewd.db"))
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// splitHostPort splits an http://host:port URL.
func splitHostPort(u string) (host, port string, err error) {
	return net.SplitHostPort(strings.TrimPrefix(u, "http://"))
}
