package apivideo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"time"

	"github.com/interviewd/interviewd/internal/recording"
	"github.com/interviewd/interviewd/internal/recording/ranged"
)

// video is the part of api.video's video object we use.
type video struct {
	VideoID string `json:"videoId"`
	Assets  struct {
		MP4 string `json:"mp4"`
	} `json:"assets"`
}

// Upload creates a private video titled title (POST /videos) and sends
// its source (POST /videos/{id}/source, multipart "file") in parts of the
// part size, each but the last with Content-Range "bytes from-to/total"
// (one part needs none). A failed part is sent again, up to 4 times, after
// a pause; when the upload fails the video is deleted.
func (c *Client) Upload(ctx context.Context, title string, r io.ReaderAt, size int64) (string, error) {
	if size <= 0 {
		return "", errors.New("api.video upload: nothing to send")
	}
	var v video
	err := c.call(ctx, request{method: http.MethodPost, path: "/videos", body: jsonBody(map[string]any{"title": title, "public": false, "mp4Support": true})}, &v)
	if err != nil {
		return "", fmt.Errorf("api.video create video: %w", err)
	}
	if v.VideoID == "" {
		return "", errors.New("api.video create video: no videoId")
	}
	for from := int64(0); from < size; from += c.partSize {
		if err := c.sendPart(ctx, v.VideoID, r, from, min(c.partSize, size-from), size); err != nil {
			c.Delete(context.WithoutCancel(ctx), v.VideoID)
			return "", fmt.Errorf("api.video upload %s: %w", v.VideoID, err)
		}
	}
	return v.VideoID, nil
}

// sendPart sends one part, again after a network error, a 5xx or a 429.
func (c *Client) sendPart(ctx context.Context, id string, r io.ReaderAt, from, n, size int64) error {
	req := request{method: http.MethodPost, path: "/videos/" + url.PathEscape(id) + "/source", body: partBody(r, from, n), header: http.Header{}}
	if n < size {
		req.header.Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", from, from+n-1, size))
	}
	var err error
	for try := range partTries {
		if try > 0 {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(c.backoff << (try - 1)):
			}
		}
		err = c.call(ctx, req, nil)
		var e *apiError
		if err == nil || errors.As(err, &e) && e.Status < 500 && e.Status != http.StatusTooManyRequests || ctx.Err() != nil {
			return err
		}
	}
	return err
}

// partBody is a multipart form with n bytes of r from offset from as its
// "file", its length known so no chunked encoding is needed.
func partBody(r io.ReaderAt, from, n int64) func() (io.Reader, int64, string) {
	var head bytes.Buffer
	w := multipart.NewWriter(&head)
	w.CreateFormFile("file", "recording.webm")
	headBytes := bytes.Clone(head.Bytes())
	head.Reset()
	w.Close()
	tail := bytes.Clone(head.Bytes())
	return func() (io.Reader, int64, string) {
		body := io.MultiReader(bytes.NewReader(headBytes), io.NewSectionReader(r, from, n), bytes.NewReader(tail))
		return body, int64(len(headBytes)) + n + int64(len(tail)), w.FormDataContentType()
	}
}

// get reads the video (GET /videos/{id}); recording.ErrNoObject when
// api.video has none.
func (c *Client) get(ctx context.Context, id string) (video, error) {
	var v video
	err := c.call(ctx, request{method: http.MethodGet, path: "/videos/" + url.PathEscape(id)}, &v)
	var e *apiError
	if errors.As(err, &e) && e.Status == http.StatusNotFound {
		return v, fmt.Errorf("api.video video %s: %w", id, recording.ErrNoObject)
	}
	return v, err
}

// Open streams the video's MP4 asset, with Range GETs for seeks. The
// asset's address of a private video carries a token that may not last,
// so a range the CDN refuses asks the video's address again, once.
func (c *Client) Open(ctx context.Context, id string) (recording.Object, error) {
	v, err := c.get(ctx, id)
	if err != nil {
		return nil, err
	}
	if v.Assets.MP4 == "" {
		return nil, fmt.Errorf("api.video video %s has no MP4 yet: %w", id, recording.ErrNoObject)
	}
	resp, err := c.asset(ctx, v.Assets.MP4, -1)
	if err != nil {
		return nil, err
	}
	if resp.ContentLength < 0 {
		resp.Body.Close()
		return nil, fmt.Errorf("api.video video %s: MP4 without Content-Length", id)
	}
	mod, _ := http.ParseTime(resp.Header.Get("Last-Modified"))
	mp4 := v.Assets.MP4
	return ranged.New(ctx, resp.ContentLength, mod, resp.Body, func(ctx context.Context, from int64) (io.ReadCloser, error) {
		resp, err := c.asset(ctx, mp4, from)
		if err != nil {
			if v, gerr := c.get(ctx, id); gerr == nil && v.Assets.MP4 != "" {
				mp4 = v.Assets.MP4
				resp, err = c.asset(ctx, mp4, from)
			}
		}
		if err != nil {
			return nil, err
		}
		return resp.Body, nil
	}), nil
}

// asset GETs the MP4, all of it (from < 0) or from an offset.
func (c *Client) asset(ctx context.Context, mp4 string, from int64) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, mp4, nil)
	if err != nil {
		return nil, err
	}
	want := http.StatusOK
	if from >= 0 {
		req.Header.Set("Range", fmt.Sprintf("bytes=%d-", from))
		want = http.StatusPartialContent
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != want {
		resp.Body.Close()
		return nil, fmt.Errorf("api.video MP4: HTTP %d", resp.StatusCode)
	}
	if from >= 0 {
		if err := ranged.CheckRange(resp.Header.Get("Content-Range"), from); err != nil {
			resp.Body.Close()
			return nil, err
		}
	}
	return resp, nil
}

// Delete deletes the video (DELETE /videos/{id}); one already gone is not
// an error.
func (c *Client) Delete(ctx context.Context, id string) error {
	err := c.call(ctx, request{method: http.MethodDelete, path: "/videos/" + url.PathEscape(id)}, nil)
	var e *apiError
	if errors.As(err, &e) && e.Status == http.StatusNotFound {
		return nil
	}
	if err != nil {
		return fmt.Errorf("api.video delete %s: %w", id, err)
	}
	return nil
}

var _ recording.Publisher = (*Client)(nil)
