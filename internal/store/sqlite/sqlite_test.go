package sqlite_test

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
	"github.com/interviewd/interviewd/internal/store/sqlite"
	"github.com/interviewd/interviewd/internal/store/storetest"
	"github.com/interviewd/interviewd/migrations"
)

func open(t testing.TB, path string) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		return open(t, filepath.Join(t.TempDir(), "interviewd.db"))
	})
}

// The shared-state suite: SQLite is single-process, so both "instances"
// are one store.
func TestConformanceShared(t *testing.T) {
	storetest.RunShared(t, func(t *testing.T) (store.Store, store.Store) {
		s := open(t, filepath.Join(t.TempDir(), "interviewd.db"))
		return s, s
	})
}

// TestConformanceSharedDatabase runs the suite twice on one store, as the
// PostgreSQL store does on one shared database: no test may depend on
// starting empty.
func TestConformanceSharedDatabase(t *testing.T) {
	if testing.Short() {
		t.Skip("the suite runs once in TestConformance")
	}
	s := open(t, filepath.Join(t.TempDir(), "shared.db"))
	for range 2 {
		storetest.Run(t, func(*testing.T) store.Store { return s })
	}
}

func TestReopenKeepsData(t *testing.T) {
	path := filepath.Join(t.TempDir(), "interviewd.db")
	s, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	u := interview.User{Email: "keep@example.com", Name: "Keep"}
	if err := s.CreateUser(t.Context(), &u); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = open(t, path)
	got, err := s.GetUser(t.Context(), u.ID)
	if err != nil || got != u {
		t.Fatalf("after reopen: %+v, %v; want %+v", got, err, u)
	}
	n, err := migrations.Up(t.Context(), s.DB(), "sqlite")
	if err != nil || n != 0 {
		t.Fatalf("migrations re-applied: %d, %v; want 0, nil", n, err)
	}
}

func TestTables(t *testing.T) {
	s := open(t, filepath.Join(t.TempDir(), "interviewd.db"))
	rows, err := s.DB().QueryContext(t.Context(), `SELECT name FROM sqlite_master WHERE type = 'table'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, name)
	}
	for _, want := range []string{"tenants", "users", "tenant_users", "positions", "candidates",
		"interview_sessions", "transcript_entries", "video_segments", "consents", "api_keys", "audit_log",
		"logins", "invitations", "idempotency_keys"} {
		t.Run(want, func(t *testing.T) {
			if !slices.Contains(tables, want) {
				t.Errorf("table %s missing; have %v", want, tables)
			}
		})
	}
}

// TestReadsDoNotWaitForWriter holds the writer's transaction open and reads:
// WAL and the separate read pool let the read finish at once.
func TestReadsDoNotWaitForWriter(t *testing.T) {
	s := open(t, filepath.Join(t.TempDir(), "interviewd.db"))
	tn := interview.Tenant{Name: "Acme"}
	if err := s.CreateTenant(t.Context(), &tn, ""); err != nil {
		t.Fatal(err)
	}
	tx, err := s.DB().BeginTx(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(t.Context(), `UPDATE tenants SET name = 'Held' WHERE id = ?`, tn.ID); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
	defer cancel()
	got, err := s.GetTenant(ctx, tn.ID)
	if err != nil || got.Name != "Acme" {
		t.Fatalf("read during a write: %+v, %v; want the committed name", got, err)
	}
	var mode string
	if err := tx.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q, %v; want wal", mode, err)
	}
}
