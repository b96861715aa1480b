package recording

import (
	"errors"
	"io"
	"time"
)

// isWebM reports whether a segment's type is WebM, whose duration the
// finaliser measures and writes into the file.
func isWebM(mimeType string) bool {
	return SameType(mimeType, "audio/webm") || SameType(mimeType, "video/webm")
}

// measure returns the duration of a WebM stream. Placeholder until package
// webm lands (helper B): webm.Duration.
func measure(r io.Reader) (time.Duration, error) {
	return 0, errors.New("webm: not yet")
}

// stamp writes d into the Info of a WebM file's first bytes. Placeholder
// until package webm lands (helper B): webm.SetDuration.
func stamp(head []byte, d time.Duration) ([]byte, error) {
	return nil, errors.New("webm: not yet")
}
