package blobs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"testing/iotest"

	"github.com/interviewd/interviewd/internal/recording"
)

// testBlobs holds a recording.Blobs to what the interface promises; both
// backends run it.
func testBlobs(t *testing.T, b recording.Blobs) {
	ctx := context.Background()
	chunk := func(i int) string { return fmt.Sprintf("t/ten/i/int/s/0/c/%06d", i) }
	body := bytes.Repeat([]byte("webm!"), 2000)

	t.Run("put and open with seeks", func(t *testing.T) {
		put(t, b, chunk(0), body)
		o, err := b.Open(ctx, chunk(0))
		if err != nil {
			t.Fatal(err)
		}
		defer o.Close()
		if o.Size() != int64(len(body)) || o.ModTime().IsZero() {
			t.Fatalf("size %d modtime %v", o.Size(), o.ModTime())
		}
		if _, err := o.Seek(9995, io.SeekStart); err != nil {
			t.Fatal(err)
		}
		tail, err := io.ReadAll(o)
		if err != nil || string(tail) != "webm!" {
			t.Fatalf("tail %q %v", tail, err)
		}
		if _, err := o.Seek(-10, io.SeekEnd); err != nil {
			t.Fatal(err)
		}
		if got := readN(t, o, 5); got != "webm!" {
			t.Fatalf("after SeekEnd: %q", got)
		}
		if _, err := o.Seek(2, io.SeekCurrent); err != nil {
			t.Fatal(err)
		}
		if got := readN(t, o, 3); got != "bm!" {
			t.Fatalf("after SeekCurrent: %q", got)
		}
	})
	t.Run("replace", func(t *testing.T) {
		put(t, b, chunk(1), []byte("first"))
		put(t, b, chunk(1), []byte("second, longer"))
		if got := get(t, b, chunk(1)); got != "second, longer" {
			t.Fatalf("got %q", got)
		}
	})
	t.Run("a short or long reader leaves no object", func(t *testing.T) {
		for name, r := range map[string]io.Reader{
			"short":  strings.NewReader("abc"),
			"long":   strings.NewReader("abcdefgh"),
			"broken": iotest.ErrReader(errors.New("network gone")),
		} {
			if err := b.Put(ctx, chunk(2), r, 5); err == nil {
				t.Errorf("%s: Put succeeded", name)
			}
		}
		if _, err := b.Open(ctx, chunk(2)); !errors.Is(err, recording.ErrNoObject) {
			t.Fatalf("Open after failed puts: %v", err)
		}
	})
	t.Run("empty object", func(t *testing.T) {
		put(t, b, "t/ten/i/int/s/9/file", nil)
		if got := get(t, b, "t/ten/i/int/s/9/file"); got != "" {
			t.Fatalf("got %q", got)
		}
	})
	t.Run("missing", func(t *testing.T) {
		if _, err := b.Open(ctx, "t/ten/i/none/s/0/file"); !errors.Is(err, recording.ErrNoObject) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("bad keys", func(t *testing.T) {
		for _, k := range []string{"", "/t/a", "t/../../etc/passwd", "t//a", "t/./a", `t\a`, "t/a/", "t/.tmp/x", "t/a?b", "t/a\x00"} {
			if err := b.Put(ctx, k, strings.NewReader("x"), 1); err == nil {
				t.Errorf("Put(%q) succeeded", k)
			}
			if _, err := b.Open(ctx, k); err == nil || errors.Is(err, recording.ErrNoObject) {
				t.Errorf("Open(%q) = %v, want a key error", k, err)
			}
		}
		if err := b.Delete(ctx, "../"); err == nil {
			t.Error("Delete(../) succeeded")
		}
	})
	t.Run("parallel puts of one key", func(t *testing.T) {
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				v := bytes.Repeat([]byte{byte('a' + i)}, 64<<10)
				if err := b.Put(ctx, chunk(3), bytes.NewReader(v), int64(len(v))); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		got := get(t, b, chunk(3))
		if len(got) != 64<<10 || strings.Trim(got, got[:1]) != "" {
			t.Fatalf("torn object: %d bytes, mixed", len(got))
		}
	})
	t.Run("delete by prefix", func(t *testing.T) {
		keep := []string{"t/ten/i/int2/s/0/file", "t/ten/i/in/s/0/file", "t/other/i/int/s/0/file"}
		for _, k := range keep {
			put(t, b, k, []byte("kept"))
		}
		put(t, b, "t/ten/i/int/s/1/c/000000", []byte("x"))
		put(t, b, "t/ten/i/int/s/0/file", []byte("x"))
		if err := b.Delete(ctx, "t/ten/i/int/s/0/c/"); err != nil {
			t.Fatal(err)
		}
		for i := range 4 {
			if _, err := b.Open(ctx, chunk(i)); !errors.Is(err, recording.ErrNoObject) {
				t.Fatalf("chunk %d after delete: %v", i, err)
			}
		}
		if get(t, b, "t/ten/i/int/s/0/file") != "x" {
			t.Fatal("the file beside the chunks went too")
		}
		if err := b.Delete(ctx, "t/ten/i/int/"); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"t/ten/i/int/s/0/file", "t/ten/i/int/s/1/c/000000", "t/ten/i/int/s/9/file"} {
			if _, err := b.Open(ctx, k); !errors.Is(err, recording.ErrNoObject) {
				t.Fatalf("%s after delete: %v", k, err)
			}
		}
		for _, k := range keep {
			if get(t, b, k) != "kept" {
				t.Fatalf("%s deleted", k)
			}
		}
		if err := b.Delete(ctx, "t/nobody/i/"); err != nil {
			t.Fatalf("delete of nothing: %v", err)
		}
		put(t, b, "t/ten/i/int/s/0/file", []byte("again"))
		if get(t, b, "t/ten/i/int/s/0/file") != "again" {
			t.Fatal("put after delete")
		}
	})
}

func put(t *testing.T, b recording.Blobs, key string, v []byte) {
	t.Helper()
	if err := b.Put(context.Background(), key, bytes.NewReader(v), int64(len(v))); err != nil {
		t.Fatalf("put %s: %v", key, err)
	}
}

func get(t *testing.T, b recording.Blobs, key string) string {
	t.Helper()
	o, err := b.Open(context.Background(), key)
	if err != nil {
		t.Fatalf("open %s: %v", key, err)
	}
	defer o.Close()
	v, err := io.ReadAll(o)
	if err != nil {
		t.Fatalf("read %s: %v", key, err)
	}
	if int64(len(v)) != o.Size() {
		t.Fatalf("read %d bytes of %s, Size says %d", len(v), key, o.Size())
	}
	return string(v)
}

func readN(t *testing.T, r io.Reader, n int) string {
	t.Helper()
	v := make([]byte, n)
	if _, err := io.ReadFull(r, v); err != nil {
		t.Fatal(err)
	}
	return string(v)
}
