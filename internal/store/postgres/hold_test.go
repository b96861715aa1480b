package postgres

import (
	"testing"
	"time"
)

// An instance whose lock connection is killed (pg_terminate_backend) takes
// its lock again: it is alive again within a moment, and after release it
// is not.
func TestHoldInstanceRetakes(t *testing.T) {
	t.Parallel()
	s := servers[0].open(t)
	ctx := t.Context()
	id := "inst_retake_" + time.Now().Format("150405.000000000")
	release, err := s.HoldInstance(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	holder := func() (pid int) { // the backend holding id's lock, 0 when none
		err := s.pool.QueryRow(ctx, `SELECT coalesce(max(pid), 0) FROM pg_locks WHERE locktype = 'advisory' AND granted
			AND classid = `+lockSpace+`::oid AND objid = hashtext($1)::oid AND objsubid = 2`, id).Scan(&pid)
		if err != nil {
			t.Fatal(err)
		}
		return pid
	}
	alive := func() bool {
		var ok bool
		if err := s.pool.QueryRow(ctx, `SELECT `+ownerAlive("$1::text"), id).Scan(&ok); err != nil {
			t.Fatal(err)
		}
		return ok
	}
	first := 0
	waitFor := func(what string, want bool) time.Duration {
		start := time.Now()
		for alive() != want || want && holder() == first {
			if time.Since(start) > 10*time.Second {
				t.Fatalf("%s: alive is not %v after 10 s", what, want)
			}
			time.Sleep(5 * time.Millisecond)
		}
		return time.Since(start)
	}
	waitFor("held", true)
	first = holder()
	var killed int
	if err := s.pool.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE datname = current_database() AND query LIKE 'SELECT pg_advisory_lock(%'`).Scan(&killed); err != nil || killed < 1 {
		t.Fatalf("killed %d lock connections (%v), want at least 1", killed, err)
	}
	t.Logf("lock taken again %v after its connection was killed", waitFor("retaken", true))
	release()
	waitFor("released", false)
}
