package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
	"github.com/interviewd/interviewd/internal/store/sqlite"
)

// The serving process sweeps at start-up: a login that expired before it
// started is gone, and the sweep is logged at debug level.
func TestRunSweepsExpiredLogins(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	dbPath := filepath.Join(dir, "interviewd.db")
	expired := addLogin(t, dbPath, time.Now().Add(-time.Minute))
	live := addLogin(t, dbPath, time.Now().Add(time.Hour))

	_, out, stop := start(t, map[string]string{"DATA_DIR": dir, "ADDR": "127.0.0.1:0", "LOG_LEVEL": "debug"})
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(out.String(), `msg="housekeeping sweep" component=housekeeping logins=1 `) {
		if time.Now().After(deadline) {
			stop()
			t.Fatalf("no sweep logged:\n%s", out)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}

	st, err := sqlite.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.GetLoginByHash(context.Background(), expired); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("expired login after the sweep: %v, want ErrNotFound", err)
	}
	if _, err := st.GetLoginByHash(context.Background(), live); err != nil {
		t.Errorf("live login after the sweep: %v", err)
	}
}

// addLogin stores a login expiring at expires, of a new owner of a new
// organisation, and returns its token hash.
func addLogin(t *testing.T, dbPath string, expires time.Time) string {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	hash := uuid.NewString()
	owner := interview.User{Email: hash + "@example.com", Name: "Owner"}
	if err := st.CreateUser(ctx, &owner); err != nil {
		t.Fatal(err)
	}
	ten := interview.Tenant{Name: "Acme"}
	if err := st.CreateTenant(ctx, &ten, owner.ID); err != nil {
		t.Fatal(err)
	}
	l := interview.Login{UserID: owner.ID, TenantID: ten.ID, TokenHash: hash, ExpiresAt: expires}
	if err := st.CreateLogin(ctx, &l); err != nil {
		t.Fatal(err)
	}
	return hash
}
