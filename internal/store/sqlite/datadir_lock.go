//go:build unix

package sqlite

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"

	"golang.org/x/sys/unix"
)

// lockFile is the file in DATA_DIR that the serving process locks.
const lockFile = "interviewd.lock"

// LockDataDir takes an exclusive lock on dir/interviewd.lock, so that one
// server at a time serves a SQLite file: SQLite's Notifier and Locks are in
// process, and a second server would neither hear the first nor be kept
// out of its calls. A second process is refused with an error saying to
// use PostgreSQL (DATABASE_URL) to run several. The lock ends with release
// or with the process, however it dies. The file holds the holder's PID,
// for people.
func LockDataDir(dir string) (release func(), err error) {
	path := filepath.Join(dir, lockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock data directory: %w", err)
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, unix.EWOULDBLOCK) {
			return nil, fmt.Errorf("%s is locked: another interviewd server uses this DATA_DIR; "+
				"SQLite serves one process, so stop the other one, or set DATABASE_URL to a PostgreSQL "+
				"database to run several instances (docs/scaling.md)", path)
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if err := f.Truncate(0); err == nil {
		f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0) // informative only
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			unix.Flock(int(f.Fd()), unix.LOCK_UN)
			f.Close()
		})
	}, nil
}
