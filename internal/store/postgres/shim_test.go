package postgres

import (
	"context"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

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

// authAdmin is the role Supabase Auth migrates as, which owns the auth
// schema on Supabase.
const authAdmin = "supabase_auth_admin"

// authFirstSteps is what Supabase Auth's first migrations do to a database,
// written from what they need rather than copied: the migrator's own table
// created without a schema (so in search_path, which Supabase sets to auth
// for the role), Auth's tables, and its helpers replaced, first with ones
// that read only the per-claim setting, then with ones that read
// request.jwt.claims too.
var authFirstSteps = []string{
	`CREATE TABLE schema_migrations (version varchar(255) PRIMARY KEY)`,
	`CREATE TABLE IF NOT EXISTS auth.users (id uuid PRIMARY KEY, email varchar(255))`,
	`CREATE OR REPLACE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE
		AS $$ SELECT nullif(current_setting('request.jwt.claim.sub', true), '')::uuid $$`,
	`CREATE OR REPLACE FUNCTION auth.role() RETURNS text LANGUAGE sql STABLE
		AS $$ SELECT nullif(current_setting('request.jwt.claim.role', true), '') $$`,
	currentUID,
	`CREATE OR REPLACE FUNCTION auth.email() RETURNS text LANGUAGE sql STABLE AS $$
		SELECT nullif(coalesce(nullif(current_setting('request.jwt.claim.email', true), ''),
			nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email'), '') $$`,
}

// On plain PostgreSQL the first migration creates the auth schema and
// helpers that Supabase Auth would otherwise own. They must not stop Auth
// from migrating into the same database afterwards, as supabase_auth_admin
// with search_path auth, and interviewd must start again after it has.
// With INTERVIEWD_GOTRUE_BIN and INTERVIEWD_GOTRUE_MIGRATIONS set, the real
// Supabase Auth's migrations run too (subtest real-auth).
func TestAuthMigratesAfterInterviewd(t *testing.T) {
	t.Parallel()
	t.Run("as-auth-does", authStepsAfterInterviewd)
	if bin, migs := os.Getenv("INTERVIEWD_GOTRUE_BIN"), os.Getenv("INTERVIEWD_GOTRUE_MIGRATIONS"); bin != "" && migs != "" {
		t.Run("real-auth", func(t *testing.T) { realAuthMigrates(t, bin, migs) })
	}
}

// authStepsAfterInterviewd migrates interviewd's schema into a new plain
// database, then does as supabase_auth_admin what Auth's first migrations
// do.
func authStepsAfterInterviewd(t *testing.T) {
	dbURL := newDatabase(t)
	openURL(t, dbURL).Close()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL) // the server's superuser, who may act as any role
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(ctx) })
	var owner string
	var searchPath *string
	err = conn.QueryRow(ctx, `SELECT pg_get_userbyid(nspowner)::text,
			(SELECT s FROM pg_db_role_setting d, unnest(d.setconfig) s
			 WHERE d.setrole = to_regrole($1) AND d.setdatabase = 0 AND s LIKE 'search_path=%')
		FROM pg_namespace WHERE nspname = 'auth'`, authAdmin).Scan(&owner, &searchPath)
	if err != nil {
		t.Fatal(err)
	}
	if owner != authAdmin {
		t.Errorf("the shim's auth schema belongs to %s, want %s", owner, authAdmin)
	}
	if searchPath == nil || *searchPath != "search_path=auth" {
		t.Errorf("%s has %s, want search_path=auth as on Supabase", authAdmin, orNull(searchPath))
	}

	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	for _, q := range append([]string{"SET LOCAL ROLE " + authAdmin, "SET LOCAL search_path = auth"}, authFirstSteps...) {
		if _, err := tx.Exec(ctx, q); err != nil {
			t.Fatalf("as Supabase Auth: %s: %v", strings.SplitN(q, "\n", 2)[0], err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	checkStartsAfterAuth(t, dbURL)
}

// checkStartsAfterAuth opens interviewd on the database Auth has migrated
// into: the helpers are Auth's now, and a recruiter's flow works through As.
func checkStartsAfterAuth(t *testing.T, dbURL string) {
	t.Helper()
	s := openURL(t, dbURL)
	w := newWorld(t, s)
	recruiterFlow(t, context.Background(), s.As(actorOf(w.a.recruiter)), w.a.tenant.ID)
}

// realAuthMigrates runs the real Supabase Auth's migrations (its migrate
// command, configured as ../shared/supabase/start.sh configures Auth) on
// plain PostgreSQL databases, after interviewd's and before them, and
// checks that both ends work.
func realAuthMigrates(t *testing.T, bin, migs string) {
	ctx := context.Background()
	admin := adminConn(t)
	// interviewd's migration created the role NOLOGIN; an operator lets it
	// log in (with a password, on a server that asks for one).
	if _, err := admin.Exec(ctx, "ALTER ROLE "+authAdmin+" LOGIN"); err != nil {
		t.Fatal(err)
	}
	want := authMigrationCount(t, migs)
	t.Run("interviewd-first", func(t *testing.T) {
		dbURL := newDatabase(t)
		openURL(t, dbURL).Close()
		runAuthMigrate(t, bin, migs, dbURL, want)
		checkStartsAfterAuth(t, dbURL)
	})
	t.Run("auth-first", func(t *testing.T) {
		dbURL, name := testenv.PostgresDB(t)
		conn, err := pgx.Connect(ctx, dbURL)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		// As Supabase's own set-up does before Auth first starts; the grant
		// to the API roles is left for later, to see Open ask for it.
		if _, err := conn.Exec(ctx, "CREATE SCHEMA auth AUTHORIZATION "+authAdmin); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		runAuthMigrate(t, bin, migs, dbURL, want)
		_, err = Open(ctx, dbURL)
		if err == nil || !strings.Contains(err.Error(), "GRANT USAGE ON SCHEMA auth TO anon, authenticated") {
			t.Fatalf("Open with an auth schema authenticated may not use: %v, want advice to GRANT USAGE", err)
		}
		if _, err := conn.Exec(ctx, "GRANT USAGE ON SCHEMA auth TO anon, authenticated, service_role"); err != nil {
			t.Fatal(err)
		}
		before := authState(t, dbURL)
		checkStartsAfterAuth(t, dbURL)
		if after := authState(t, dbURL); after != before {
			t.Errorf("interviewd changed Auth's schema:\n%s\nwas:\n%s", after, before)
		}
	})
}

// runAuthMigrate runs `auth migrate` as supabase_auth_admin on the database
// at dbURL and checks that it recorded every one of its migrations.
func runAuthMigrate(t *testing.T, bin, migs, dbURL string, want int) {
	t.Helper()
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.User(authAdmin)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "migrate")
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"),
		"GOTRUE_DB_DRIVER=postgres",
		"DATABASE_URL=" + u.String(),
		"GOTRUE_DB_NAMESPACE=auth",
		"GOTRUE_DB_MIGRATIONS_PATH=" + migs,
		"GOTRUE_JWT_SECRET=interviewd-test-secret-at-least-32-characters",
		"GOTRUE_JWT_EXP=3600",
		"GOTRUE_JWT_AUD=authenticated",
		"GOTRUE_JWT_DEFAULT_GROUP_NAME=authenticated",
		"GOTRUE_JWT_ADMIN_ROLES=service_role",
		"API_EXTERNAL_URL=http://127.0.0.1:9999",
		"GOTRUE_SITE_URL=http://127.0.0.1",
		"GOTRUE_API_HOST=127.0.0.1",
		"PORT=9999",
	}
	start := time.Now()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("Supabase Auth's migrations: %v\n%s", err, out)
	}
	t.Logf("Supabase Auth migrated in %s", time.Since(start).Round(time.Millisecond))
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var n int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM auth.schema_migrations`).Scan(&n); err != nil || n != want {
		t.Fatalf("auth.schema_migrations has %d rows (%v), want %d\n%s", n, err, want, out)
	}
}

// authMigrationCount is how many migrations Auth applies on PostgreSQL:
// one per version among its up files.
func authMigrationCount(t *testing.T, dir string) int {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.up.sql"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no migrations in INTERVIEWD_GOTRUE_MIGRATIONS=%s (%v)", dir, err)
	}
	versions := map[string]bool{}
	for _, f := range files {
		versions[strings.SplitN(filepath.Base(f), "_", 2)[0]] = true
	}
	return len(versions)
}
