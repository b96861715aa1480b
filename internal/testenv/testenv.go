// Package testenv gives tests the real parts they need (a PostgreSQL server,
// a headless Chromium) and decides what happens when one is missing: a
// developer's run skips, a CI run (CI=true) fails, so CI never passes by
// skipping.
package testenv

import (
	"os"
	"os/exec"
	"testing"
)

// InCI reports whether the tests run under CI, where nothing may be skipped.
func InCI() bool { return os.Getenv("CI") == "true" }

// Missing skips the test outside CI and fails it in CI, saying what is
// missing and why.
func Missing(t testing.TB, what string, err error) {
	t.Helper()
	if InCI() {
		t.Fatalf("%s is required under CI=true: %v", what, err)
	}
	t.Skipf("%s not available (%v); CI runs this test", what, err)
}

// ChromiumPath returns the Chromium binary to drive, from CHROMIUM_PATH or
// Debian's /usr/bin/chromium, or reports it missing.
func ChromiumPath(t testing.TB) string {
	t.Helper()
	for _, p := range []string{os.Getenv("CHROMIUM_PATH"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p == "" {
			continue
		}
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	Missing(t, "Chromium", os.ErrNotExist)
	return ""
}
