package postgres

import (
	"context"
	"net/url"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/interviewd/interviewd/internal/testenv"
)

// adminConn connects to the test server's admin database (a skip without
// PostgreSQL, a failure in CI).
func adminConn(tb testing.TB) *pgx.Conn {
	tb.Helper()
	return testenv.PostgresAdmin(tb)
}

// newDatabase creates an empty database of its own for the test, dropped
// when the test ends, and returns its URL.
func newDatabase(tb testing.TB) string {
	tb.Helper()
	dbURL, _ := testenv.PostgresDB(tb)
	return dbURL
}

// withParam adds a query parameter to a database URL.
func withParam(tb testing.TB, dbURL, key, value string) string {
	tb.Helper()
	u, err := url.Parse(dbURL)
	if err != nil {
		tb.Fatal(err)
	}
	q := u.Query()
	q.Set(key, value)
	u.RawQuery = q.Encode()
	return u.String()
}

// openStore opens a migrated Store on a new database; it is closed before
// the database is dropped.
func openStore(tb testing.TB) *Store {
	tb.Helper()
	return openURL(tb, newDatabase(tb))
}

func openURL(tb testing.TB, dbURL string) *Store {
	tb.Helper()
	s, err := Open(context.Background(), dbURL)
	if err != nil {
		tb.Fatalf("open: %v", err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}
