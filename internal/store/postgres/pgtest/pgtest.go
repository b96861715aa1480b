// Package pgtest gives tests a Supabase-shaped database that postgres.Open
// accepts: the shape of a new Supabase project (testenv.SupabaseDB) whose
// auth helpers have been brought up to date, as Supabase Auth's own
// migrations do the first time Auth starts on a project.
package pgtest

import (
	"context"
	"net/url"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/interviewd/interviewd/internal/testenv"
)

// authAdmin is the role that owns Supabase's auth schema and its helpers;
// Auth migrates as it.
const authAdmin = "supabase_auth_admin"

// currentHelpers replaces the older helpers (which read only the per-claim
// settings, request.jwt.claim.sub and the like) with ones that read the
// per-claim setting first and then request.jwt.claims, as Supabase Auth's
// migrations leave them. An empty setting counts as unset.
const currentHelpers = `
CREATE OR REPLACE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE AS $$
    SELECT nullif(coalesce(nullif(current_setting('request.jwt.claim.sub', true), ''),
        nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub'), '')::uuid
$$;
CREATE OR REPLACE FUNCTION auth.role() RETURNS text LANGUAGE sql STABLE AS $$
    SELECT nullif(coalesce(nullif(current_setting('request.jwt.claim.role', true), ''),
        nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role'), '')
$$;
CREATE OR REPLACE FUNCTION auth.email() RETURNS text LANGUAGE sql STABLE AS $$
    SELECT nullif(coalesce(nullif(current_setting('request.jwt.claim.email', true), ''),
        nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email'), '')
$$;`

// SupabaseDB creates a Supabase-shaped database for the test (dropped when
// it ends) with current auth helpers, and returns its URL, as the project's
// owner `postgres`.
func SupabaseDB(t testing.TB) string {
	t.Helper()
	dbURL, _ := testenv.SupabaseDB(t)
	UpdateAuthHelpers(t, dbURL)
	return dbURL
}

// UpdateAuthHelpers connects to the database at dbURL as supabase_auth_admin
// (the shaped cluster trusts it) and replaces auth.uid(), auth.role() and
// auth.email() with helpers that read request.jwt.claims.
func UpdateAuthHelpers(t testing.TB, dbURL string) {
	t.Helper()
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatalf("database URL: %v", err)
	}
	u.User = url.User(authAdmin)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, u.String())
	if err != nil {
		t.Fatalf("connect as %s to update the auth helpers: %v", authAdmin, err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, currentHelpers); err != nil {
		t.Fatalf("update the auth helpers as %s: %v", authAdmin, err)
	}
}
