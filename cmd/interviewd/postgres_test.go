package main

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/interviewd/interviewd/internal/testenv"
)

// TestRunOnPostgres starts interviewd on a fresh PostgreSQL database twice
// at once: both migrate it (each migration applied once) and serve /readyz.
// When the database goes away, /readyz says so instead of crashing.
func TestRunOnPostgres(t *testing.T) {
	dbURL, name := testenv.PostgresDB(t)
	env := func() map[string]string {
		return map[string]string{"DATA_DIR": t.TempDir(), "ADDR": "127.0.0.1:0", "DATABASE_URL": dbURL}
	}
	var wg sync.WaitGroup
	bases := make([]string, 2)
	stops := make([]func() error, 2)
	outs := make([]*syncBuffer, 2)
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			bases[i], outs[i], stops[i] = start(t, env())
		}()
	}
	wg.Wait()
	for i, base := range bases {
		if got := getStatus(t, base+"/readyz"); got != http.StatusOK {
			t.Errorf("instance %d /readyz = %d", i, got)
		}
		if !strings.Contains(outs[i].String(), "store=postgres") {
			t.Errorf("start-up line does not name postgres:\n%s", outs[i])
		}
		if strings.Contains(outs[i].String(), dbURL) {
			t.Error("the start-up line leaks DATABASE_URL")
		}
	}
	assertMigratedOnce(t, dbURL)

	admin := testenv.PostgresAdmin(t)
	_, err := admin.Exec(context.Background(), "DROP DATABASE "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
	if err != nil {
		t.Fatal(err)
	}
	if got := getStatus(t, bases[0]+"/readyz"); got != http.StatusServiceUnavailable {
		t.Errorf("/readyz with the database gone = %d, want 503", got)
	}
	if got := getStatus(t, bases[0]+"/healthz"); got != http.StatusOK {
		t.Errorf("/healthz with the database gone = %d, want 200 (the process is alive)", got)
	}
	for _, stop := range stops {
		if err := stop(); err != nil {
			t.Errorf("stop: %v", err)
		}
	}
}

func assertMigratedOnce(t *testing.T, dbURL string) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var dupes, applied int
	err = conn.QueryRow(ctx, `SELECT count(*) - count(DISTINCT version_id), count(DISTINCT version_id)
		FROM goose_db_version WHERE version_id > 0`).Scan(&dupes, &applied)
	if err != nil {
		t.Fatal(err)
	}
	if dupes != 0 || applied == 0 {
		t.Errorf("migrations applied %d distinct with %d repeats", applied, dupes)
	}
}
