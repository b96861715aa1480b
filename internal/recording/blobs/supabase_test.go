package blobs

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/interviewd/interviewd/internal/testenv/storagefake"
)

const testServiceKey = "service-role-key-for-the-fake"

func TestSupabase(t *testing.T) {
	ctx := context.Background()
	fake := storagefake.New(t, testServiceKey)
	b, err := Supabase(ctx, fake.URL, testServiceKey, "recordings", nil)
	if err != nil {
		t.Fatal(err)
	}
	if exists, public := fake.Bucket("recordings"); !exists || public {
		t.Fatalf("bucket exists %v, public %v; want a private bucket made", exists, public)
	}
	if b.Name() != "supabase" {
		t.Fatalf("name %q", b.Name())
	}
	testBlobs(t, b)

	t.Run("an existing bucket is used; a public one refused", func(t *testing.T) {
		if _, err := Supabase(ctx, fake.URL, testServiceKey, "recordings", nil); err != nil {
			t.Fatal(err)
		}
		fake.CreateBucket("open", true)
		if _, err := Supabase(ctx, fake.URL, testServiceKey, "open", nil); err == nil || !strings.Contains(err.Error(), "public") {
			t.Fatalf("public bucket: %v", err)
		}
		if _, err := Supabase(ctx, fake.URL, "wrong-key", "other", nil); err == nil {
			t.Fatal("a wrong key made a bucket")
		}
	})
	t.Run("ranges are asked only when seeking", func(t *testing.T) {
		body := bytes.Repeat([]byte("0123456789"), 1000)
		put(t, b, "t/r/i/r/s/0/file", body)
		before := fake.Requests["GET /object"]
		o, err := b.Open(ctx, "t/r/i/r/s/0/file")
		if err != nil {
			t.Fatal(err)
		}
		defer o.Close()
		all, _ := io.ReadAll(o)
		o.Seek(5000, io.SeekStart)
		part := make([]byte, 4)
		io.ReadFull(o, part)
		if !bytes.Equal(all, body) || string(part) != "0123" {
			t.Fatalf("read %d bytes, part %q", len(all), part)
		}
		if got := fake.Requests["GET /object"] - before; got != 2 {
			t.Fatalf("%d GETs, want 2 (the open and one range)", got)
		}
	})
	t.Run("a failing server is an error, not a missing object", func(t *testing.T) {
		fake.Fail = func(r *http.Request) (int, bool) { return 503, true }
		defer func() { fake.Fail = nil }()
		if _, err := b.Open(ctx, "t/r/i/r/s/0/file"); err == nil || strings.Contains(err.Error(), "no such object") {
			t.Fatalf("open: %v", err)
		}
		if err := b.Put(ctx, "t/r/i/r/s/0/x", strings.NewReader("x"), 1); err == nil {
			t.Fatal("put succeeded")
		}
		if err := b.Delete(ctx, "t/r/"); err == nil {
			t.Fatal("delete succeeded")
		}
	})
	t.Run("a cancelled context stops a put", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if err := b.Put(cctx, "t/c/i/c/s/0/file", strings.NewReader("x"), 1); err == nil {
			t.Fatal("put succeeded")
		}
	})
	t.Run("deleting more than one page", func(t *testing.T) {
		for i := range 230 {
			put(t, b, "t/many/i/m/s/0/c/"+strings.Repeat("0", 3)+string(rune('a'+i/26))+string(rune('a'+i%26)), []byte("x"))
		}
		if err := b.Delete(ctx, "t/many/"); err != nil {
			t.Fatal(err)
		}
		for _, name := range fake.Objects("recordings") {
			if strings.HasPrefix(name, "t/many/") {
				t.Fatalf("%s left", name)
			}
		}
	})
}
