package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// setActor takes the role and the claims for the rest of the transaction,
// as PostgREST does: set_config('role', …, true) is SET LOCAL ROLE.
const setActor = `SELECT set_config('role', 'authenticated', true),
	set_config('request.jwt.claims', $1, true)`

// db is what a method's SQL runs on: the pool, a transaction, or an
// actor's one-statement transactions.
type db interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// q returns what a method that runs one statement uses. On the privileged
// path that is the pool. For an actor each statement is sent in one batch
// behind setActor: the batch is one implicit transaction, so the role and
// claims hold for the statement, cost no extra round trip, and end with it.
func (s *Store) q() db {
	if s.claims == "" {
		return s.pool
	}
	return actorDB{pool: s.pool, claims: s.claims}
}

// tx runs fn in a transaction and commits when fn succeeds. For an actor
// the transaction first takes the role and claims. SET LOCAL and
// set_config(…, true) end with the transaction, and pgxpool destroys a
// connection returned inside one, so claims never reach the next user.
func (s *Store) tx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if s.claims != "" {
			if _, err := tx.Exec(ctx, setActor, s.claims); err != nil {
				return err
			}
		}
		return fn(tx)
	})
	return dbErr(err)
}

// actorDB runs each statement as one batch: setActor, then the statement.
type actorDB struct {
	pool   *pgxpool.Pool
	claims string
}

func (a actorDB) send(ctx context.Context, sql string, args []any) (pgx.BatchResults, error) {
	b := &pgx.Batch{}
	b.Queue(setActor, a.claims)
	b.Queue(sql, args...)
	br := a.pool.SendBatch(ctx, b)
	if _, err := br.Exec(); err != nil {
		br.Close()
		return nil, err
	}
	return br, nil
}

func (a actorDB) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	br, err := a.send(ctx, sql, args)
	if err != nil {
		return pgconn.CommandTag{}, err
	}
	tag, err := br.Exec()
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	return tag, err
}

func (a actorDB) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	br, err := a.send(ctx, sql, args)
	if err != nil {
		return nil, err
	}
	rows, err := br.Query()
	if err != nil {
		br.Close()
		return nil, err
	}
	return &batchRows{Rows: rows, br: br}, nil
}

func (a actorDB) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	rows, err := a.Query(ctx, sql, args...)
	return row{rows: rows, err: err}
}

// batchRows closes its batch with its rows, which returns the connection
// and reports the implicit transaction's commit.
type batchRows struct {
	pgx.Rows
	br  pgx.BatchResults
	err error
}

func (r *batchRows) Close() {
	r.Rows.Close()
	if err := r.br.Close(); err != nil && r.err == nil {
		r.err = err
	}
}

func (r *batchRows) Err() error {
	if err := r.Rows.Err(); err != nil {
		return err
	}
	return r.err
}

// row is pgx.Row over batchRows, with pgx's semantics: ErrNoRows when the
// statement returned none.
type row struct {
	rows pgx.Rows
	err  error
}

func (r row) Scan(dest ...any) error {
	if r.err != nil {
		return r.err
	}
	defer r.rows.Close()
	if !r.rows.Next() {
		if err := r.rows.Err(); err != nil {
			return err
		}
		return pgx.ErrNoRows
	}
	if err := r.rows.Scan(dest...); err != nil {
		return err
	}
	r.rows.Close()
	return r.rows.Err()
}
