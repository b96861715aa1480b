package apivideotest

import (
	"fmt"
	"io"
	"net/http"
)

// source takes a video's source: whole, or a part whose Content-Range
// "bytes from-to/total" starts where the last ended and, but for the
// last, is at least MinPart long.
func (s *Server) source(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.counts["part"]++
	fail := s.failPart[s.counts["part"]]
	delete(s.failPart, s.counts["part"])
	s.mu.Unlock()
	f, _, err := r.FormFile("file")
	if err != nil {
		problem(w, 400, "uploaded-file-no-file", "There is no uploaded file in the request.")
		return
	}
	data, err := io.ReadAll(f)
	if err != nil || fail {
		problem(w, 500, "internal-error", "The part was lost.")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.videos[r.PathValue("id")]
	switch {
	case !ok:
		problem(w, 404, "resource-not-found", "The requested resource was not found.")
	case v.done:
		problem(w, 400, "video-source-already-uploaded", "The source of the video is already uploaded.")
	default:
		if msg := v.take(r.Header.Get("Content-Range"), data); msg != "" {
			problem(w, 400, "invalid-content-range", msg)
			return
		}
		writeJSON(w, 201, s.view(v))
	}
}

// take adds a part, or says why api.video would refuse it.
func (v *video) take(contentRange string, data []byte) string {
	if contentRange == "" {
		if v.received > 0 {
			return "a part without Content-Range in a progressive upload"
		}
		v.source, v.done = data, true
		return ""
	}
	var from, to, total int64
	if _, err := fmt.Sscanf(contentRange, "bytes %d-%d/%d", &from, &to, &total); err != nil {
		return "Content-Range must be bytes from-to/total"
	}
	last := to+1 == total
	switch {
	case from != v.received:
		return fmt.Sprintf("the part starts at %d, the upload is at %d", from, v.received)
	case to-from+1 != int64(len(data)):
		return fmt.Sprintf("the part has %d bytes, its range %d", len(data), to-from+1)
	case !last && len(data) < MinPart:
		return fmt.Sprintf("a part but the last must be at least %d bytes, not %d", MinPart, len(data))
	case to >= total:
		return "the part ends past the total"
	}
	v.source = append(v.source, data...)
	v.received += int64(len(data))
	v.done = last
	return ""
}
