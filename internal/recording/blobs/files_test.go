package blobs

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFiles(t *testing.T) {
	dir := t.TempDir()
	b, err := Files(dir)
	if err != nil {
		t.Fatal(err)
	}
	if b.Name() != "files" {
		t.Fatalf("name %q", b.Name())
	}
	testBlobs(t, b)

	t.Run("no temporary files or emptied directories left", func(t *testing.T) {
		if es, err := os.ReadDir(filepath.Join(dir, tmpDir)); err != nil || len(es) > 0 {
			t.Fatalf("temporary files: %v %v", es, err)
		}
		for _, d := range []string{"t/ten/i/int/s/1", "t/ten/i/int/s/9"} {
			if _, err := os.Stat(filepath.Join(dir, d)); !os.IsNotExist(err) {
				t.Fatalf("%s still there: %v", d, err)
			}
		}
	})
	t.Run("outside the root is never touched", func(t *testing.T) {
		outside := filepath.Join(filepath.Dir(dir), "outside-"+filepath.Base(dir))
		if err := os.WriteFile(outside, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		defer os.Remove(outside)
		b.Delete(t.Context(), "t/")
		if _, err := os.Stat(outside); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(filepath.Join(dir, tmpDir)); err != nil {
			t.Fatalf("the temporary directory went: %v", err)
		}
		put(t, b, "t/a/i/b/s/0/file", []byte("after"))
	})
}

// FuzzCheckKey: an accepted key names a path inside the root, and nothing
// with ".." or a leading "/" is accepted.
func FuzzCheckKey(f *testing.F) {
	for _, s := range []string{"t/a/i/b/s/0/c/000001", "../x", "t/../x", "/t", "t//x", "t/.tmp/x", `a\b`, "t/a/", "t/%2e%2e/x", "ok"} {
		f.Add(s)
	}
	root := filepath.FromSlash("/srv/rec")
	f.Fuzz(func(t *testing.T, key string) {
		if checkKey(key) != nil {
			return
		}
		p := filepath.Join(root, filepath.FromSlash(key))
		if !strings.HasPrefix(p, root+string(filepath.Separator)) || strings.Contains(key, "..") && strings.Contains("/"+key+"/", "/../") {
			t.Fatalf("key %q escapes to %q", key, p)
		}
		if filepath.ToSlash(filepath.Clean(filepath.FromSlash(key))) != key {
			t.Fatalf("key %q is not clean", key)
		}
		if strings.HasPrefix(filepath.Base(p), ".") || strings.Contains(key, "/.") || strings.HasPrefix(key, ".") {
			t.Fatalf("key %q has a dot segment", key)
		}
	})
}
