package web

import (
	"net/url"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"
)

// localPath returns next, cleaned as http.Redirect cleans it, when it is a
// path on this site; otherwise fallback. It is the one check of every
// ?next= and form "next" value, so that none can send a user elsewhere.
func localPath(next, fallback string) string {
	cleaned, ok := cleanLocalPath(next)
	if !ok {
		return fallback
	}
	return cleaned
}

// cleanLocalPath cleans p the way http.Redirect does and reports whether
// the result is a same-site path. The check runs on what is sent, not on
// what was given: "/./\evil.test" cleans to "/\evil.test", which browsers
// read as "//evil.test". Printable ASCII only (the browser escapes the rest
// before it reaches us); no backslash or "//" in the path, raw or
// percent-encoded at any depth; no scheme or host.
func cleanLocalPath(p string) (string, bool) {
	if !strings.HasPrefix(p, "/") || !printableASCII(p) || strings.Contains(p, `\`) {
		return "", false
	}
	pth, query, hasQuery := strings.Cut(p, "?")
	if !safePathPart(pth) {
		return "", false
	}
	cleaned := path.Clean(pth)
	if strings.HasSuffix(pth, "/") && !strings.HasSuffix(cleaned, "/") {
		cleaned += "/"
	}
	if hasQuery {
		cleaned += "?" + query
	}
	u, err := url.Parse(cleaned)
	if err != nil || u.Scheme != "" || u.Host != "" || u.Opaque != "" {
		return "", false
	}
	return cleaned, true
}

// safePathPart reports whether a path, and every decoding of its percent
// escapes, is free of backslashes, "//" and control characters.
func safePathPart(p string) bool {
	for range 4 {
		if strings.Contains(p, `\`) || strings.Contains(p, "//") || !plainText(p) {
			return false
		}
		d, err := url.PathUnescape(p)
		if err != nil {
			return false
		}
		if d == p {
			return true
		}
		p = d
	}
	return false // escaped deeper than any honest link
}

// plainText reports whether s is UTF-8 without control characters: what a
// decoded path may hold.
func plainText(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsFunc(s, unicode.IsControl)
}

// printableASCII reports whether s holds only the bytes ' '+1 to '~'.
func printableASCII(s string) bool {
	for i := range len(s) {
		if s[i] <= ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}
