package postgres

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// apiRoles are the roles Supabase's Data API (and interviewd's As) acts as,
// and PUBLIC, which every role is a member of.
var apiRoles = []string{"PUBLIC", "anon", "authenticated", "service_role"}

// columnGrants lists the commands authenticated may run on some columns
// only: a user's password hash and a webhook endpoint's secret are withheld
// from the role the policies let read their rows (migrations 00002, 00004),
// and a reviewer revises a scorecard's content, never whose or which
// interview's it is (00008).
var columnGrants = map[string]map[string]string{
	"users":             {"SELECT": "created_at, email, id, name", "UPDATE": "name"},
	"webhook_endpoints": {"SELECT": "created_at, created_by, description, disabled_at, events, id, tenant_id, url", "UPDATE": "description, disabled_at, events, url"},
	"mail_outbox":       {"SELECT": "attempts, created_at, id, interview_id, invitation_id, kind, last_error, next_attempt_at, recipient, sent_at, status, tenant_id"},
	"scorecards":        {"UPDATE": "declined, notes, recommendation, reviewer_email, rubric_version, scores, updated_at"},
}

// sequenceGrants lists the sequence privileges an API role needs because an
// INSERT it may run draws from the sequence. None: interviewd's keys are
// UUIDs made by gen_random_uuid(), and goose's own table is no API role's.
// TestAPIRolesHoldOnlyWhatPoliciesAllow fails when an insertable table
// draws from a sequence not listed here.
var sequenceGrants = map[string]map[string]string{} // sequence → role → privileges

// serviceRole is what service_role, Supabase's key that bypasses RLS for a
// project's own back office, holds on each of interviewd's tables: the four
// commands, not TRUNCATE, REFERENCES or TRIGGER.
const serviceRole = "DELETE, INSERT, SELECT, UPDATE"

// gooseTable is goose's record of applied migrations; no API role may read
// or write it.
const gooseTable = "goose_db_version"

// wantPrivileges is, per table in public and role, the privileges the role
// must hold and no others, derived from allowed (the policy table): the
// authenticated role is granted a command exactly when a policy lets
// someone run it.
func wantPrivileges() map[string]string {
	want := map[string]string{}
	for table, who := range allowed {
		var privs []string
		for i, op := range ops {
			if who[i] == none {
				continue
			}
			if cols, ok := columnGrants[table][op]; ok {
				op += " (" + cols + ")"
			}
			privs = append(privs, op)
		}
		slices.Sort(privs)
		if len(privs) > 0 {
			want[table+" authenticated"] = strings.Join(privs, ", ")
		}
		want[table+" service_role"] = serviceRole
	}
	for seq, roles := range sequenceGrants {
		for role, privs := range roles {
			want[seq+" "+role] = privs
		}
	}
	return want
}

