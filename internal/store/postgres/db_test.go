package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// defaultAdminURL is the local test server every developer and CI machine
// runs (see DESIGN.md).
const defaultAdminURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// adminURL is the server the tests create their databases on.
func adminURL() string {
	if u := os.Getenv("INTERVIEWD_TEST_POSTGRES"); u != "" {
		return u
	}
	return defaultAdminURL
}

// adminConn connects to the admin database, skipping the test when no
// server answers, except in CI, where a missing server is a failure.
func adminConn(tb testing.TB) *pgx.Conn {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, adminURL())
	if err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("PostgreSQL is required in CI: %v", err)
		}
		tb.Skipf("no PostgreSQL at INTERVIEWD_TEST_POSTGRES: %v", err)
	}
	return conn
}

// newDatabase creates an empty database of its own for the test, dropped
// when the test ends, and returns its URL.
func newDatabase(tb testing.TB) string {
	tb.Helper()
	admin := adminConn(tb)
	b := make([]byte, 8)
	rand.Read(b)
	name := "interviewd_test_" + hex.EncodeToString(b)
	ctx := context.Background()
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		admin.Close(ctx)
		tb.Fatalf("create test database: %v", err)
	}
	tb.Cleanup(func() {
		_, err := admin.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
		if err != nil {
			tb.Errorf("drop test database %s: %v", name, err)
		}
		admin.Close(ctx)
	})
	u, err := url.Parse(adminURL())
	if err != nil {
		tb.Fatalf("INTERVIEWD_TEST_POSTGRES must be a URL: %v", err)
	}
	u.Path = "/" + name
	return u.String()
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
