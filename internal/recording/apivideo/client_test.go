package apivideo

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/interviewd/interviewd/internal/recording"
	"github.com/interviewd/interviewd/internal/recording/apivideo/apivideotest"
)

const testKey = "api-video-key-for-the-fake"

func newClient(t *testing.T) (*Client, *apivideotest.Server) {
	fake := apivideotest.New(t, testKey)
	c := New(fake.URL, testKey, nil)
	c.SetPartSize(MinPartSize, time.Millisecond)
	return c, fake
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// readAll opens the video and reads it whole, then 100 bytes from the
// middle after a seek.
func readAll(t *testing.T, c *Client, id string) ([]byte, []byte) {
	t.Helper()
	o, err := c.Open(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	all, err := io.ReadAll(o)
	if err != nil || int64(len(all)) != o.Size() {
		t.Fatalf("read %d of %d bytes: %v", len(all), o.Size(), err)
	}
	if _, err := o.Seek(o.Size()/2, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	mid := make([]byte, 100)
	if _, err := io.ReadFull(o, mid); err != nil {
		t.Fatal(err)
	}
	return all, mid
}

func TestUpload(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		size  int
		parts int
	}{
		{"one part, no Content-Range", 300 << 10, 1},
		{"exactly one part size", MinPartSize, 1},
		{"three parts, the last short", 2*MinPartSize + 12345, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, fake := newClient(t)
			data := randomBytes(tc.size)
			id, err := c.Upload(ctx, "interview 1, segment 0", bytes.NewReader(data), int64(len(data)))
			if err != nil {
				t.Fatal(err)
			}
			if got, _ := fake.Source(id); !bytes.Equal(got, data) {
				t.Fatalf("the fake holds %d bytes, sent %d", len(got), len(data))
			}
			if fake.Count("part") != tc.parts || fake.Count("api-key") != 1 {
				t.Fatalf("%d parts, %d authentications", fake.Count("part"), fake.Count("api-key"))
			}
			all, mid := readAll(t, c, id)
			if !bytes.Equal(all, data) || !bytes.Equal(mid, data[len(data)/2:len(data)/2+100]) {
				t.Fatal("the MP4 read back differs")
			}
		})
	}
}

func TestUploadRetriesAFailedPart(t *testing.T) {
	c, fake := newClient(t)
	fake.FailPart(2)
	data := randomBytes(2*MinPartSize + 10)
	id, err := c.Upload(context.Background(), "t", bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := fake.Source(id); !bytes.Equal(got, data) {
		t.Fatal("the source differs after the retry")
	}
	if fake.Count("part") != 4 {
		t.Fatalf("%d part requests, want 4 (3 parts, one sent twice)", fake.Count("part"))
	}
}

func TestUploadGivesUpAndDeletes(t *testing.T) {
	c, fake := newClient(t)
	for n := 2; n < 2+partTries; n++ {
		fake.FailPart(n)
	}
	data := randomBytes(MinPartSize + 10)
	_, err := c.Upload(context.Background(), "t", bytes.NewReader(data), int64(len(data)))
	if err == nil {
		t.Fatal("upload succeeded")
	}
	if fake.Count("part") != 1+partTries || fake.Count("delete") != 1 {
		t.Fatalf("%d part requests, %d deletes", fake.Count("part"), fake.Count("delete"))
	}
}

func TestExpiredTokenIsRefreshed(t *testing.T) {
	ctx := context.Background()
	c, fake := newClient(t)
	data := randomBytes(1000)
	id, err := c.Upload(ctx, "t", bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	fake.ExpireTokens()
	if all, _ := readAll(t, c, id); !bytes.Equal(all, data) {
		t.Fatal("read back differs")
	}
	if fake.Count("401") != 1 || fake.Count("refresh") != 1 || fake.Count("api-key") != 1 {
		t.Fatalf("401s %d, refreshes %d, api-key %d", fake.Count("401"), fake.Count("refresh"), fake.Count("api-key"))
	}
}

func TestRotatedAssetAddress(t *testing.T) {
	ctx := context.Background()
	c, fake := newClient(t)
	data := randomBytes(5000)
	id, _ := c.Upload(ctx, "t", bytes.NewReader(data), int64(len(data)))
	o, err := c.Open(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	fake.RotateAssetTokens()
	o.Seek(4000, io.SeekStart)
	tail, err := io.ReadAll(o)
	if err != nil || !bytes.Equal(tail, data[4000:]) {
		t.Fatalf("after the token changed: %d bytes, %v", len(tail), err)
	}
}

func TestDeleteAndMissing(t *testing.T) {
	ctx := context.Background()
	c, _ := newClient(t)
	id, _ := c.Upload(ctx, "t", strings.NewReader("x"), 1)
	if err := c.Delete(ctx, id); err != nil {
		t.Fatal(err)
	}
	if err := c.Delete(ctx, id); err != nil {
		t.Fatalf("deleting again: %v", err)
	}
	if _, err := c.Open(ctx, id); !errors.Is(err, recording.ErrNoObject) {
		t.Fatalf("open after delete: %v", err)
	}
}

func TestWrongKey(t *testing.T) {
	fake := apivideotest.New(t, testKey)
	c := New(fake.URL, "wrong", nil)
	if _, err := c.Upload(context.Background(), "t", strings.NewReader("x"), 1); err == nil || !strings.Contains(err.Error(), "authentication") {
		t.Fatalf("got %v", err)
	}
}
