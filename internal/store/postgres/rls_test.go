package postgres

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// tenantTables lists the tables that have a tenant_id column, from the
// catalogue, so that a table added later is covered without editing tests.
func tenantTables(t *testing.T, pool *pgxpool.Pool) []string {
	t.Helper()
	rows, err := pool.Query(context.Background(), `SELECT table_name::text FROM information_schema.columns
		WHERE table_schema = 'public' AND column_name = 'tenant_id' ORDER BY table_name`)
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	if len(names) < 9 {
		t.Fatalf("only %d tenant-owned tables found: %v", len(names), names)
	}
	return names
}

// serverOnly lists the tenant-owned tables that only the privileged path
// reaches: row-level security is enabled with no policy at all, and neither
// authenticated nor anon holds any privilege on them.
var serverOnly = map[string]bool{"logins": true, "call_leases": true}

// Every tenant-owned table (and tenants and users) has row-level security
// enabled and a policy for each of SELECT, INSERT, UPDATE and DELETE that
// applies to the authenticated role; FOR ALL counts for all four. A
// server-only table instead has no policy and no privilege for the roles.
func TestRLSEnabledWithPoliciesForEveryOperation(t *testing.T) {
	t.Parallel()
	onEachServer(t, func(t *testing.T, srv server) { checkRLSEnabled(t, srv.open(t)) })
}

func checkRLSEnabled(t *testing.T, s *Store) {
	ctx := context.Background()
	tables := append(tenantTables(t, s.pool), "tenants", "users")
	for _, table := range tables {
		var enabled, granted bool
		var cmds []string
		err := s.pool.QueryRow(ctx, `SELECT c.relrowsecurity,
			coalesce((SELECT array_agg(DISTINCT p.cmd::text) FROM pg_policies p
				WHERE p.schemaname = 'public' AND p.tablename = c.relname
				  AND ('authenticated' = ANY (p.roles) OR 'public' = ANY (p.roles))), '{}'),
			has_table_privilege('authenticated', c.oid, 'SELECT, INSERT, UPDATE, DELETE')
			  OR has_table_privilege('anon', c.oid, 'SELECT, INSERT, UPDATE, DELETE')
			FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
			WHERE n.nspname = 'public' AND c.relname = $1`, table).Scan(&enabled, &cmds, &granted)
		if err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		if !enabled {
			t.Errorf("%s: row-level security is not enabled", table)
		}
		if serverOnly[table] {
			if len(cmds) > 0 || granted {
				t.Errorf("%s is server-only but has policies %v or a privilege for authenticated or anon", table, cmds)
			}
			continue
		}
		for _, op := range []string{"SELECT", "INSERT", "UPDATE", "DELETE"} {
			if !slices.Contains(cmds, op) && !slices.Contains(cmds, "ALL") {
				t.Errorf("%s: no policy for %s (has %v)", table, op, cmds)
			}
		}
	}
}

// who is a set of the actors of the attack matrix.
type who uint

const (
	owner     who = 1 << iota // owner of tenant A
	recruiter                 // recruiter in tenant A
	viewer                    // viewer in tenant A
	other                     // owner of tenant B only
	nobody                    // signed in, member of no tenant
	candidate                 // signed in with the email of A's candidate, in another case
	sameCase                  // signed in with the email of A's candidate, as written
	anon                      // role anon, no claims

	members = owner | recruiter | viewer
	editors = owner | recruiter
	none    = who(0)
)

var actorNames = []struct {
	w    who
	name string
}{{owner, "owner"}, {recruiter, "recruiter"}, {viewer, "viewer"}, {other, "other-tenant"},
	{nobody, "no-membership"}, {candidate, "candidate"}, {sameCase, "candidate-same-case"}, {anon, "anonymous"}}

// ops are the four operations, in the order of an expectation.
var ops = [4]string{"SELECT", "INSERT", "UPDATE", "DELETE"}

