//go:build !unix

package sqlite

// LockDataDir takes no lock where flock(2) is missing: run one server per
// DATA_DIR there (docs/scaling.md).
func LockDataDir(dir string) (release func(), err error) { return func() {}, nil }
