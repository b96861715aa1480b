// Package postgres implements store.Store on PostgreSQL (or Supabase) with
// pgx. The Store that Open returns is the privileged path for server jobs;
// As returns a Store whose every query runs as the `authenticated` role with
// the actor's claims, so that row-level security applies (docs/postgres.md).
package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/interviewd/interviewd/internal/store"
	"github.com/interviewd/interviewd/migrations"
)

var _ store.Store = (*Store)(nil)

// pingTimeout bounds the first contact with the server at Open.
const pingTimeout = 10 * time.Second

// Store is a store.Store on a PostgreSQL connection pool. Without claims it
// is the privileged path; with claims (see As) every method runs as the
// `authenticated` role.
type Store struct {
	pool   *pgxpool.Pool
	claims string // JSON for request.jwt.claims; empty on the privileged path
}

// Open connects to the database at url, checks that it answers, applies
// pending migrations, checks that user-scoped queries can work (the role
// can become `authenticated`, and auth.uid() reads the claims As sets) and
// returns the privileged Store.
func Open(ctx context.Context, url string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgres: parse database URL: %w", err)
	}
	cfg.AfterConnect = func(_ context.Context, c *pgx.Conn) error {
		// Times come back in UTC, as the store hands them out.
		c.TypeMap().RegisterType(&pgtype.Type{Name: "timestamptz", OID: pgtype.TimestamptzOID,
			Codec: &pgtype.TimestamptzCodec{ScanLocation: time.UTC}})
		return nil
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	pingCtx, cancel := context.WithTimeout(ctx, pingTimeout)
	defer cancel()
	if err := pool.Ping(pingCtx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: cannot reach %s:%d (database %q): %s",
			cfg.ConnConfig.Host, cfg.ConnConfig.Port, cfg.ConnConfig.Database, oneLine(err))
	}
	if err := migrate(ctx, pool); err != nil {
		pool.Close()
		return nil, err
	}
	for _, check := range []func(context.Context, *pgxpool.Pool) error{checkCanAct, checkAuthUID} {
		if err := check(ctx, pool); err != nil {
			pool.Close()
			return nil, err
		}
	}
	return &Store{pool: pool}, nil
}

// checkCanAct makes a deployment that could not run user-scoped queries
// fail at start-up, with the fix, rather than on a recruiter's first click.
func checkCanAct(ctx context.Context, pool *pgxpool.Pool) error {
	var user string
	var ok bool
	err := pool.QueryRow(ctx, `SELECT current_user::text,
		pg_has_role(current_user, 'authenticated', 'MEMBER')`).Scan(&user, &ok)
	switch {
	case err != nil:
		return fmt.Errorf("postgres: check role: %w", err)
	case !ok:
		return fmt.Errorf("postgres: role %q cannot SET ROLE authenticated; run GRANT authenticated TO %s", user, user)
	}
	return nil
}

// migrate applies the embedded migrations through a database/sql view of
// the pool, which goose needs.
func migrate(ctx context.Context, pool *pgxpool.Pool) error {
	db := stdlib.OpenDBFromPool(pool)
	defer db.Close() // closes the view, not the pool
	if _, err := migrations.Up(ctx, db, "postgres"); err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	return nil
}

// claims is the JSON PostgREST puts in request.jwt.claims for a user.
type claims struct {
	Sub   string `json:"sub"`
	Email string `json:"email"`
	Role  string `json:"role"`
}

// As returns a Store on the same pool whose every method runs in a
// transaction as the `authenticated` role with actor's claims.
func (s *Store) As(actor store.Actor) store.Store {
	b, _ := json.Marshal(claims{Sub: actor.UserID, Email: actor.Email, Role: "authenticated"}) // strings always marshal
	return &Store{pool: s.pool, claims: string(b)}
}

// Ping reports whether the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.pool.Ping(ctx); err != nil {
		return fmt.Errorf("ping postgres: %w", err)
	}
	return nil
}

// Close closes the pool, which the Stores returned by As share.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// Dialect returns "postgres".
func (s *Store) Dialect() string { return "postgres" }

// now is the store's clock, at the precision it stores.
func now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// fillID sets *id to a new UUID when it is empty.
func fillID(id *string) {
	if *id == "" {
		*id = uuid.NewString()
	}
}

// fillTime sets *t to def when it is zero, and truncates it otherwise, so
// that the caller holds exactly what was stored.
func fillTime(t *time.Time, def time.Time) {
	if t.IsZero() {
		*t = def
		return
	}
	*t = t.UTC().Truncate(time.Microsecond)
}

// truncate brings an optional time to the stored precision.
func truncate(t *time.Time) {
	if t != nil {
		*t = t.UTC().Truncate(time.Microsecond)
	}
}

// oneLine folds pgx's multi-line connection errors (one line per address
// tried) into one line without repeats, for the start-up error.
func oneLine(err error) string {
	var parts []string
	seen := map[string]bool{}
	for _, l := range strings.Split(err.Error(), "\n") {
		l = strings.TrimSpace(l)
		if l != "" && !seen[l] {
			seen[l] = true
			parts = append(parts, l)
		}
	}
	return strings.Join(parts, " ")
}
