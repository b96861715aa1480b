package apivideotest

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
)

// TestFakeEnforcesTheReference: what api.video refuses, the fake refuses.
func TestFakeEnforcesTheReference(t *testing.T) {
	s := New(t, "k")
	post := func(path, tok, contentRange string, body []byte) int {
		var b bytes.Buffer
		w := multipart.NewWriter(&b)
		f, _ := w.CreateFormFile("file", "x.webm")
		f.Write(body)
		w.Close()
		req, _ := http.NewRequest(http.MethodPost, s.URL+path, &b)
		req.Header.Set("Content-Type", w.FormDataContentType())
		req.Header.Set("Authorization", "Bearer "+tok)
		if contentRange != "" {
			req.Header.Set("Content-Range", contentRange)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	resp, _ := http.Post(s.URL+"/auth/api-key", "application/json", strings.NewReader(`{"apiKey":"k"}`))
	var tok struct {
		Access string `json:"access_token"`
	}
	json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/videos", strings.NewReader(`{"title":"t"}`))
	req.Header.Set("Authorization", "Bearer "+tok.Access)
	resp, _ = http.DefaultClient.Do(req)
	var v struct {
		ID string `json:"videoId"`
	}
	json.NewDecoder(resp.Body).Decode(&v)
	resp.Body.Close()
	src := "/videos/" + v.ID + "/source"
	big := make([]byte, MinPart)
	for _, tc := range []struct {
		name, tok, contentRange string
		body                    []byte
		want                    int
	}{
		{"no token", "", "", []byte("x"), 401},
		{"a short part that is not the last", tok.Access, "bytes 0-9/20", make([]byte, 10), 400},
		{"a part out of order", tok.Access, "bytes 10-19/20", make([]byte, 10), 400},
		{"a range that is not the body's", tok.Access, "bytes 0-99/" + "10485760", big, 400},
		{"the first part", tok.Access, "bytes 0-5242879/5242890", big, 201},
		{"the same part again", tok.Access, "bytes 0-5242879/5242890", big, 400},
		{"the last part", tok.Access, "bytes 5242880-5242889/5242890", make([]byte, 10), 201},
		{"a source sent twice", tok.Access, "", []byte("x"), 400},
	} {
		if got := post(src, tc.tok, tc.contentRange, tc.body); got != tc.want {
			t.Errorf("%s: HTTP %d, want %d", tc.name, got, tc.want)
		}
	}
}
