// Package static embeds the stylesheet, images and scripts that the pages
// link to, and names each by a content-versioned URL so that browsers may
// cache it for a year and still see a change the moment it ships.
//
// A script's imports of its neighbours (`from "./rtc.js"`) are given the
// neighbour's version when the package loads, so a module's URL changes
// whenever anything it imports changes, and no module is ever revalidated.
// Text assets are compressed (gzip and brotli, at the best ratio) once, the
// first time they are asked for, and kept: a request never compresses.
package static

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/andybalholm/brotli"
)

//go:embed css img js
var files embed.FS

// Encodings a client may accept, best first.
const (
	Brotli   = "br"
	Gzip     = "gzip"
	Identity = ""
)

// Asset is one embedded file as it is served: its content (a script's
// imports versioned) and that content's version.
type Asset struct {
	Name    string
	Version string // the first 10 hex digits of the SHA-256 of Body
	Body    []byte

	once       sync.Once
	gzip, brot []byte // nil when compression does not pay
}

// assets maps each asset's name (css/app.css) to it. It is built once at
// start-up and only read afterwards.
var assets = load(files)

// FS returns the embedded files as they are in the source tree, named
// relative to /static/ (css/app.css).
func FS() fs.FS { return files }

// Lookup returns the asset name (css/app.css) and whether it exists.
func Lookup(name string) (*Asset, bool) {
	a, ok := assets[name]
	return a, ok
}

// Version returns the content version of the asset name, and whether such an
// asset exists.
func Version(name string) (string, bool) {
	a, ok := assets[name]
	if !ok {
		return "", false
	}
	return a.Version, true
}

// Path returns the URL of the asset name with its content version, such as
// /static/css/app.css?v=0123456789. An unknown name gets an unversioned URL,
// which the server answers with 404 rather than a page failing to render.
func Path(name string) string {
	a, ok := assets[name]
	if !ok {
		return "/static/" + name
	}
	return "/static/" + name + "?v=" + a.Version
}

// Encoded returns the asset's body in the encoding enc (Brotli, Gzip or
// Identity), or false when the asset is not kept in that encoding (an
// image, or a file that compression does not make smaller).
func (a *Asset) Encoded(enc string) ([]byte, bool) {
	if enc == Identity {
		return a.Body, true
	}
	a.once.Do(a.compress)
	switch enc {
	case Brotli:
		return a.brot, a.brot != nil
	case Gzip:
		return a.gzip, a.gzip != nil
	}
	return nil, false
}

// compressible lists the extensions worth compressing: text.
var compressible = map[string]bool{".css": true, ".js": true, ".svg": true, ".json": true}

// compress keeps the gzip and brotli forms of a text asset that they make
// smaller. The input is embedded, so compression cannot fail.
func (a *Asset) compress() {
	if !compressible[path.Ext(a.Name)] {
		return
	}
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	_, _ = zw.Write(a.Body)
	_ = zw.Close()
	if gz.Len() < len(a.Body) {
		a.gzip = gz.Bytes()
	}
	var br bytes.Buffer
	bw := brotli.NewWriterLevel(&br, brotli.BestCompression)
	_, _ = bw.Write(a.Body)
	_ = bw.Close()
	if br.Len() < len(a.Body) {
		a.brot = br.Bytes()
	}
}

// importPattern matches a module's static import of a neighbour in js/:
// `from "./rtc.js"`. Our modules import nothing else.
var importPattern = regexp.MustCompile(`from "\./([a-z0-9_-]+\.js)"`)

// load reads every regular file in fsys and versions it. Scripts are
// loaded after what they import, their imports rewritten to the versioned
// URLs. The files are embedded, so reading them cannot fail and a cycle
// of imports is a broken build: both panic.
func load(fsys fs.FS) map[string]*Asset {
	raw := make(map[string][]byte)
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, name)
		raw[name] = b
		return err
	})
	if err != nil {
		panic("static: read embedded assets: " + err.Error())
	}
	out := make(map[string]*Asset, len(raw))
	var visit func(name string, seen []string) *Asset
	visit = func(name string, seen []string) *Asset {
		if a, ok := out[name]; ok {
			return a
		}
		for _, s := range seen {
			if s == name {
				panic(fmt.Sprintf("static: import cycle %s → %s", strings.Join(seen, " → "), name))
			}
		}
		body := raw[name]
		if path.Ext(name) == ".js" {
			dir := path.Dir(name)
			body = importPattern.ReplaceAllFunc(body, func(m []byte) []byte {
				dep := string(importPattern.FindSubmatch(m)[1])
				if _, ok := raw[path.Join(dir, dep)]; !ok {
					panic(fmt.Sprintf("static: %s imports %s, which is not embedded", name, dep))
				}
				v := visit(path.Join(dir, dep), append(seen, name)).Version
				return []byte(`from "./` + dep + `?v=` + v + `"`)
			})
		}
		sum := sha256.Sum256(body)
		a := &Asset{Name: name, Version: hex.EncodeToString(sum[:])[:10], Body: body}
		out[name] = a
		return a
	}
	names := make([]string, 0, len(raw))
	for name := range raw {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		visit(name, nil)
	}
	return out
}
