package recording

import (
	"io"
	"time"

	"github.com/interviewd/interviewd/internal/recording/webm"
)

// isWebM reports whether a segment's type is WebM, whose duration the
// finaliser measures and writes into the file.
func isWebM(mimeType string) bool {
	return SameType(mimeType, "audio/webm") || SameType(mimeType, "video/webm")
}

// measure returns the duration of a WebM stream from its blocks' times:
// MediaRecorder writes none in the file.
func measure(r io.Reader) (time.Duration, error) { return webm.Duration(r) }

// stamp writes d into the Info of a WebM file's first bytes.
func stamp(head []byte, d time.Duration) ([]byte, error) { return webm.SetDuration(head, d) }
