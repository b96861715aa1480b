package static

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"strings"
	"testing/fstest"

	"crypto/sha256"
	"encoding/hex"
	"github.com/andybalholm/brotli"
	"io/fs"
	"testing"
)

func TestPath(t *testing.T) {
	b, err := fs.ReadFile(FS(), "css/app.css")
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	sum := sha256.Sum256(b)
	tests := []struct {
		name string
		want string
	}{
		{"css/app.css", "/static/css/app.css?v=" + hex.EncodeToString(sum[:])[:10]},
		{"img/logo.svg", "/static/img/logo.svg?v=" + assets["img/logo.svg"].Version},
		{"css/missing.css", "/static/css/missing.css"},
		{"css", "/static/css"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Path(tt.name); got != tt.want {
				t.Errorf("Path(%q) = %q, want %q", tt.name, got, tt.want)
			}
		})
	}
	if len(assets["img/logo.svg"].Version) != 10 {
		t.Errorf("logo version = %q, want 10 hex digits", assets["img/logo.svg"].Version)
	}
}

// TestImportsVersioned: a module's imports of its neighbours carry their
// versions, so a change to rtc.js changes room.js's URL too.
func TestImportsVersioned(t *testing.T) {
	room, ok := Lookup("js/room.js")
	if !ok {
		t.Fatal("no js/room.js")
	}
	for _, dep := range []string{"rtc.js", "miccheck.js"} {
		v, _ := Version("js/" + dep)
		if want := `from "./` + dep + `?v=` + v + `"`; !strings.Contains(string(room.Body), want) {
			t.Errorf("room.js lacks %s", want)
		}
	}
	if importPattern.Match(room.Body) {
		t.Errorf("room.js keeps an unversioned import: %s", importPattern.Find(room.Body))
	}
	sum := sha256.Sum256(room.Body)
	if room.Version != hex.EncodeToString(sum[:])[:10] {
		t.Error("room.js's version is not its served content's")
	}

	fsys := fstest.MapFS{
		"js/a.js": {Data: []byte(`import { b } from "./b.js";`)},
		"js/b.js": {Data: []byte(`export const b = 1;`)},
	}
	before := load(fsys)["js/a.js"].Version
	fsys["js/b.js"] = &fstest.MapFile{Data: []byte(`export const b = 2;`)}
	if after := load(fsys)["js/a.js"].Version; after == before {
		t.Error("a.js's version did not change with b.js")
	}
}

func TestImportCyclePanics(t *testing.T) {
	defer func() {
		if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "cycle") {
			t.Errorf("recover() = %v, want an import cycle panic", r)
		}
	}()
	load(fstest.MapFS{
		"js/a.js": {Data: []byte(`import { b } from "./b.js";`)},
		"js/b.js": {Data: []byte(`import { a } from "./a.js";`)},
	})
}

// TestEncoded: the compressed forms decode to the body, and are smaller.
func TestEncoded(t *testing.T) {
	for _, name := range []string{"css/app.css", "js/rtc.js", "img/logo.svg"} {
		a, _ := Lookup(name)
		gz, ok := a.Encoded(Gzip)
		if !ok || len(gz) >= len(a.Body) {
			t.Errorf("%s: gzip %d bytes (kept %v) of %d", name, len(gz), ok, len(a.Body))
			continue
		}
		zr, err := gzip.NewReader(bytes.NewReader(gz))
		if err != nil {
			t.Fatal(err)
		}
		if got, err := io.ReadAll(zr); err != nil || !bytes.Equal(got, a.Body) {
			t.Errorf("%s: gzip does not decode to the body: %v", name, err)
		}
		br, ok := a.Encoded(Brotli)
		if !ok || len(br) >= len(gz) {
			t.Errorf("%s: brotli %d bytes (kept %v), gzip %d", name, len(br), ok, len(gz))
			continue
		}
		if got, err := io.ReadAll(brotli.NewReader(bytes.NewReader(br))); err != nil || !bytes.Equal(got, a.Body) {
			t.Errorf("%s: brotli does not decode to the body: %v", name, err)
		}
		t.Logf("%s: %d bytes, gzip %d, brotli %d", name, len(a.Body), len(gz), len(br))
	}
	if _, ok := (&Asset{Name: "img/x.png", Body: []byte("png")}).Encoded(Gzip); ok {
		t.Error("an image is kept gzipped")
	}
}
