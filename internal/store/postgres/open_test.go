package postgres

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

func TestOpenUnreachableNamesHost(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	_, err := Open(ctx, "postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=2")
	if err == nil {
		t.Fatal("Open succeeded against a closed port")
	}
	if !strings.Contains(err.Error(), "127.0.0.1:1") {
		t.Errorf("error does not name the host: %v", err)
	}
}

func TestOpenBadURL(t *testing.T) {
	t.Parallel()
	if _, err := Open(context.Background(), "postgres://x:y@host:notaport/db"); err == nil {
		t.Fatal("Open accepted a malformed URL")
	}
}

// Two servers starting at once on a fresh database both migrate it, and
// each migration is applied once (goose's advisory lock).
func TestConcurrentMigrations(t *testing.T) {
	t.Parallel()
	dbURL := newDatabase(t)
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := Open(context.Background(), dbURL)
			if err == nil {
				s.Close()
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("Open %d: %v", i, err)
		}
	}
	s := openURL(t, dbURL)
	rows, err := s.pool.Query(context.Background(), `SELECT version_id, count(*) FROM goose_db_version
		WHERE version_id > 0 GROUP BY version_id ORDER BY version_id`)
	if err != nil {
		t.Fatal(err)
	}
	counts, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) ([2]int64, error) {
		var v [2]int64
		return v, r.Scan(&v[0], &v[1])
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(counts) == 0 {
		t.Fatal("no migration recorded")
	}
	for _, c := range counts {
		if c[1] != 1 {
			t.Errorf("migration %d recorded %d times", c[0], c[1])
		}
	}
}

// After its database is gone, Ping reports an error (what /readyz shows)
// and does not panic.
func TestPingAfterDatabaseDropped(t *testing.T) {
	t.Parallel()
	dbURL := newDatabase(t)
	s := openURL(t, dbURL)
	ctx := context.Background()
	if err := s.Ping(ctx); err != nil {
		t.Fatalf("Ping on a live database: %v", err)
	}
	admin := adminConn(t)
	var name string
	if err := s.pool.QueryRow(ctx, "SELECT current_database()").Scan(&name); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec(ctx, "DROP DATABASE "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
		t.Fatal(err)
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := s.Ping(pingCtx); err == nil {
		t.Fatal("Ping succeeded after the database was dropped")
	}
	if err := s.Ping(pingCtx); err == nil {
		t.Fatal("second Ping succeeded after the database was dropped")
	}
}
