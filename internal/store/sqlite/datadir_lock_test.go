package sqlite_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/interviewd/interviewd/internal/store/sqlite"
)

// lockHelperEnv, when set to a directory, makes the test binary a helper
// process that locks that DATA_DIR, prints the outcome and exits.
const lockHelperEnv = "INTERVIEWD_TEST_LOCK_DATA_DIR"

func TestMain(m *testing.M) {
	if dir := os.Getenv(lockHelperEnv); dir != "" {
		release, err := sqlite.LockDataDir(dir)
		if err != nil {
			fmt.Println(err)
			os.Exit(3)
		}
		release()
		fmt.Println("locked")
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// lockInOtherProcess runs the test binary as a helper that locks dir.
func lockInOtherProcess(t *testing.T, dir string) (string, error) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), os.Args[0])
	cmd.Env = append(os.Environ(), lockHelperEnv+"="+dir)
	out, err := cmd.CombinedOutput()
	return strings.TrimSpace(string(out)), err
}

// A second process on a locked DATA_DIR is refused with an error that
// names DATABASE_URL as the way to run several; once the holder releases
// the lock (or dies), another process takes it.
func TestLockDataDir(t *testing.T) {
	dir := t.TempDir()
	release, err := sqlite.LockDataDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out, err := lockInOtherProcess(t, dir)
	if err == nil {
		t.Fatalf("a second process locked the held DATA_DIR: %s", out)
	}
	for _, want := range []string{filepath.Join(dir, "interviewd.lock"), "another interviewd server", "DATABASE_URL"} {
		if !strings.Contains(out, want) {
			t.Errorf("the refusal %q does not say %q", out, want)
		}
	}
	pid, err := os.ReadFile(filepath.Join(dir, "interviewd.lock"))
	if err != nil || strings.TrimSpace(string(pid)) != fmt.Sprint(os.Getpid()) {
		t.Errorf("the lock file holds %q (%v), want this process's ID %d", pid, err, os.Getpid())
	}
	release()
	release() // twice is harmless
	if out, err := lockInOtherProcess(t, dir); err != nil || out != "locked" {
		t.Errorf("after release another process could not lock: %s, %v", out, err)
	}
	again, err := sqlite.LockDataDir(dir)
	if err != nil {
		t.Fatalf("lock again in this process: %v", err)
	}
	again()
}
