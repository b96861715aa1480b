package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// currentUID is an auth.uid() that reads request.jwt.claims, as Supabase
// Auth's migrations leave it (the per-claim setting first, for older
// PostgREST). It is what the advice in checkAuthUID tells an owner to run.
const currentUID = `CREATE OR REPLACE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE AS $$ ` +
	`SELECT nullif(coalesce(nullif(current_setting('request.jwt.claim.sub', true), ''), ` +
	`nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub'), '')::uuid $$;`

// checkAuthUID makes sure auth.uid() answers what As sets. The policies
// find the user with auth.uid(); As (like PostgREST today) sets only
// request.jwt.claims. An older Supabase project's helper reads only
// request.jwt.claim.sub, and the migrations leave an existing auth schema
// alone, so without this check every signed-in request would be refused,
// and only on the recruiter's first click. The probe runs as As does, as
// `authenticated` in a transaction that is rolled back.
func checkAuthUID(ctx context.Context, pool *pgxpool.Pool) error {
	probe := uuid.NewString()
	var got *string
	err := rolledBack(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, setActor, `{"sub":"`+probe+`","role":"authenticated"}`); err != nil {
			return err
		}
		return tx.QueryRow(ctx, `SELECT auth.uid()::text`).Scan(&got)
	})
	var pe *pgconn.PgError
	switch {
	case errors.As(err, &pe) && pe.Code == "42501":
		return fmt.Errorf("postgres: role authenticated may not call auth.uid() (%s); "+
			"as the owner of schema auth, run GRANT USAGE ON SCHEMA auth TO anon, authenticated, service_role "+
			"(Supabase grants it so)", oneLine(err))
	case err != nil:
		return fmt.Errorf("postgres: auth.uid() fails for a user's claims (%s); %s", oneLine(err), uidAdvice)
	case got == nil || *got != probe:
		return fmt.Errorf("postgres: auth.uid() does not read request.jwt.claims (with claims {\"sub\":%q} it returned %s), "+
			"so row-level security would refuse every signed-in user; %s", probe, orNull(got), uidAdvice)
	}
	return nil
}

// uidAdvice is how to bring an old auth.uid() up to date.
const uidAdvice = "an older Supabase project's helper reads only request.jwt.claim.sub. " +
	"Start Supabase Auth once on this database (its migrations replace the helpers), " +
	"or run as the owner of auth.uid() (supabase_auth_admin on Supabase): " + currentUID

// rolledBack runs fn in a transaction that is always rolled back.
func rolledBack(ctx context.Context, pool *pgxpool.Pool, fn func(pgx.Tx) error) error {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return err
	}
	err = fn(tx)
	if rerr := tx.Rollback(ctx); err == nil && !errors.Is(rerr, pgx.ErrTxClosed) {
		err = rerr
	}
	return err
}

func orNull(s *string) string {
	if s == nil {
		return "NULL"
	}
	return *s
}
