package postgres

import (
	"context"
	"fmt"
	"hash/fnv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

// listenBuffer is how many payloads a listener may fall behind by before
// it loses some.
const listenBuffer = 64

// Listen's reconnection backoff after its connection is lost.
const (
	minBackoff = 100 * time.Millisecond
	maxBackoff = 5 * time.Second
)

// Notify sends payload on channel with pg_notify; it reaches listeners
// when the statement commits.
func (s *Store) Notify(ctx context.Context, channel, payload string) error {
	if err := s.serverOnly("notify"); err != nil {
		return err
	}
	if err := store.CheckNotify(channel, payload); err != nil {
		return err
	}
	if _, err := s.pool.Exec(ctx, `SELECT pg_notify($1, $2)`, channel, payload); err != nil {
		return fmt.Errorf("notify %s: %w", channel, dbErr(err))
	}
	return nil
}

// dial opens a connection of its own, outside the pool, for a LISTEN or a
// session advisory lock that must live exactly as long as it does.
func (s *Store) dial(ctx context.Context) (*pgx.Conn, error) {
	return pgx.ConnectConfig(ctx, s.pool.Config().ConnConfig.Copy())
}

// Listen LISTENs on a connection of its own before it returns, so that a
// Notify made after it returns is delivered. When the connection is lost
// it reconnects with backoff, listens again and delivers "" once.
func (s *Store) Listen(ctx context.Context, channel string) (<-chan string, error) {
	if err := s.serverOnly("listen"); err != nil {
		return nil, err
	}
	if err := store.CheckNotify(channel, ""); err != nil {
		return nil, err
	}
	conn, err := s.listenConn(ctx, channel)
	if err != nil {
		return nil, fmt.Errorf("listen %s: %w", channel, err)
	}
	ch := make(chan string, listenBuffer)
	go s.listen(ctx, conn, channel, ch)
	return ch, nil
}

// listenConn dials and LISTENs on channel.
func (s *Store) listenConn(ctx context.Context, channel string) (*pgx.Conn, error) {
	conn, err := s.dial(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{channel}.Sanitize()); err != nil {
		conn.Close(context.Background())
		return nil, err
	}
	return conn, nil
}

// listen delivers notifications from conn to ch, reconnecting when conn
// fails, until ctx ends.
func (s *Store) listen(ctx context.Context, conn *pgx.Conn, channel string, ch chan<- string) {
	defer close(ch)
	for {
		err := s.deliver(ctx, conn, ch)
		conn.Close(context.Background())
		if ctx.Err() != nil {
			return
		}
		_ = err // the connection is gone; the next one will tell if it is for good
		if conn = s.relisten(ctx, channel); conn == nil {
			return
		}
		select {
		case ch <- "": // "you may have missed some: re-read"
		case <-ctx.Done():
			conn.Close(context.Background())
			return
		}
	}
}

// deliver forwards conn's notifications until it fails or ctx ends. A full
// buffer drops the payload and delivers "" as soon as there is room again.
func (s *Store) deliver(ctx context.Context, conn *pgx.Conn, ch chan<- string) error {
	lost := false
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		if lost {
			select {
			case ch <- "":
				lost = false
			default:
			}
		}
		select {
		case ch <- n.Payload:
		default:
			lost = true
		}
	}
}

// relisten reconnects with exponential backoff until it listens again or
// ctx ends (nil).
func (s *Store) relisten(ctx context.Context, channel string) *pgx.Conn {
	wait := minBackoff
	for {
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
		if conn, err := s.listenConn(ctx, channel); err == nil {
			return conn
		}
		wait = min(2*wait, maxBackoff)
	}
}

// TryLock takes a session advisory lock, keyed by a hash of name, on a
// connection of its own: unlock closes the connection, which releases it,
// and so does the death of the process.
func (s *Store) TryLock(ctx context.Context, name string) (func(), bool, error) {
	if err := s.serverOnly("try lock"); err != nil {
		return nil, false, err
	}
	if name == "" {
		return nil, false, fmt.Errorf("try lock: %w", interview.Errorf(interview.CodeInvalid, "a lock needs a name"))
	}
	conn, err := s.dial(ctx)
	if err != nil {
		return nil, false, fmt.Errorf("try lock %s: %w", name, err)
	}
	var ok bool
	if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1)`, lockKey(name)).Scan(&ok); err != nil || !ok {
		conn.Close(context.Background())
		if err != nil {
			return nil, false, fmt.Errorf("try lock %s: %w", name, dbErr(err))
		}
		return nil, false, nil
	}
	var once sync.Once
	return func() { once.Do(func() { conn.Close(context.Background()) }) }, true, nil
}

// lockKey is the advisory lock key of name: a 64-bit FNV-1a hash of it,
// prefixed so that it does not meet other users of advisory locks.
func lockKey(name string) int64 {
	h := fnv.New64a()
	h.Write([]byte("interviewd:lock:" + name))
	return int64(h.Sum64())
}
