package testenv

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
)

// The shaped database is what a new Supabase project's is: its owner is no
// superuser, the auth helpers exist, and Supabase's default privileges hand
// every new table in public to the API roles.
func TestSupabaseDBHasSupabasesShape(t *testing.T) {
	dbURL, _ := SupabaseDB(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var super string
	var uid, email bool
	if err := conn.QueryRow(ctx, `SELECT current_setting('is_superuser'),
		to_regprocedure('auth.uid()') IS NOT NULL, to_regprocedure('auth.email()') IS NOT NULL`).Scan(&super, &uid, &email); err != nil {
		t.Fatal(err)
	}
	if super != "off" || !uid || !email {
		t.Fatalf("superuser %s, auth.uid() %t, auth.email() %t: not Supabase's shape", super, uid, email)
	}
	if _, err := conn.Exec(ctx, `CREATE TABLE probe (id int)`); err != nil {
		t.Fatal(err)
	}
	var truncate bool
	if err := conn.QueryRow(ctx, `SELECT has_table_privilege('anon', 'public.probe', 'TRUNCATE')`).Scan(&truncate); err != nil {
		t.Fatal(err)
	}
	if !truncate {
		t.Fatal("a new table in public is not granted to anon: Supabase's default privileges are missing")
	}
}
