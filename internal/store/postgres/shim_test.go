package postgres

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/interviewd/interviewd/internal/store/postgres/pgtest"
	"github.com/interviewd/interviewd/internal/testenv"
)

// authState is what Open must leave alone in a Supabase database: who owns
// the auth schema, and the helpers' owners and definitions.
func authState(t *testing.T, dbURL string) string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var state string
	err = conn.QueryRow(ctx, `SELECT pg_get_userbyid(n.nspowner) || E'\n' || string_agg(
			p.oid::regprocedure::text || ' ' || pg_get_userbyid(p.proowner) || ' ' || p.prosrc, E'\n' ORDER BY p.proname)
		FROM pg_namespace n LEFT JOIN pg_proc p ON p.pronamespace = n.oid
		WHERE n.nspname = 'auth' GROUP BY n.nspowner`).Scan(&state)
	if err != nil {
		t.Fatal(err)
	}
	return state
}

// On a Supabase database whose auth.uid() is the older one, which reads
// only request.jwt.claim.sub, every user-scoped query would run as nobody:
// Open refuses to start and says how to fix it, and changes nothing in the
// auth schema. Once the helpers read request.jwt.claims (as Supabase Auth's
// migrations leave them), Open starts and still leaves the schema alone.
func TestOpenRefusesHelpersThatIgnoreClaims(t *testing.T) {
	t.Parallel()
	dbURL, _ := testenv.SupabaseDB(t)
	before := authState(t, dbURL)
	_, err := Open(context.Background(), dbURL)
	if err == nil {
		t.Fatal("Open accepted an auth.uid() that does not read request.jwt.claims")
	}
	t.Logf("Open: %v", err)
	for _, want := range []string{"auth.uid()", "request.jwt.claims", "Supabase Auth", "CREATE OR REPLACE FUNCTION auth.uid()"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error does not say %q: %v", want, err)
		}
	}
	if after := authState(t, dbURL); after != before {
		t.Errorf("Open changed the auth schema:\n%s\nwas:\n%s", after, before)
	}

	pgtest.UpdateAuthHelpers(t, dbURL)
	before = authState(t, dbURL)
	openURL(t, dbURL)
	if after := authState(t, dbURL); after != before {
		t.Errorf("Open changed Supabase's auth schema:\n%s\nwas:\n%s", after, before)
	}
	if !strings.HasPrefix(before, "supabase_auth_admin\n") {
		t.Errorf("auth is not Supabase Auth's: %s", before)
	}
}