// allowed says, per table, who may SELECT, INSERT, UPDATE and DELETE tenant
// A's row. Everyone else must see zero rows or be refused. It is the code
// form of the policy table in docs/postgres.md. A candidate is nobody here:
// anyone may sign up at Supabase Auth with a candidate's address, so an
// email claim proves nothing, and candidates reach their interview through
// interviewd's join link (the privileged path) only.
var allowed = map[string][4]who{
	"tenants":            {members, none, owner, owner},
	"users":              {members, none, owner, none}, // the row is A's owner: self and co-members read
	"tenant_users":       {members, owner, owner, owner},
	"positions":          {members, editors, editors, editors},
	"candidates":         {members, editors, editors, editors},
	"interview_sessions": {members, editors, editors, editors},
	"transcript_entries": {members, editors, editors, editors},
	"video_segments":     {members, editors, editors, editors},
	"consents":           {members, editors, none, owner},
	"api_keys":           {owner, owner, owner, owner},
	"audit_log":          {owner, members, none, none}, // 00015: owners read it
	"logins":             {none, none, none, none},     // server-only
	// Shared state of the instances (00009): server-only, as logins.
	"call_leases":        {none, none, none, none},
	"instances":          {none, none, none, none},
	"throttle_failures":  {none, none, none, none},
	"spent_rtc_tokens":   {none, none, none, none}, // 00010, as the above
	"invitations":        {owner, owner, owner, owner},
	"idempotency_keys":   {members, members, members, members},
	"webhook_endpoints":  {owner, owner, owner, none},
	"webhook_deliveries": {owner, none, none, none}, // written by triggers and the sender
	"rubrics":            {members, editors, none, none},
	"question_marks":     {members, none, none, none}, // written by the calls manager
	"hiring_decisions":   {members, editors, none, none},
	// Blind scoring: the row is the owner's scorecard of A's interview, so
	// the recruiter, who has none, sees neither it nor the assessment.
	"scorecards":  {owner | viewer, editors, owner, none},
	"assessments": {owner | viewer, editors, none, none}, // a pending one; the worker writes the rest
	// The e-mail outbox (00012): written by the server, read for timelines.
	"mail_outbox": {members, none, none, none},
	// Candidates' feedback (00013): written by the server for the candidate.
	"candidate_feedback": {members, none, none, none},
	// Problems a candidate's page reported (00014): as candidate_feedback.
	"candidate_problems": {members, none, none, none},
	// Recordings (00015): chunks written by the server for the candidate;
	// erasure tombstones written by the server, read by owners.
	"recording_chunks": {members, none, none, none},
	"erasures":         {owner, none, none, none},
	// Token usage (00016): written by the server from the call's events.
	"token_usage": {members, none, none, none},
}

// updateColumn is the column an UPDATE cell writes onto itself where the
// authenticated role may not update tenant_id: on users only name, on
// webhook endpoints only the columns an owner edits.
var updateColumn = map[string]string{"users": "name", "webhook_endpoints": "disabled_at", "scorecards": "notes"}

// matrixActor is how a cell connects: a role and the claims PostgREST
// would set.
type matrixActor struct {
	role   string
	sub    string
	claims string
}

func newMatrixActor(sub, email string) matrixActor {
	b, _ := json.Marshal(claims{Sub: sub, Email: email, Role: "authenticated"})
	return matrixActor{role: "authenticated", sub: sub, claims: string(b)}
}

// The cross-tenant attack matrix: every tenant-owned table (from the
// catalogue) plus tenants and users × SELECT/INSERT/UPDATE/DELETE × every
// actor, run as raw SQL under the role and claims. Allowed cells must reach
// tenant A's row; every other cell must reach none or be refused.
func TestCrossTenantAttackMatrix(t *testing.T) {
	t.Parallel()
	onEachServer(t, func(t *testing.T, srv server) { attackMatrix(t, srv.open(t)) })
}

func attackMatrix(t *testing.T, s *Store) {
	w := newWorld(t, s)
	ctx := context.Background()
	a := w.a
	actors := map[who]matrixActor{
		owner:     newMatrixActor(a.owner.ID, a.owner.Email),
		recruiter: newMatrixActor(a.recruiter.ID, a.recruiter.Email),
		viewer:    newMatrixActor(a.viewer.ID, a.viewer.Email),
		other:     newMatrixActor(w.b.owner.ID, w.b.owner.Email),
		nobody:    newMatrixActor(w.nobody.ID, w.nobody.Email),
		candidate: newMatrixActor(uuid.NewString(), strings.ToUpper(a.candidate.Email)),
		sameCase:  newMatrixActor(uuid.NewString(), a.candidate.Email),
		anon:      {role: "anon"},
	}
	// set is the column an UPDATE writes onto itself (see updateColumn).
	type target struct{ table, key, value, set string }
	targets := []target{{"tenants", "id", a.tenant.ID, "id"}, {"users", "id", a.owner.ID, updateColumn["users"]}}
	for _, table := range tenantTables(t, s.pool) {
		set := cmp.Or(updateColumn[table], "tenant_id")
		targets = append(targets, target{table, "tenant_id", a.tenant.ID, set})
	}
	for _, tg := range targets {
		expect, ok := allowed[tg.table]
		if !ok {
			t.Errorf("%s has tenant_id but no expectation in the attack matrix: add its policies and a row to allowed", tg.table)
			continue
		}
		sample := sampleRow(t, s.pool, tg.table, tg.key, tg.value)
		for i, op := range ops {
			for _, an := range actorNames {
				name := fmt.Sprintf("%s/%s/%s", tg.table, op, an.name)
				actor := actors[an.w]
				reached, err := runCell(ctx, s.pool, actor, func(tx pgx.Tx) (bool, error) {
					switch op {
					case "SELECT":
						return selectCell(ctx, tx, tg.table, tg.key, tg.value)
					case "INSERT":
						return insertCell(ctx, tx, tg.table, mutate(sample, actor.sub, w.spare.ID))
					case "UPDATE":
						return updateCell(ctx, tx, tg.table, tg.set, tg.key, tg.value)
					default:
						return deleteCell(ctx, tx, tg.table, tg.key, tg.value)
					}
				})
				want := expect[i]&an.w != 0
				switch {
				case err != nil && !refused(err):
					t.Errorf("%s: unexpected error: %v", name, err)
				case want && !reached:
					t.Errorf("%s: allowed by policy but did not reach the row (err %v)", name, err)
				case !want && reached:
					t.Errorf("%s: REACHED ANOTHER'S ROW", name)
				}
			}
		}
	}
}

