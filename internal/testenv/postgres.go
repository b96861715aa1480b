package testenv

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

// DefaultPostgresURL is the server every developer and CI machine runs:
// 127.0.0.1:5432, trust authentication (DESIGN.md).
const DefaultPostgresURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// PostgresAdminURL is the server tests create their databases on:
// INTERVIEWD_TEST_POSTGRES, or DefaultPostgresURL.
func PostgresAdminURL() string {
	if u := os.Getenv("INTERVIEWD_TEST_POSTGRES"); u != "" {
		return u
	}
	return DefaultPostgresURL
}

// PostgresAdmin connects to the admin database, or reports PostgreSQL
// missing (a skip outside CI, a failure in CI). The connection closes when
// the test ends.
func PostgresAdmin(t testing.TB) *pgx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, PostgresAdminURL())
	if err != nil {
		Missing(t, "PostgreSQL", err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// PostgresDB creates an empty database for the test, dropped (with its
// connections) when the test ends, and returns its URL and name.
func PostgresDB(t testing.TB) (dbURL, name string) {
	t.Helper()
	admin := PostgresAdmin(t)
	b := make([]byte, 8)
	rand.Read(b)
	name = "interviewd_test_" + hex.EncodeToString(b)
	ctx := context.Background()
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
			t.Errorf("drop test database %s: %v", name, err)
		}
	})
	u, err := url.Parse(PostgresAdminURL())
	if err != nil {
		t.Fatalf("INTERVIEWD_TEST_POSTGRES must be a URL: %v", err)
	}
	u.Path = "/" + name
	return u.String(), name
}
