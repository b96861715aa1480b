package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestRunSQLiteIsOneProcess: a second server on the DATA_DIR a running one
// uses is refused with an error naming DATABASE_URL; once the first has
// stopped, a server starts there again.
func TestRunSQLiteIsOneProcess(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	env := map[string]string{"DATA_DIR": dir, "ADDR": "127.0.0.1:0"}
	_, _, stop := start(t, env)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second) // a server that started would serve until then
	defer cancel()
	err := run(ctx, []string{"interviewd"}, func(k string) (string, bool) { v, ok := env[k]; return v, ok }, &syncBuffer{}, &syncBuffer{})
	if err == nil || !strings.Contains(err.Error(), "DATABASE_URL") || !strings.Contains(err.Error(), "DATA_DIR") {
		t.Errorf("a second server on the same DATA_DIR: %v", err)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	_, _, stop = start(t, env)
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}
