package web

import (
	"io"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/interviewd/interviewd/static"
)

// static serves the embedded assets. A URL carrying the asset's current
// version (as static.Path writes it) may be cached for a year; any other
// must be revalidated, by ETag.
func (s *server) static(w http.ResponseWriter, r *http.Request) {
	name := chi.URLParam(r, "*")
	version, ok := static.Version(name)
	if !ok { // not an embedded file: a typo, a directory or a traversal
		s.fail(w, r, errNoRoute)
		return
	}
	f, err := static.FS().Open(name)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer f.Close()
	content, ok := f.(io.ReadSeeker)
	if !ok {
		s.fail(w, r, &fs.PathError{Op: "seek", Path: name, Err: fs.ErrInvalid})
		return
	}
	h := w.Header()
	if ct := contentType(name); ct != "" {
		h.Set("Content-Type", ct)
	}
	h.Set("ETag", `"`+version+`"`)
	if r.URL.Query().Get("v") == version {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	http.ServeContent(w, r, name, time.Time{}, content)
}

// contentType names the types of our assets explicitly, as the system's
// MIME tables differ between machines (text/javascript or
// application/javascript); other extensions fall back to them.
func contentType(name string) string {
	switch path.Ext(name) {
	case ".css":
		return "text/css; charset=utf-8"
	case ".js", ".mjs":
		return "text/javascript; charset=utf-8"
	case ".svg":
		return "image/svg+xml"
	case ".png":
		return "image/png"
	case ".ico":
		return "image/x-icon"
	case ".woff2":
		return "font/woff2"
	case ".json", ".webmanifest":
		return "application/json"
	}
	return mime.TypeByExtension(path.Ext(name))
}
