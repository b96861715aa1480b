package testenv

import (
	"context"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// DefaultSupabasePostgresURL is the Supabase-shaped cluster that
// .ci/supabase-db starts (go tool task setup runs it): Supabase's roles,
// schemas and default privileges, and a `postgres` that is not a superuser.
const DefaultSupabasePostgresURL = "postgres://postgres@127.0.0.1:54322/postgres?sslmode=disable"

// supabaseTemplate is the shaped database each test database is copied
// from, as a new Supabase project's database would start.
const supabaseTemplate = "supabase_shape"

// SupabasePostgresAdminURL is the Supabase-shaped server:
// INTERVIEWD_TEST_SUPABASE_POSTGRES, or DefaultSupabasePostgresURL.
func SupabasePostgresAdminURL() string {
	if u := os.Getenv("INTERVIEWD_TEST_SUPABASE_POSTGRES"); u != "" {
		return u
	}
	return DefaultSupabasePostgresURL
}

// SupabasePostgresAdmin connects to the shaped server's admin database as
// its (non-superuser) postgres, or reports it missing (a skip outside CI, a
// failure in CI: run .ci/supabase-db). The connection closes when the test
// ends.
func SupabasePostgresAdmin(t testing.TB) *pgx.Conn {
	t.Helper()
	return connectAdmin(t, SupabasePostgresAdminURL(), "the Supabase-shaped PostgreSQL (.ci/supabase-db)")
}

// SupabaseDB creates a database for the test on the Supabase-shaped server,
// copied from its shaped template (so it has Supabase's schemas, helpers and
// default privileges), dropped when the test ends. It returns its URL (as
// postgres, who owns it, as on Supabase) and its name.
func SupabaseDB(t testing.TB) (dbURL, name string) {
	t.Helper()
	admin := SupabasePostgresAdmin(t)
	return createDB(t, admin, SupabasePostgresAdminURL(), "INTERVIEWD_TEST_SUPABASE_POSTGRES", supabaseTemplate, dropAsBootstrap)
}

// dropAsBootstrap drops a test database as the shaped cluster's bootstrap
// superuser, supabase_admin. The project's postgres is no superuser, and
// DROP DATABASE … WITH (FORCE) then cannot end the backends of roles it is
// not a member of (supabase_auth_admin's, or an autovacuum worker's).
func dropAsBootstrap(name string) error {
	u, err := url.Parse(SupabasePostgresAdminURL())
	if err != nil {
		return err
	}
	u.User = url.User("supabase_admin")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, u.String())
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	_, err = conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
	return err
}
