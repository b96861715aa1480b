package blobs

import (
	"fmt"
	"strings"
)

// maxKeyLen bounds a key; the longest the service makes is under 200.
const maxKeyLen = 512

// checkKey refuses a key that could leave the store's root or mean two
// things: empty, absolute, with empty segments or segments starting with
// "." ("..", and the files store's temporary files), backslashes, control
// characters or URL syntax.
func checkKey(key string) error {
	return checkPath(key, false)
}

// checkPrefix is checkKey for Delete's prefix, which may end in "/".
func checkPrefix(prefix string) error {
	return checkPath(prefix, true)
}

func checkPath(p string, prefix bool) error {
	if prefix {
		p = strings.TrimSuffix(p, "/")
	}
	if p == "" || len(p) > maxKeyLen {
		return fmt.Errorf("recording blob key %q: empty or too long", p)
	}
	for _, seg := range strings.Split(p, "/") {
		if seg == "" || seg[0] == '.' {
			return fmt.Errorf("recording blob key %q: bad segment %q", p, seg)
		}
	}
	for _, r := range p {
		if r < 0x20 || r == 0x7f || r == '\\' || r == ':' || r == '%' || r == '?' || r == '#' {
			return fmt.Errorf("recording blob key %q: bad character %q", p, r)
		}
	}
	return nil
}