// runCell runs fn in a transaction as actor and rolls it back.
func runCell(ctx context.Context, pool *pgxpool.Pool, actor matrixActor, fn func(pgx.Tx) (bool, error)) (bool, error) {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return false, err
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, "SET LOCAL ROLE "+pgx.Identifier{actor.role}.Sanitize()); err != nil {
		return false, err
	}
	if actor.claims != "" {
		if _, err := tx.Exec(ctx, "SELECT set_config('request.jwt.claims', $1, true)", actor.claims); err != nil {
			return false, err
		}
	}
	return fn(tx)
}

// refused reports whether err is the database saying no: a missing
// privilege or a policy's WITH CHECK (both 42501).
func refused(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "42501"
}

func selectCell(ctx context.Context, tx pgx.Tx, table, key, value string) (bool, error) {
	var n int
	err := tx.QueryRow(ctx, "SELECT count(*) FROM "+ident(table)+" WHERE "+ident(key)+" = $1", value).Scan(&n)
	return n > 0, err
}

// insertCell inserts the row. A unique violation means the insert got past
// the policies (WITH CHECK runs before any index is written) and met the
// sample's key, which the copy keeps where the key is what is under test
// (a reviewer's one scorecard per interview, one open assessment, a
// rubric's version), so it counts as reached.
func insertCell(ctx context.Context, tx pgx.Tx, table string, row map[string]any) (bool, error) {
	tag, err := tx.Exec(ctx, "INSERT INTO "+ident(table)+
		" SELECT * FROM jsonb_populate_record(NULL::"+ident(table)+", $1)", row)
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23505" {
		return true, nil
	}
	return err == nil && tag.RowsAffected() == 1, err
}

// updateCell writes column set onto itself: a change no policy or
// constraint other than row-level security can object to.
func updateCell(ctx context.Context, tx pgx.Tx, table, set, key, value string) (bool, error) {
	tag, err := tx.Exec(ctx, "UPDATE "+ident(table)+" SET "+ident(set)+" = "+ident(set)+
		" WHERE "+ident(key)+" = $1", value)
	return tag.RowsAffected() > 0, err
}

// deleteCell deletes the row. A foreign key violation means the delete
// reached the row (policies filter before any key is checked) and another
// row still points at it, so it counts as reached.
func deleteCell(ctx context.Context, tx pgx.Tx, table, key, value string) (bool, error) {
	tag, err := tx.Exec(ctx, "DELETE FROM "+ident(table)+" WHERE "+ident(key)+" = $1", value)
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23503" {
		return true, nil
	}
	return tag.RowsAffected() > 0, err
}

func ident(s string) string { return pgx.Identifier{s}.Sanitize() }

// sampleRow reads one row of table as JSON on the privileged path, to copy
// for the INSERT cells.
func sampleRow(t *testing.T, pool *pgxpool.Pool, table, key, value string) map[string]any {
	t.Helper()
	var row map[string]any
	err := pool.QueryRow(context.Background(), "SELECT to_jsonb(t) FROM "+ident(table)+
		" t WHERE "+ident(key)+" = $1 LIMIT 1", value).Scan(&row)
	if err != nil {
		t.Fatalf("the fixture has no row in %s: extend newTenantFixture (%v)", table, err)
	}
	return row
}

// mutate copies a sample row into a new one that no unique key refuses:
// new IDs, new values for the unique columns, the spare user for a new
// membership, and the actor as the author of an audit event.
func mutate(sample map[string]any, sub, spareUser string) map[string]any {
	row := make(map[string]any, len(sample))
	for k, v := range sample {
		row[k] = v
	}
	suffix := "-" + uuid.NewString()
	for k := range row {
		switch k {
		case "id":
			row[k] = uuid.NewString()
		case "email", "join_token_hash", "item_id", "key_hash", "token_hash", "key":
			row[k] = fmt.Sprint(row[k]) + suffix
		case "seq":
			row[k] = 1000
		case "user_id":
			row[k] = spareUser
		case "actor_id":
			row[k] = sub
		case "reviewer_id": // a reviewer writes their own scorecard only
			row[k] = sub
		}
	}
	return row
}
