package web

import (
	"mime"
	"net/http"
	"strconv"
	"strings"
)

// wantsJSON reports whether an error should be answered in JSON rather than
// as a page: for the API, the probes, and clients that prefer JSON.
func wantsJSON(r *http.Request) bool {
	p := r.URL.Path
	if p == "/api" || strings.HasPrefix(p, "/api/") || p == "/healthz" || p == "/readyz" {
		return true
	}
	return prefersJSON(r.Header.Get("Accept"))
}

// prefersJSON reports whether an Accept header ranks application/json above
// text/html. A type named explicitly outranks one matched by a wildcard at
// the same quality, so "application/json, */*" means JSON; a tie means HTML.
func prefersJSON(accept string) bool {
	jq, js := acceptRank(accept, "application", "json")
	hq, hs := acceptRank(accept, "text", "html")
	return jq > 0 && (jq > hq || jq == hq && js > hs)
}

// acceptRank returns the quality that accept gives to type/sub and the
// specificity of the range that gave it (2 exact, 1 type/*, 0 */*), or
// quality 0 when no range matches.
func acceptRank(accept, typ, sub string) (q float64, spec int) {
	spec = -1
	for part := range strings.SplitSeq(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		t, st, _ := strings.Cut(mt, "/")
		var s int
		switch {
		case t == typ && st == sub:
			s = 2
		case t == typ && st == "*":
			s = 1
		case t == "*" && st == "*":
			s = 0
		default:
			continue
		}
		if s > spec {
			spec, q = s, quality(params["q"])
		}
	}
	return q, spec
}

// quality parses a q parameter; a missing or malformed one counts as 1.
func quality(v string) float64 {
	if v == "" {
		return 1
	}
	q, err := strconv.ParseFloat(v, 64)
	if err != nil || q < 0 || q > 1 {
		return 1
	}
	return q
}