// relationGrants reads, per relation in public (tables, views, sequences)
// and grantee other than its owner, the privileges granted, a column-level
// grant written "SELECT (a, b)". PUBLIC is the grantee 0.
func relationGrants(t *testing.T, pool *pgxpool.Pool) (got map[string]string, relations []string) {
	t.Helper()
	rows, err := pool.Query(context.Background(), `
		WITH rel AS (
			SELECT c.oid, c.relname, c.relowner, c.relacl FROM pg_class c
			WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
		), grants AS (
			SELECT rel.relname, g.grantee, g.privilege_type AS priv, NULL::text AS col
			FROM rel, aclexplode(rel.relacl) g WHERE g.grantee <> rel.relowner
			UNION ALL
			SELECT rel.relname, g.grantee, g.privilege_type, a.attname::text
			FROM rel JOIN pg_attribute a ON a.attrelid = rel.oid AND a.attnum > 0 AND NOT a.attisdropped,
				aclexplode(a.attacl) g WHERE g.grantee <> rel.relowner
		), per_priv AS (
			SELECT relname, grantee, priv || coalesce(' (' || string_agg(col, ', ' ORDER BY col) || ')', '') AS p
			FROM grants GROUP BY relname, grantee, priv, col IS NULL
		)
		SELECT relname::text, CASE grantee WHEN 0 THEN 'PUBLIC' ELSE pg_get_userbyid(grantee)::text END,
			string_agg(p, ', ' ORDER BY p)
		FROM per_priv GROUP BY relname, grantee
		UNION ALL
		SELECT relname::text, '', '' FROM rel`)
	if err != nil {
		t.Fatal(err)
	}
	got = map[string]string{}
	for rows.Next() {
		var rel, role, privs string
		if err := rows.Scan(&rel, &role, &privs); err != nil {
			t.Fatal(err)
		}
		if role == "" {
			relations = append(relations, rel)
			continue
		}
		got[rel+" "+role] = privs
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	slices.Sort(relations)
	return got, relations
}

// After every migration, each role other than a table's owner holds on
// each relation in public exactly what wantPrivileges says: never
// TRUNCATE, REFERENCES or TRIGGER (which row-level security does not
// govern), no sequence privilege an insert does not need, nothing on
// goose's table, nothing for anon or PUBLIC. Every later migration's tables
// are covered: the relations come from the catalogue.
func TestAPIRolesHoldOnlyWhatPoliciesAllow(t *testing.T) {
	t.Parallel()
	onEachServer(t, func(t *testing.T, srv server) {
		s := srv.open(t)
		got, relations := relationGrants(t, s.pool)
		want := wantPrivileges()
		for _, rel := range relations {
			if _, ours := allowed[rel]; !ours && rel != gooseTable && !isSequence(t, s.pool, rel) {
				t.Errorf("table %s has no row in allowed (rls_test.go): decide its policies and grants", rel)
			}
		}
		for _, key := range slices.Sorted(maps.Keys(got)) {
			for _, p := range []string{"TRUNCATE", "REFERENCES", "TRIGGER"} {
				if strings.Contains(got[key], p) {
					t.Errorf("%s holds %s", key, p)
				}
			}
		}
		for _, key := range slices.Sorted(maps.Keys(joinKeys(got, want))) {
			if got[key] != want[key] {
				t.Errorf("%s holds %q, want %q", key, got[key], want[key])
			}
		}
		checkSequencesNeeded(t, s.pool, got)
	})
}

func joinKeys(a, b map[string]string) map[string]bool {
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	return keys
}

func isSequence(t *testing.T, pool *pgxpool.Pool, rel string) bool {
	t.Helper()
	var kind string
	if err := pool.QueryRow(context.Background(), `SELECT relkind::text FROM pg_class
		WHERE relnamespace = 'public'::regnamespace AND relname = $1`, rel).Scan(&kind); err != nil {
		t.Fatal(err)
	}
	return kind == "S"
}

// checkSequencesNeeded fails when a role may insert into a table whose
// column draws from a sequence that sequenceGrants does not grant it: the
// insert would fail, and the grant must be listed (and made) on purpose.
func checkSequencesNeeded(t *testing.T, pool *pgxpool.Pool, got map[string]string) {
	t.Helper()
	rows, err := pool.Query(context.Background(), `SELECT d.refobjid::regclass::text, s.relname::text
		FROM pg_depend d JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
		WHERE d.refobjid IN (SELECT oid FROM pg_class WHERE relnamespace = 'public'::regnamespace)
		  AND d.deptype IN ('a', 'i')`)
	if err != nil {
		t.Fatal(err)
	}
	pairs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) ([2]string, error) {
		var p [2]string
		return p, r.Scan(&p[0], &p[1])
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(pairs) == 0 {
		t.Fatal("no sequence found: goose's table should own one, so this check checks nothing")
	}
	for _, p := range pairs {
		table, seq := p[0], p[1]
		for _, role := range apiRoles {
			if strings.Contains(got[table+" "+role], "INSERT") && !strings.Contains(sequenceGrants[seq][role], "USAGE") {
				t.Errorf("%s may insert into %s, which draws from %s: list USAGE for it in sequenceGrants and grant it", role, table, seq)
			}
		}
	}
}

// TRUNCATE ignores row-level security: as authenticated with the claims of
// someone who belongs to no tenant, emptying the tables that hold evidence
// is refused outright.
func TestTruncateRefused(t *testing.T) {
	t.Parallel()
	onEachServer(t, func(t *testing.T, srv server) {
		s := srv.open(t)
		w := newWorld(t, s)
		ctx := context.Background()
		for _, actor := range []matrixActor{newMatrixActor(w.nobody.ID, w.nobody.Email), {role: "anon"}} {
			_, err := runCell(ctx, s.pool, actor, func(tx pgx.Tx) (bool, error) {
				_, err := tx.Exec(ctx, `TRUNCATE transcript_entries, audit_log, consents`)
				return err == nil, err
			})
			var pe *pgconn.PgError
			if !errors.As(err, &pe) || pe.Code != "42501" {
				t.Errorf("TRUNCATE as %s: %v, want 42501 (insufficient privilege)", actor.role, err)
			}
		}
		var n int
		if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM transcript_entries`).Scan(&n); err != nil || n == 0 {
			t.Errorf("transcript entries after the attempts: %d, %v", n, err)
		}
	})
}

// What the migrating role creates in public later (a table, its identity
// sequence, a function) is granted to no API role: Supabase's default
// privileges, which grant everything new to them, are revoked for it, so a
// later migration starts from nothing and grants what its policies allow.
func TestNewObjectsInPublicGrantNothing(t *testing.T) {
	t.Parallel()
	onEachServer(t, func(t *testing.T, srv server) {
		s := srv.open(t)
		ctx := context.Background()
		tx, err := s.pool.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback(ctx)
		for _, q := range []string{
			`CREATE TABLE public.later (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY)`,
			`CREATE FUNCTION public.later_fn() RETURNS int LANGUAGE sql AS 'SELECT 1'`,
		} {
			if _, err := tx.Exec(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		var grants []string
		err = tx.QueryRow(ctx, `SELECT coalesce(array_agg(format('%s on %s: %s', r, o, g.privilege_type)), '{}')
			FROM (SELECT 'table later' AS o, relacl AS acl FROM pg_class WHERE oid = 'public.later'::regclass
			      UNION ALL SELECT 'sequence', relacl FROM pg_class WHERE oid = pg_get_serial_sequence('public.later', 'id')::regclass
			      UNION ALL SELECT 'function', proacl FROM pg_proc WHERE oid = 'public.later_fn()'::regprocedure) x,
			     aclexplode(x.acl) g, LATERAL (SELECT CASE g.grantee WHEN 0 THEN 'PUBLIC' ELSE pg_get_userbyid(g.grantee)::text END) AS r(r)
			WHERE r = ANY ($1)`, []string{"anon", "authenticated", "service_role"}).Scan(&grants)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range grants {
			t.Errorf("granted by default: %s", g)
		}
		checkPublicFunctions(t, tx)
	})
}

// checkPublicFunctions fails for a function in public that an API role
// other than PUBLIC may execute: interviewd keeps its functions in private.
func checkPublicFunctions(t *testing.T, tx pgx.Tx) {
	t.Helper()
	rows, err := tx.Query(context.Background(), `SELECT p.oid::regprocedure::text, pg_get_userbyid(g.grantee)::text
		FROM pg_proc p, aclexplode(p.proacl) g
		WHERE p.pronamespace = 'public'::regnamespace AND p.proname <> 'later_fn'
		  AND g.grantee IN (SELECT oid FROM pg_roles WHERE rolname IN ('anon', 'authenticated', 'service_role'))`)
	if err != nil {
		t.Fatal(err)
	}
	found, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (string, error) {
		var fn, role string
		err := r.Scan(&fn, &role)
		return fmt.Sprintf("%s executable by %s", fn, role), err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range found {
		t.Error(f)
	}
}
