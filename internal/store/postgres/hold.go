package postgres

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/interviewd/interviewd/internal/interview"
)

// lockSpace is the first key of every instance's advisory lock (the
// two-int form; the second is hashtext of the instance ID): "ivwd".
const lockSpace = `x'69767764'::int`

// aliveLocks selects the second key (objid) of every instance lock granted
// in this database: the instances that are alive.
const aliveLocks = `SELECT objid FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 2
	AND classid = ` + lockSpace + `::oid AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`

// ownerAlive is an SQL condition: the instance named by column col holds
// its lock (HoldInstance).
func ownerAlive(col string) string {
	return `(hashtext(` + col + `)::oid IN (` + aliveLocks + `))`
}

// holdTimeout bounds taking an instance's lock: a connection of the same
// instance that was cut may hold it for a moment longer.
const holdTimeout = 10 * time.Second

// HoldInstance takes id's advisory lock on a connection of its own and
// keeps it: when that connection drops (the server restarted, the backend
// was terminated) it reconnects with backoff and takes the lock again.
// release closes the connection, which frees the lock as the process's
// death would.
func (s *Store) HoldInstance(ctx context.Context, id string) (func(), error) {
	if err := s.serverOnly("hold instance"); err != nil {
		return nil, err
	}
	if id == "" {
		return nil, fmt.Errorf("hold instance: %w", interview.Errorf(interview.CodeInvalid, "an instance needs an ID"))
	}
	conn, err := s.lockInstance(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("hold instance %s: %w", id, err)
	}
	hctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go s.hold(hctx, conn, id, done)
	var once sync.Once
	return func() { once.Do(func() { cancel(); <-done }) }, nil
}

// lockInstance dials and takes id's lock, waiting for it if a connection
// being cut still holds it.
func (s *Store) lockInstance(ctx context.Context, id string) (*pgx.Conn, error) {
	ctx, cancel := context.WithTimeout(ctx, holdTimeout)
	defer cancel()
	conn, err := s.dial(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock(`+lockSpace+`, hashtext($1))`, id); err != nil {
		conn.Close(context.Background())
		return nil, dbErr(err)
	}
	return conn, nil
}

// hold keeps conn open until ctx ends, taking the lock again on a new
// connection whenever conn fails. Nothing is sent on conn: waiting for a
// notification only reads, and learns at once of a closed connection.
func (s *Store) hold(ctx context.Context, conn *pgx.Conn, id string, done chan<- struct{}) {
	defer close(done)
	for {
		_, _ = conn.WaitForNotification(ctx)
		conn.Close(context.Background())
		if conn = s.relock(ctx, id); conn == nil {
			return
		}
	}
}

// relock takes id's lock on a new connection, retrying with backoff; nil
// once ctx ends.
func (s *Store) relock(ctx context.Context, id string) *pgx.Conn {
	wait := minBackoff
	for ctx.Err() == nil {
		if conn, err := s.lockInstance(ctx, id); err == nil {
			return conn
		}
		select {
		case <-ctx.Done():
		case <-time.After(wait):
		}
		wait = min(2*wait, maxBackoff)
	}
	return nil
}
