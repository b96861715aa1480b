// Package recordingtest holds what the tests of recordings share.
package recordingtest

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// Chunks returns a real recording, Chromium's MediaRecorder WebM of
// package webm's tests (3.2 s of Opus), cut into n chunks of equal size
// but the last, as a browser's timeslices would cut it.
func Chunks(t testing.TB, n int) [][]byte {
	t.Helper()
	_, here, _, _ := runtime.Caller(0)
	b, err := os.ReadFile(filepath.Join(filepath.Dir(here), "..", "webm", "testdata", "mediarecorder-opus.webm"))
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	size := (len(b) + n - 1) / n
	for len(b) > 0 {
		k := min(size, len(b))
		out = append(out, b[:k])
		b = b[k:]
	}
	return out
}
