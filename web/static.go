package web

import (
	"bytes"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/interviewd/interviewd/static"
)

// static serves the embedded assets. A URL carrying the asset's current
// version (as static.Path writes it) may be cached for a year; any other
// must be revalidated, by ETag. Text assets go out brotli- or
// gzip-compressed when the client accepts it (compressed once, and kept:
// static.Asset.Encoded).
func (s *server) static(w http.ResponseWriter, r *http.Request) {
	a, ok := static.Lookup(chi.URLParam(r, "*"))
	if !ok { // not an embedded file: a typo, a directory or a traversal
		s.fail(w, r, errNoRoute)
		return
	}
	h := w.Header()
	if ct := contentType(a.Name); ct != "" {
		h.Set("Content-Type", ct)
	}
	body, etag := a.Body, a.Version
	if enc := acceptedEncoding(r, a); enc != static.Identity {
		body, _ = a.Encoded(enc)
		etag += "-" + enc // a representation's tag differs per encoding
		h.Set("Content-Encoding", enc)
	}
	h.Add("Vary", "Accept-Encoding")
	h.Set("ETag", `"`+etag+`"`)
	if r.URL.Query().Get("v") == a.Version {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	http.ServeContent(w, r, a.Name, time.Time{}, bytes.NewReader(body))
}

// acceptedEncoding is the best encoding of a that r accepts: brotli, then
// gzip, else none. A coding is accepted when Accept-Encoding names it (or
// "*") with a q-value other than 0.
func acceptedEncoding(r *http.Request, a *static.Asset) string {
	accepted := map[string]bool{}
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if k, v, ok := strings.Cut(strings.TrimSpace(params), "="); ok && strings.TrimSpace(k) == "q" {
			if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
				q = f
			}
		}
		accepted[strings.ToLower(strings.TrimSpace(coding))] = q > 0
	}
	for _, enc := range []string{static.Brotli, static.Gzip} {
		ok, named := accepted[enc]
		if !named {
			ok = accepted["*"]
		}
		if _, kept := a.Encoded(enc); ok && kept {
			return enc
		}
	}
	return static.Identity
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
