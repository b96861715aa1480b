package blobs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path"
	"strings"

	storage "github.com/supabase-community/storage-go"
)

// SupabaseBlobs keeps recordings in a private Supabase Storage bucket.
//
// Uploads, listing, deletes and the bucket go through storage-go, with a
// client per call: storage-go v0.7.0 (and v0.8.1) sets an upload's
// headers on the header map its transport shares with every other
// request, so one client used by two goroutines is a data race. Its calls
// take no context and use http.DefaultTransport, so each runs in a
// goroutine the caller stops waiting for when ctx ends, and an upload's
// body stops with ctx. Reads are HTTP Range GETs of our own (storage-go
// only downloads whole objects), through the http.Client given, with the
// Open's context.
type SupabaseBlobs struct {
	storageURL string // SUPABASE_URL/storage/v1
	key        string
	bucket     string
	http       *http.Client
}

// Supabase returns the blob store on the bucket of the Supabase project
// at projectURL, authenticated with its service role key, creating the
// bucket (private) when it is missing. A public bucket is refused:
// anyone could read the recordings.
func Supabase(ctx context.Context, projectURL, serviceKey, bucket string, httpClient *http.Client) (*SupabaseBlobs, error) {
	if projectURL == "" || serviceKey == "" || bucket == "" {
		return nil, errors.New("supabase recordings: SUPABASE_URL, SUPABASE_SERVICE_ROLE_KEY and RECORDINGS_BUCKET are needed")
	}
	if httpClient == nil {
		httpClient = http.DefaultClient
	}
	s := &SupabaseBlobs{storageURL: strings.TrimRight(projectURL, "/") + "/storage/v1", key: serviceKey, bucket: bucket, http: httpClient}
	return s, s.ensureBucket(ctx)
}

// Name says this is the Supabase backend.
func (s *SupabaseBlobs) Name() string { return "supabase" }

// client is a storage-go client for one call (see SupabaseBlobs).
func (s *SupabaseBlobs) client() *storage.Client {
	return storage.NewClient(s.storageURL, s.key, map[string]string{"apikey": s.key})
}

// do runs a storage-go call, giving up waiting when ctx ends.
func (s *SupabaseBlobs) do(ctx context.Context, call func(c *storage.Client) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- call(s.client()) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// ensureBucket finds the bucket, or creates it private; a public one is
// an error.
func (s *SupabaseBlobs) ensureBucket(ctx context.Context) error {
	var b storage.Bucket
	get := func(c *storage.Client) (err error) { b, err = c.GetBucket(s.bucket); return err }
	err := s.do(ctx, get)
	if err != nil {
		cerr := s.do(ctx, func(c *storage.Client) error {
			_, err := c.CreateBucket(s.bucket, storage.BucketOptions{Public: false})
			return err
		})
		if cerr == nil {
			return nil
		}
		if err = s.do(ctx, get); err != nil { // another instance may have made it meanwhile
			return fmt.Errorf("supabase recordings bucket %q: create: %v; get: %w", s.bucket, cerr, err)
		}
	}
	if b.Public {
		return fmt.Errorf("supabase recordings bucket %q is public: make it private", s.bucket)
	}
	return nil
}

// Put uploads exactly size bytes of r under key, replacing what was there
// (x-upsert). A reader that gives fewer or more bytes aborts the upload,
// so Supabase stores nothing.
func (s *SupabaseBlobs) Put(ctx context.Context, key string, r io.Reader, size int64) error {
	if err := checkKey(key); err != nil {
		return err
	}
	body := &exactReader{ctx: ctx, r: io.LimitReader(r, size+1), left: size}
	typ, upsert := "application/octet-stream", true
	err := s.do(ctx, func(c *storage.Client) error {
		_, err := c.UploadFile(s.bucket, key, body, storage.FileOptions{ContentType: &typ, Upsert: &upsert})
		return err
	})
	if body.err != nil {
		err = body.err
	}
	if err != nil {
		return fmt.Errorf("supabase put %s: %w", key, err)
	}
	return nil
}

// exactReader passes size bytes through and fails, instead of ending, on
// fewer or more, or once ctx ends.
type exactReader struct {
	ctx  context.Context
	r    io.Reader
	left int64
	err  error
}

func (e *exactReader) Read(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	if err := e.ctx.Err(); err != nil {
		e.err = err
		return 0, err
	}
	n, err := e.r.Read(p)
	e.left -= int64(n)
	switch {
	case e.left < 0:
		e.err = errors.New("the reader gave more bytes than its size")
	case errors.Is(err, io.EOF) && e.left > 0:
		e.err = fmt.Errorf("the reader ended %d bytes early", e.left)
	case err != nil && !errors.Is(err, io.EOF):
		e.err = err
	}
	if e.err != nil {
		return 0, e.err
	}
	return n, err
}

// Delete removes every object whose key starts with prefix: it lists the
// prefix's folder (Supabase lists one folder level at a time, sub-folders
// with no id) and deletes the names found, 100 a request.
func (s *SupabaseBlobs) Delete(ctx context.Context, prefix string) error {
	if err := checkPrefix(prefix); err != nil {
		return err
	}
	dir, rest := path.Dir(prefix), path.Base(prefix)
	if strings.HasSuffix(prefix, "/") {
		dir, rest = strings.TrimSuffix(prefix, "/"), ""
	}
	if dir == "." {
		dir = ""
	}
	var names []string
	collect := s.collect(ctx, dir, &names)
	err := s.walk(ctx, dir, func(name string, folder bool) error {
		if !strings.HasPrefix(name, rest) {
			return nil
		}
		return collect(name, folder)
	})
	if err != nil {
		return fmt.Errorf("supabase delete %s: %w", prefix, err)
	}
	for len(names) > 0 {
		batch := names[:min(len(names), 100)]
		names = names[len(batch):]
		err := s.do(ctx, func(c *storage.Client) error { _, err := c.RemoveFile(s.bucket, batch); return err })
		if err != nil {
			return fmt.Errorf("supabase delete %s: %w", prefix, err)
		}
	}
	return nil
}

// collect adds every object under dir, at any depth, to names.
func (s *SupabaseBlobs) collect(ctx context.Context, dir string, names *[]string) func(string, bool) error {
	return func(name string, folder bool) error {
		full := path.Join(dir, name)
		if folder {
			return s.walk(ctx, full, s.collect(ctx, full, names))
		}
		*names = append(*names, full)
		return nil
	}
}

// walk calls fn for each entry of one folder, page by page.
func (s *SupabaseBlobs) walk(ctx context.Context, dir string, fn func(name string, folder bool) error) error {
	const page = 100
	for offset := 0; ; offset += page {
		var entries []storage.FileObject
		err := s.do(ctx, func(c *storage.Client) (err error) {
			entries, err = c.ListFiles(s.bucket, dir, storage.FileSearchOptions{Limit: page, Offset: offset})
			return err
		})
		if err != nil {
			return err
		}
		for _, e := range entries {
			if err := fn(e.Name, e.Id == ""); err != nil {
				return err
			}
		}
		if len(entries) < page {
			return nil
		}
	}
}
