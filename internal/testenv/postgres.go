package testenv

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver of OpenDB
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
	return connectAdmin(t, PostgresAdminURL(), "PostgreSQL")
}

// PostgresDB creates an empty database for the test, dropped (with its
// connections) when the test ends, and returns its URL and name.
func PostgresDB(t testing.TB) (dbURL, name string) {
	t.Helper()
	admin := PostgresAdmin(t)
	return createDB(t, admin, PostgresAdminURL(), "INTERVIEWD_TEST_POSTGRES", "", func(name string) error {
		_, err := admin.Exec(context.Background(), "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
		return err
	})
}

// connectAdmin connects to adminURL, or reports what is missing. The
// connection closes when the test ends.
func connectAdmin(t testing.TB, adminURL, what string) *pgx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		Missing(t, what, err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// createDB creates a database with a random name on admin's server (a copy
// of template, when given), has drop remove it when the test ends, and
// returns its URL (adminURL with the database's name; env is the variable
// that set adminURL, for the error) and its name.
func createDB(t testing.TB, admin *pgx.Conn, adminURL, env, template string, drop func(name string) error) (dbURL, name string) {
	t.Helper()
	u, err := url.Parse(adminURL)
	if err != nil {
		t.Fatalf("%s must be a URL: %v", env, err)
	}
	b := make([]byte, 8)
	rand.Read(b)
	name = "interviewd_test_" + hex.EncodeToString(b)
	create := "CREATE DATABASE " + pgx.Identifier{name}.Sanitize()
	if template != "" {
		create += " TEMPLATE " + pgx.Identifier{template}.Sanitize()
	}
	if _, err := admin.Exec(context.Background(), create); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		if err := drop(name); err != nil {
			t.Errorf("drop test database %s: %v", name, err)
		}
	})
	u.Path = "/" + name
	return u.String(), name
}

// OpenDB opens a database/sql handle on a database a test's store uses
// ("sqlite" with the file's DSN, "pgx" with the PostgreSQL URL), closed
// when the test ends: for checks that read every table, such as
// storetest.Leftovers.
func OpenDB(t testing.TB, driver, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
