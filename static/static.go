// Package static embeds the stylesheet, images and scripts that the pages
// link to, and names each by a content-versioned URL so that browsers may
// cache it for a year and still see a change the moment it ships.
package static

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
)

//go:embed css img js
var files embed.FS

// versions maps each asset's name to the first 10 hex digits of the SHA-256
// of its content. It is built once at start-up and only read afterwards.
var versions = hashFiles(files)

// FS returns the embedded assets, named relative to /static/ (css/app.css).
func FS() fs.FS { return files }

// Version returns the content version of the asset name, and whether such an
// asset exists.
func Version(name string) (string, bool) {
	v, ok := versions[name]
	return v, ok
}

// Path returns the URL of the asset name with its content version, such as
// /static/css/app.css?v=0123456789. An unknown name gets an unversioned URL,
// which the server answers with 404 rather than a page failing to render.
func Path(name string) string {
	v, ok := versions[name]
	if !ok {
		return "/static/" + name
	}
	return "/static/" + name + "?v=" + v
}

// hashFiles computes the version of every regular file in fsys. The files
// are embedded, so reading them cannot fail; a failure means a broken build.
func hashFiles(fsys fs.FS) map[string]string {
	m := make(map[string]string)
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		m[name] = hex.EncodeToString(sum[:])[:10]
		return nil
	})
	if err != nil {
		panic("static: hash embedded assets: " + err.Error())
	}
	return m
}
