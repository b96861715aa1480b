// Package sqlite implements store.Store on a SQLite file with
// modernc.org/sqlite, so that interviewd runs with no C toolchain and no
// database server.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"time"

	"github.com/google/uuid"
	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/interviewd/interviewd/internal/store"
	"github.com/interviewd/interviewd/migrations"
)

var _ store.Store = (*Store)(nil)

// Store is a store.Store on one SQLite file. It keeps two pools: a writer
// with a single connection, so that SQLite's one writer is queued in Go
// rather than failing with SQLITE_BUSY, and readers that WAL lets run while
// the writer works.
type Store struct {
	w *sql.DB // the one writer; transactions BEGIN IMMEDIATE
	r *sql.DB // read-only connections

	appendStmts []*sql.Stmt // see appendSQL
	hub         *hub        // the in-process Notifier and Locks
}

// pragmas every connection gets. synchronous=NORMAL is durable across
// application crashes in WAL mode and loses at most the last commits on a
// power cut, which is the usual trade for a server's SQLite file.
const pragmas = "_busy_timeout=10000&_foreign_keys=1&_synchronous=NORMAL"

// Open opens (creating if needed) the SQLite database file at path, applies
// pending migrations and returns the store. path must name a file: the
// writer and the readers are separate connections to it, so ":memory:"
// would give each its own empty database.
func Open(ctx context.Context, path string) (*Store, error) {
	w, err := sql.Open("sqlite", path+"?"+pragmas+"&_journal_mode=WAL&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	// Migrate before the readers open, so that the file is in WAL mode and
	// has its schema when they first look at it.
	if _, err := migrations.Up(ctx, w, "sqlite"); err != nil {
		w.Close()
		return nil, fmt.Errorf("migrate sqlite %s: %w", path, err)
	}
	r, err := sql.Open("sqlite", path+"?"+pragmas+"&_query_only=1")
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	r.SetMaxOpenConns(max(4, runtime.GOMAXPROCS(0)))
	s := &Store{w: w, r: r, hub: newHub()}
	if s.appendStmts, err = prepareAppend(ctx, w); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.Ping(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// As returns s itself: SQLite has no row-level security, and every query
// already scopes by tenant in its WHERE clause.
func (s *Store) As(store.Actor) store.Store { return s }

// Dialect returns "sqlite".
func (s *Store) Dialect() string { return "sqlite" }

// Ping checks that both pools answer.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.w.PingContext(ctx); err != nil {
		return fmt.Errorf("ping sqlite writer: %w", err)
	}
	if err := s.r.PingContext(ctx); err != nil {
		return fmt.Errorf("ping sqlite reader: %w", err)
	}
	return nil
}

// Close closes both pools.
func (s *Store) Close() error {
	closeAll(s.appendStmts)
	return errors.Join(s.r.Close(), s.w.Close())
}

// closeAll closes the statements that were prepared.
func closeAll(stmts []*sql.Stmt) {
	for _, st := range stmts {
		if st != nil {
			st.Close()
		}
	}
}

// inTx runs fn in a write transaction and commits it when fn succeeds.
// Because the writer DSN says _txlock=immediate, the transaction holds the
// write lock from its first statement, so what fn reads stays true until
// commit.
func (s *Store) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return dbErr(err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return dbErr(tx.Commit())
}

// now is the store's clock, at the precision it stores.
func now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// fillID sets *id to a new UUID when it is empty.
func fillID(id *string) {
	if *id == "" {
		*id = uuid.NewString()
	}
}

// fillTime sets *t to now when it is zero, and truncates it otherwise, so
// that the caller holds exactly what was stored.
func fillTime(t *time.Time, now time.Time) {
	if t.IsZero() {
		*t = now
		return
	}
	*t = t.UTC().Truncate(time.Microsecond)
}
