package blobs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/interviewd/interviewd/internal/recording"
)

// tmpDir holds Put's files while they are written, beside the objects so
// the rename stays on one file system; checkKey refuses keys starting
// with ".", so no key can reach it.
const tmpDir = ".tmp"

// FileBlobs keeps recordings as files under a directory, one file per key.
type FileBlobs struct {
	root string
}

// Files returns the blob store on files under dir (DATA_DIR/recordings),
// creating it.
func Files(dir string) (*FileBlobs, error) {
	if err := os.MkdirAll(filepath.Join(dir, tmpDir), 0o700); err != nil {
		return nil, fmt.Errorf("recordings directory: %w", err)
	}
	return &FileBlobs{root: dir}, nil
}

// Name says this is the files backend.
func (b *FileBlobs) Name() string { return "files" }

func (b *FileBlobs) path(key string) string {
	return filepath.Join(b.root, filepath.FromSlash(key))
}

// Put writes exactly size bytes of r to a temporary file and renames it
// over key, so a reader never sees a torn object and a failed Put leaves
// none.
func (b *FileBlobs) Put(ctx context.Context, key string, r io.Reader, size int64) error {
	if err := checkKey(key); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Join(b.root, tmpDir), "put-*")
	if err != nil {
		return fmt.Errorf("put %s: %w", key, err)
	}
	defer os.Remove(tmp.Name())
	if err := writeExactly(ctx, tmp, r, size); err != nil {
		tmp.Close()
		return fmt.Errorf("put %s: %w", key, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("put %s: %w", key, err)
	}
	return b.rename(tmp.Name(), key)
}

// writeExactly copies size bytes and fails on fewer or more.
func writeExactly(ctx context.Context, f *os.File, r io.Reader, size int64) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	n, err := io.Copy(f, io.LimitReader(r, size+1))
	if err != nil {
		return err
	}
	if n != size {
		return fmt.Errorf("got %d bytes, want %d", n, size)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return f.Sync()
}

// rename moves the written file into place, making its directory; once
// more if a Delete of the same prefix removed the directory in between.
func (b *FileBlobs) rename(tmp, key string) error {
	dst := b.path(key)
	var err error
	for range 2 {
		if err = os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
			continue
		}
		if err = os.Rename(tmp, dst); err == nil {
			return nil
		}
	}
	return fmt.Errorf("put %s: %w", key, err)
}

// Open opens the file under key.
func (b *FileBlobs) Open(_ context.Context, key string) (recording.Object, error) {
	if err := checkKey(key); err != nil {
		return nil, err
	}
	f, err := os.Open(b.path(key))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("open %s: %w", key, recording.ErrNoObject)
	}
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", key, err)
	}
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("open %s: %w", key, recording.ErrNoObject)
	}
	return fileObject{File: f, size: st.Size(), mod: st.ModTime()}, nil
}

type fileObject struct {
	*os.File
	size int64
	mod  time.Time
}

func (o fileObject) Size() int64        { return o.size }
func (o fileObject) ModTime() time.Time { return o.mod }

// Delete removes every file whose key starts with prefix, walking only the
// directory the prefix is in, then the directories it left empty.
func (b *FileBlobs) Delete(ctx context.Context, prefix string) error {
	if err := checkPrefix(prefix); err != nil {
		return err
	}
	dir := path.Dir(prefix)
	if strings.HasSuffix(prefix, "/") {
		dir = strings.TrimSuffix(prefix, "/")
	}
	start := filepath.Join(b.root, filepath.FromSlash(dir))
	err := filepath.WalkDir(start, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		rel, _ := filepath.Rel(b.root, p)
		key := filepath.ToSlash(rel)
		if d.IsDir() && key == tmpDir {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasPrefix(key, prefix) {
			return nil
		}
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("delete %s: %w", prefix, err)
	}
	b.pruneDirs(start)
	return nil
}

// pruneDirs removes the empty directories under and above start, up to the
// root; a directory another Put just filled stays (Remove fails on it).
func (b *FileBlobs) pruneDirs(start string) {
	var dirs []string
	filepath.WalkDir(start, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() && p != b.root {
			if d.Name() == tmpDir {
				return filepath.SkipDir
			}
			dirs = append(dirs, p)
		}
		return nil
	})
	for i := len(dirs) - 1; i >= 0; i-- {
		os.Remove(dirs[i])
	}
	for d := filepath.Dir(start); strings.HasPrefix(d, b.root+string(filepath.Separator)); d = filepath.Dir(d) {
		if os.Remove(d) != nil {
			break
		}
	}
}
