package postgres

import (
	"context"
	"net/url"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/interviewd/interviewd/internal/store/postgres/pgtest"
	"github.com/interviewd/interviewd/internal/testenv"
)

// server is a PostgreSQL the suites run on, and how a test gets a database
// of its own there.
type server struct {
	name  string
	reach func(testing.TB) *pgx.Conn // its admin database: a skip without it, a failure in CI
	newDB func(testing.TB) string
}

// servers are the two shapes interviewd meets: a plain PostgreSQL, where
// the first migration creates Supabase's roles and helpers, and a database
// shaped like a new Supabase project's (its roles, its default privileges
// on public, a `postgres` that is no superuser), with the helpers Supabase
// Auth's migrations leave.
var servers = []server{
	{"plain", testenv.PostgresAdmin, newDatabase},
	{"supabase", testenv.SupabasePostgresAdmin, pgtest.SupabaseDB},
}

// onEachServer runs fn as one subtest per server, named after it (plain/,
// supabase/), one after the other so that the package's parallelism stays
// what -parallel says.
func onEachServer(t *testing.T, fn func(t *testing.T, srv server)) {
	for _, srv := range servers {
		t.Run(srv.name, func(t *testing.T) { fn(t, srv) })
	}
}

// open opens a migrated Store on a new database of the server.
func (srv server) open(tb testing.TB) *Store {
	tb.Helper()
	return openURL(tb, srv.newDB(tb))
}

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
