package blobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/interviewd/interviewd/internal/recording"
)

// Open finds the object with a GET of all of it and keeps that response
// to read from the start; a Read after a Seek elsewhere asks for the rest
// from there with a Range GET. Reads use ctx (the request serving it).
func (s *SupabaseBlobs) Open(ctx context.Context, key string) (recording.Object, error) {
	if err := checkKey(key); err != nil {
		return nil, err
	}
	resp, err := s.get(ctx, key, -1)
	if err != nil {
		return nil, fmt.Errorf("supabase open %s: %w", key, err)
	}
	if resp.ContentLength < 0 {
		resp.Body.Close()
		return nil, fmt.Errorf("supabase open %s: no Content-Length", key)
	}
	mod, _ := http.ParseTime(resp.Header.Get("Last-Modified"))
	return &remoteObject{s: s, ctx: ctx, key: key, size: resp.ContentLength, mod: mod, body: resp.Body}, nil
}

// get asks for the object, from offset from when it is 0 or more.
func (s *SupabaseBlobs) get(ctx context.Context, key string, from int64) (*http.Response, error) {
	segs := strings.Split(key, "/")
	for i, seg := range segs {
		segs[i] = url.PathEscape(seg)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.storageURL+"/object/authenticated/"+url.PathEscape(s.bucket)+"/"+strings.Join(segs, "/"), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+s.key)
	req.Header.Set("apikey", s.key)
	if from >= 0 {
		req.Header.Set("Range", "bytes="+strconv.FormatInt(from, 10)+"-")
	}
	resp, err := s.http.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode == http.StatusOK && from < 0 || resp.StatusCode == http.StatusPartialContent && from >= 0 {
		return resp, nil
	}
	defer resp.Body.Close()
	return nil, storageError(resp)
}

// storageError reads storage-api's error: HTTP 400 with the real status
// in "statusCode" ("404" and "not_found" for a missing object).
func storageError(resp *http.Response) error {
	var e struct {
		StatusCode string `json:"statusCode"`
		Error      string `json:"error"`
		Message    string `json:"message"`
	}
	json.NewDecoder(io.LimitReader(resp.Body, 64<<10)).Decode(&e)
	if resp.StatusCode == http.StatusNotFound || e.StatusCode == "404" && e.Error == "not_found" {
		return recording.ErrNoObject
	}
	return fmt.Errorf("supabase storage: HTTP %d: %s %s %s", resp.StatusCode, e.StatusCode, e.Error, e.Message)
}

// remoteObject reads a Supabase object from any offset.
type remoteObject struct {
	s    *SupabaseBlobs
	ctx  context.Context
	key  string
	size int64
	mod  time.Time

	off     int64         // where the next Read starts
	body    io.ReadCloser // a response being read, at bodyOff
	bodyOff int64
}

func (o *remoteObject) Size() int64        { return o.size }
func (o *remoteObject) ModTime() time.Time { return o.mod }

func (o *remoteObject) Read(p []byte) (int, error) {
	if o.off >= o.size {
		return 0, io.EOF
	}
	if o.body == nil || o.bodyOff != o.off {
		if err := o.reopen(); err != nil {
			return 0, err
		}
	}
	n, err := o.body.Read(p)
	o.off += int64(n)
	o.bodyOff += int64(n)
	if errors.Is(err, io.EOF) && o.off < o.size {
		err = io.ErrUnexpectedEOF
	} else if errors.Is(err, io.EOF) && n > 0 {
		err = nil
	}
	return n, err
}

// reopen asks for the object from the current offset.
func (o *remoteObject) reopen() error {
	if o.body != nil {
		o.body.Close()
		o.body = nil
	}
	resp, err := o.s.get(o.ctx, o.key, o.off)
	if err != nil {
		return fmt.Errorf("supabase read %s at %d: %w", o.key, o.off, err)
	}
	if !strings.HasPrefix(resp.Header.Get("Content-Range"), "bytes "+strconv.FormatInt(o.off, 10)+"-") {
		resp.Body.Close()
		return fmt.Errorf("supabase read %s at %d: Content-Range %q", o.key, o.off, resp.Header.Get("Content-Range"))
	}
	o.body, o.bodyOff = resp.Body, o.off
	return nil
}

func (o *remoteObject) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekCurrent:
		offset += o.off
	case io.SeekEnd:
		offset += o.size
	case io.SeekStart:
	default:
		return 0, errors.New("supabase object: bad whence")
	}
	if offset < 0 {
		return 0, errors.New("supabase object: seek before the start")
	}
	o.off = offset
	return offset, nil
}

func (o *remoteObject) Close() error {
	if o.body != nil {
		return o.body.Close()
	}
	return nil
}
