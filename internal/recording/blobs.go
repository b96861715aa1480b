// Package recording keeps interviews' recordings: the chunks the
// candidate's browser uploads, their segments joined into playable files
// when the interview ends, and where those bytes live (docs/recordings.md).
package recording

import (
	"context"
	"errors"
	"io"
	"time"
)

// ErrNoObject is a blob store's answer for a key it does not hold.
var ErrNoObject = errors.New("recording: no such object")

// Blobs holds recordings' bytes under keys such as
// "t/{tenant}/i/{interview}/s/{index}/c/{seq}". Implementations: files
// under DATA_DIR (the default) and Supabase Storage (package blobs).
// Methods are safe for concurrent use.
type Blobs interface {
	// Name says which backend it is: "files" or "supabase".
	Name() string
	// Put stores size bytes read from r under key, replacing what was there.
	// A reader that ends early, or gives more than size, fails the Put and
	// leaves no object.
	Put(ctx context.Context, key string, r io.Reader, size int64) error
	// Open returns the object under key for reading from any offset;
	// ErrNoObject when there is none.
	Open(ctx context.Context, key string) (Object, error)
	// Delete deletes every object whose key starts with prefix; none is
	// not an error.
	Delete(ctx context.Context, prefix string) error
}

// Object is a stored blob, readable from any offset (http.ServeContent
// serves it with ranges).
type Object interface {
	io.ReadSeekCloser
	Size() int64
	ModTime() time.Time
}

// Publisher is a video platform that keeps a finalised segment instead of
// Blobs: api.video when API_VIDEO_KEY is set (package apivideo).
type Publisher interface {
	// Upload sends size bytes of r as a new video titled title, in
	// resumable parts (a failed part is sent again), and returns its ID.
	Upload(ctx context.Context, title string, r io.ReaderAt, size int64) (videoID string, err error)
	// Open streams the video's playable file (its MP4 asset), from any
	// offset; ErrNoObject when the platform does not have it.
	Open(ctx context.Context, videoID string) (Object, error)
	// Delete deletes the video; one already gone is not an error.
	Delete(ctx context.Context, videoID string) error
}
