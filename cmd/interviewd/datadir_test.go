package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const looseWarning = "others than the owner can access this path"

// TestDataDirModes: a fresh start creates DATA_DIR 0700 and the database,
// its -wal and -shm, and the generated secret 0600, whatever the umask
// (usually 022, which would give 0755 and 0644), and warns about nothing.
func TestDataDirModes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	_, out, stop := start(t, map[string]string{"DATA_DIR": dir, "ADDR": "127.0.0.1:0"})
	defer stop()
	want := map[string]os.FileMode{dir: 0o700}
	for _, name := range []string{"interviewd.db", "interviewd.db-wal", "interviewd.db-shm", secretFile} {
		want[filepath.Join(dir, name)] = 0o600
	}
	for path, mode := range want {
		info, err := os.Stat(path)
		if err != nil {
			t.Errorf("%s: %v", path, err)
			continue
		}
		if got := info.Mode().Perm(); got != mode {
			t.Errorf("%s has mode %#o, want %#o", path, got, mode)
		}
	}
	if strings.Contains(out.String(), looseWarning) {
		t.Errorf("a fresh DATA_DIR gave a warning:\n%s", out)
	}
}

// TestDataDirLooseModes: a DATA_DIR left 0755 with a database file 0644
// from before starts, with one warning line for each naming the path and
// its mode; SQLite gives -wal and -shm the database's mode, so they are
// named too, and the generated secret (0600) is not.
func TestDataDirLooseModes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	db := filepath.Join(dir, "interviewd.db")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(db, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for path, mode := range map[string]os.FileMode{dir: 0o755, db: 0o644} {
		if err := os.Chmod(path, mode); err != nil { // whatever the umask
			t.Fatal(err)
		}
	}
	_, out, stop := start(t, map[string]string{"DATA_DIR": dir, "ADDR": "127.0.0.1:0"})
	defer stop()
	for path, mode := range map[string]string{dir: "0755", db: "0644", db + "-wal": "0644", db + "-shm": "0644"} {
		if n := countLines(out.String(), looseWarning, fmt.Sprintf("path=%s ", path), "mode="+mode); n != 1 {
			t.Errorf("%d warnings for %s %s, want 1:\n%s", n, path, mode, out)
		}
	}
	if n := strings.Count(out.String(), looseWarning); n != 4 {
		t.Errorf("%d warnings, want 4 (the directory and the database's files):\n%s", n, out)
	}
}

// countLines counts the lines of s that hold every one of parts.
func countLines(s string, parts ...string) int {
	n := 0
	for line := range strings.Lines(s) {
		all := true
		for _, p := range parts {
			all = all && strings.Contains(line, p)
		}
		if all {
			n++
		}
	}
	return n
}
