package migrations

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
	_ "modernc.org/sqlite"

	"github.com/interviewd/interviewd/internal/testenv"
)

// TestTranscriptOrderMigration writes transcripts in arrival order with the
// schema before 00006 (a candidate stored before the greeting they spoke
// over), migrates, and checks that seq follows the timestamps, gap-free
// from 1 per interview, ties keeping their old order, and that every entry
// is not interrupted.
func TestTranscriptOrderMigration(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "old.db")+"?_pragma=foreign_keys(1)")
		if err != nil {
			t.Fatal(err)
		}
		db.SetMaxOpenConns(1)
		t.Cleanup(func() { db.Close() })
		checkTranscriptOrder(t, db, "sqlite")
	})
	t.Run("postgres", func(t *testing.T) {
		dbURL, _ := testenv.PostgresDB(t)
		db, err := sql.Open("pgx", dbURL)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		checkTranscriptOrder(t, db, "postgres")
	})
}

// oldEntry is a transcript row as interviewd stored it before 00006.
type oldEntry struct {
	interview string
	seq       int64
	item      string
	at        time.Duration // after t0
}

func checkTranscriptOrder(t *testing.T, db *sql.DB, dialect string) {
	ctx := t.Context()
	if _, err := UpTo(ctx, db, dialect, 5); err != nil {
		t.Fatal(err)
	}
	old := []oldEntry{
		{"iv1", 1, "cand-over-greeting", 3 * time.Second},
		{"iv1", 2, "greeting", 0},
		{"iv1", 3, "tie-first", 10 * time.Second},
		{"iv1", 4, "tie-second", 10 * time.Second},
		{"iv1", 5, "question-2", 12 * time.Second},
		{"iv2", 1, "late", 5 * time.Second},
		{"iv2", 2, "early", time.Second},
	}
	ids := fixtureIDs()
	writeOld(t, db, dialect, ids, old)
	if n, err := Up(ctx, db, dialect); err != nil || n < 1 {
		t.Fatalf("migrate: %d, %v", n, err)
	}
	for iv, want := range map[string][]string{
		"iv1": {"greeting", "cand-over-greeting", "tie-first", "tie-second", "question-2"},
		"iv2": {"early", "late"},
	} {
		rows, err := db.QueryContext(ctx, rebind(dialect, `SELECT seq, item_id, interrupted FROM transcript_entries
			WHERE interview_session_id = ? ORDER BY seq`), ids[iv])
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for i := int64(1); rows.Next(); i++ {
			var seq int64
			var item string
			var cut bool
			if err := rows.Scan(&seq, &item, &cut); err != nil {
				t.Fatal(err)
			}
			if seq != i || cut {
				t.Errorf("%s: %s has seq %d (want %d), interrupted %v", iv, item, seq, i, cut)
			}
			got = append(got, item)
		}
		rows.Close()
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("%s: order %v, want %v", iv, got, want)
		}
		var last int64
		if err := db.QueryRowContext(ctx, rebind(dialect, `SELECT transcript_seq FROM interview_sessions WHERE id = ?`), ids[iv]).Scan(&last); err != nil || last != int64(len(want)) {
			t.Errorf("%s: transcript_seq %d (%v), want %d", iv, last, err, len(want))
		}
	}
}

// fixtureIDs are the fixture's IDs, UUIDs as PostgreSQL wants them.
func fixtureIDs() map[string]string {
	return map[string]string{
		"tenant": "00000000-0000-4000-8000-000000000001", "position": "00000000-0000-4000-8000-000000000002",
		"candidate": "00000000-0000-4000-8000-000000000003",
		"iv1":       "00000000-0000-4000-8000-000000000011", "iv2": "00000000-0000-4000-8000-000000000012",
	}
}

// writeOld inserts a tenant, a position, a candidate, the interviews and
// the entries with plain SQL in the old schema.
func writeOld(t *testing.T, db *sql.DB, dialect string, ids map[string]string, entries []oldEntry) {
	t.Helper()
	t0 := time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)
	stamp := func(d time.Duration) any {
		if dialect == "sqlite" {
			return t0.Add(d).Format("2006-01-02T15:04:05.000000Z")
		}
		return t0.Add(d)
	}
	now := stamp(0)
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.ExecContext(context.Background(), rebind(dialect, q), args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	exec(`INSERT INTO tenants (id, name, created_at) VALUES (?, 'Acme', ?)`, ids["tenant"], now)
	exec(`INSERT INTO positions (id, tenant_id, title, description, instructions, questions, max_minutes, language, voice, created_at, updated_at)
		VALUES (?, ?, 'Engineer', '', '', '[]', 30, 'en', '', ?, ?)`, ids["position"], ids["tenant"], now, now)
	exec(`INSERT INTO candidates (id, tenant_id, name, email, created_at) VALUES (?, ?, 'Ada', 'ada@example.com', ?)`,
		ids["candidate"], ids["tenant"], now)
	count := map[string]int{}
	for _, e := range entries {
		count[e.interview]++
	}
	for _, iv := range []string{"iv1", "iv2"} {
		exec(`INSERT INTO interview_sessions (id, tenant_id, position_id, candidate_id, status, transcript_seq, created_at, updated_at)
			VALUES (?, ?, ?, ?, 'completed', ?, ?, ?)`, ids[iv], ids["tenant"], ids["position"], ids["candidate"], count[iv], now, now)
	}
	for i, e := range entries {
		exec(`INSERT INTO transcript_entries (id, tenant_id, interview_session_id, seq, item_id, speaker, text, timestamp, source, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, 'candidate', 'line', ?, 'sideband', ?, ?)`,
			fmt.Sprintf("00000000-0000-4000-8000-0000000001%02d", i), ids["tenant"], ids[e.interview], e.seq, e.item, stamp(e.at), now, now)
	}
}

// rebind turns ? placeholders into PostgreSQL's $n.
func rebind(dialect, q string) string {
	if dialect != "postgres" {
		return q
	}
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
