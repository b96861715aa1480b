package blobs

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/interviewd/interviewd/internal/recording"
	"github.com/interviewd/interviewd/internal/recording/ranged"
)

// Open finds the object with a GET of all of it and keeps that response
// to read from the start; a Read after a Seek elsewhere asks for the rest
// from there with a Range GET (package ranged). Reads use ctx (the
// request serving it).
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
	return ranged.New(ctx, resp.ContentLength, mod, resp.Body, func(ctx context.Context, from int64) (io.ReadCloser, error) {
		resp, err := s.get(ctx, key, from)
		if err != nil {
			return nil, err
		}
		if err := ranged.CheckRange(resp.Header.Get("Content-Range"), from); err != nil {
			resp.Body.Close()
			return nil, err
		}
		return resp.Body, nil
	}), nil
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
