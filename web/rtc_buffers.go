package web

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"net/http"
)

// rtcBufferSize is the size of each of a signalling connection's read and
// write buffers. net/http hands a hijacked connection 4 KiB of each, which
// an idle connection holds for the whole interview; the protocol's
// messages are small (a larger one is read or written past the buffer, in
// one more system call), so 1 KiB each saves 6 KiB per connection
// (docs/performance.md, "Idle signalling").
const rtcBufferSize = 1 << 10

// smallBuffers is the response writer given to websocket.Accept: its
// Hijack hands over the connection with buffers of rtcBufferSize, and
// net/http's larger ones become garbage.
type smallBuffers struct{ http.ResponseWriter }

// Hijack takes over the connection as net/http's Hijack does, moving the
// bytes already read (a client may send its first frame at once) to the
// new reader.
func (w smallBuffers) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	c, brw, err := http.NewResponseController(w.ResponseWriter).Hijack()
	if err != nil {
		return nil, nil, err
	}
	if err := brw.Writer.Flush(); err != nil {
		_ = c.Close()
		return nil, nil, err
	}
	return c, bufio.NewReadWriter(carryOver(brw.Reader, c), bufio.NewWriterSize(c, rtcBufferSize)), nil
}

// carryOver is a reader of c of rtcBufferSize (or more, to hold them) that
// has the bytes br buffered in its buffer: websocket.Accept reads those,
// then resets the reader's source to c.
func carryOver(br *bufio.Reader, c net.Conn) *bufio.Reader {
	n := br.Buffered()
	if n == 0 {
		return bufio.NewReaderSize(c, rtcBufferSize)
	}
	b, _ := br.Peek(n)
	r := bufio.NewReaderSize(io.MultiReader(bytes.NewReader(bytes.Clone(b)), c), max(n, rtcBufferSize))
	_, _ = r.Peek(n) // from the copy alone: Peek stops reading once it has n bytes
	return r
}
