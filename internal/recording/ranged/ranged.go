// Package ranged reads a remote file of known size from any offset over
// HTTP: the first response is read from the start, and a Read after a
// Seek elsewhere asks for the rest from there (a Range GET). The Supabase
// blobs and api.video's MP4 assets use it.
package ranged

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"
)

// OpenFunc asks for the file from offset from to its end.
type OpenFunc func(ctx context.Context, from int64) (io.ReadCloser, error)

// Object is a remote file read through OpenFunc; it implements
// recording.Object.
type Object struct {
	ctx  context.Context
	open OpenFunc
	size int64
	mod  time.Time

	off     int64         // where the next Read starts
	body    io.ReadCloser // a response being read, at bodyOff
	bodyOff int64
}

// New returns the object of size bytes whose first response, body, is
// read from offset 0 (nil to ask for it at the first Read); reads use ctx.
func New(ctx context.Context, size int64, mod time.Time, body io.ReadCloser, open OpenFunc) *Object {
	return &Object{ctx: ctx, open: open, size: size, mod: mod, body: body}
}

// Size is the file's length.
func (o *Object) Size() int64 { return o.size }

// ModTime is when the file was last written, as the server said.
func (o *Object) ModTime() time.Time { return o.mod }

// Read reads at the current offset, asking for a new range if needed.
func (o *Object) Read(p []byte) (int, error) {
	if o.off >= o.size {
		return 0, io.EOF
	}
	if o.body == nil || o.bodyOff != o.off {
		if err := o.reopen(); err != nil {
			return 0, err
		}
	}
	n, err := o.body.Read(p[:min(int64(len(p)), o.size-o.off)])
	o.off += int64(n)
	o.bodyOff += int64(n)
	switch {
	case errors.Is(err, io.EOF) && o.off < o.size:
		err = io.ErrUnexpectedEOF
	case errors.Is(err, io.EOF) && n > 0:
		err = nil
	}
	return n, err
}

func (o *Object) reopen() error {
	if o.body != nil {
		o.body.Close()
		o.body = nil
	}
	body, err := o.open(o.ctx, o.off)
	if err != nil {
		return fmt.Errorf("read at %d: %w", o.off, err)
	}
	o.body, o.bodyOff = body, o.off
	return nil
}

// Seek moves the offset; nothing is asked until the next Read.
func (o *Object) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekCurrent:
		offset += o.off
	case io.SeekEnd:
		offset += o.size
	case io.SeekStart:
	default:
		return 0, errors.New("ranged: bad whence")
	}
	if offset < 0 {
		return 0, errors.New("ranged: seek before the start")
	}
	o.off = offset
	return offset, nil
}

// Close closes the response being read.
func (o *Object) Close() error {
	if o.body != nil {
		return o.body.Close()
	}
	return nil
}

// CheckRange is an OpenFunc's check of a 206's Content-Range: it must
// start at from.
func CheckRange(contentRange string, from int64) error {
	var start, end, total int64
	if _, err := fmt.Sscanf(contentRange, "bytes %d-%d/%d", &start, &end, &total); err != nil || start != from {
		return fmt.Errorf("ranged: Content-Range %q for a range from %d", contentRange, from)
	}
	return nil
}
