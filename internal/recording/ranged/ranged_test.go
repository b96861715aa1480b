package ranged

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"testing"
	"time"
)

func TestObject(t *testing.T) {
	data := []byte("0123456789abcdefghij")
	opens := 0
	open := func(_ context.Context, from int64) (io.ReadCloser, error) {
		opens++
		return io.NopCloser(bytes.NewReader(data[from:])), nil
	}
	o := New(context.Background(), int64(len(data)), time.Time{}, io.NopCloser(bytes.NewReader(append(data, "extra"...))), open)
	all, err := io.ReadAll(o)
	if err != nil || string(all) != string(data) || opens != 0 {
		t.Fatalf("%q %v after %d opens", all, err, opens)
	}
	o.Seek(-5, io.SeekEnd)
	tail, _ := io.ReadAll(o)
	o.Seek(3, io.SeekStart)
	b := make([]byte, 2)
	io.ReadFull(o, b)
	if string(tail) != "fghij" || string(b) != "34" || opens != 2 {
		t.Fatalf("tail %q, %q, %d opens", tail, b, opens)
	}
	if _, err := o.Seek(-1, io.SeekStart); err == nil {
		t.Fatal("a seek before the start")
	}
	short := New(context.Background(), 10, time.Time{}, io.NopCloser(bytes.NewReader(data[:4])), open)
	if _, err := io.ReadAll(short); err != io.ErrUnexpectedEOF {
		t.Fatalf("a short body: %v", err)
	}
}

func FuzzCheckRange(f *testing.F) {
	f.Add("bytes 10-19/20", int64(10))
	f.Add("bytes */20", int64(0))
	f.Fuzz(func(t *testing.T, header string, from int64) {
		if CheckRange(header, from) != nil {
			return
		}
		var start, end, total int64
		fmt.Sscanf(header, "bytes %d-%d/%d", &start, &end, &total)
		if start != from {
			t.Fatalf("%q accepted for %d", header, from)
		}
	})
}
