// Package apivideotest is a fake of the api.video API for tests: it holds
// clients to what api.video's reference says (a bearer token from
// /auth/api-key, refreshed with /auth/refresh; a source sent once, in
// parts of at least 5 MiB but the last, whose Content-Range follow in
// order) and serves an uploaded source back as the video's MP4 asset,
// with ranges, at a tokenised address.
package apivideotest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"
)

// MinPart is api.video's smallest part but the last.
const MinPart = 5 << 20

// Server is a running fake; URL is its API_VIDEO_URL.
type Server struct {
	URL string
	key string

	mu       sync.Mutex
	n        int
	access   map[string]bool // valid access tokens
	refresh  map[string]bool
	videos   map[string]*video
	counts   map[string]int
	failPart map[int]bool // part numbers (1-based) to answer 500 once
}

type video struct {
	id, title string
	source    []byte
	received  int64 // bytes of a progressive upload so far
	done      bool
	token     string // the MP4 address's token
}

// New starts a fake accepting apiKey.
func New(t testing.TB, apiKey string) *Server {
	s := &Server{key: apiKey, access: map[string]bool{}, refresh: map[string]bool{}, videos: map[string]*video{}, counts: map[string]int{}, failPart: map[int]bool{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /auth/api-key", s.authKey)
	mux.HandleFunc("POST /auth/refresh", s.authRefresh)
	mux.Handle("POST /videos", s.authed(s.create))
	mux.Handle("POST /videos/{id}/source", s.authed(s.source))
	mux.Handle("GET /videos/{id}", s.authed(s.get))
	mux.Handle("DELETE /videos/{id}", s.authed(s.delete))
	mux.HandleFunc("GET /vod/{id}/token/{token}/mp4/source.mp4", s.mp4)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	s.URL = srv.URL
	return s
}

// Count says how many requests of a kind came: "api-key", "refresh",
// "create", "part", "get", "delete", "mp4", "401".
func (s *Server) Count(kind string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts[kind]
}

// FailPart makes the n-th part request (1-based, counting every try)
// answer 500 after reading its body.
func (s *Server) FailPart(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failPart[n] = true
}

// ExpireTokens makes every access token given so far answer 401, as when
// the hour has passed.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.access)
}

// RotateAssetTokens changes every MP4 address, as a private video's
// token that no longer works.
func (s *Server) RotateAssetTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, v := range s.videos {
		s.n++
		v.token = "tok" + strconv.Itoa(s.n)
	}
}

// Source returns a video's uploaded bytes, and whether it exists.
func (s *Server) Source(id string) ([]byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.videos[id]
	if !ok {
		return nil, false
	}
	return v.source, true
}

// problem answers as api.video does (RFC 7807 style).
func problem(w http.ResponseWriter, status int, typ, title string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"type": "https://docs.api.video/reference/" + typ, "title": title, "status": status})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func (s *Server) count(kind string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counts[kind]++
}

// issue makes a new pair of tokens.
func (s *Server) issue(w http.ResponseWriter) {
	s.mu.Lock()
	s.n++
	at, rt := "at"+strconv.Itoa(s.n), "rt"+strconv.Itoa(s.n)
	s.access[at], s.refresh[rt] = true, true
	s.mu.Unlock()
	writeJSON(w, 200, map[string]any{"token_type": "Bearer", "expires_in": 3600, "access_token": at, "refresh_token": rt})
}

func (s *Server) authKey(w http.ResponseWriter, r *http.Request) {
	s.count("api-key")
	var body struct {
		APIKey string `json:"apiKey"`
	}
	if json.NewDecoder(r.Body).Decode(&body) != nil || body.APIKey != s.key {
		problem(w, 400, "authentication-invalid-user-credentials", "The user credentials were incorrect.")
		return
	}
	s.issue(w)
}

func (s *Server) authRefresh(w http.ResponseWriter, r *http.Request) {
	s.count("refresh")
	var body struct {
		RefreshToken string `json:"refreshToken"`
	}
	json.NewDecoder(r.Body).Decode(&body)
	s.mu.Lock()
	ok := s.refresh[body.RefreshToken]
	delete(s.refresh, body.RefreshToken) // a refresh token is used once
	s.mu.Unlock()
	if !ok {
		problem(w, 400, "authentication-invalid-user-credentials", "The refresh token is invalid.")
		return
	}
	s.issue(w)
}

// authed checks the bearer token.
func (s *Server) authed(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		tok, ok := bytes.CutPrefix([]byte(r.Header.Get("Authorization")), []byte("Bearer "))
		valid := ok && s.access[string(tok)]
		s.mu.Unlock()
		if !valid {
			s.count("401")
			problem(w, 401, "authentication-missing", "Unauthorized request.")
			return
		}
		h(w, r)
	})
}

func (s *Server) create(w http.ResponseWriter, r *http.Request) {
	s.count("create")
	var body struct {
		Title string `json:"title"`
	}
	if json.NewDecoder(r.Body).Decode(&body) != nil || body.Title == "" {
		problem(w, 400, "invalid-attribute", "This attribute is required.")
		return
	}
	s.mu.Lock()
	s.n++
	v := &video{id: fmt.Sprintf("vi%08d", s.n), title: body.Title, token: "tok" + strconv.Itoa(s.n)}
	s.videos[v.id] = v
	s.mu.Unlock()
	writeJSON(w, 201, s.view(v))
}

// view is the video object; assets.mp4 only once the source is complete.
func (s *Server) view(v *video) map[string]any {
	assets := map[string]any{}
	if v.done {
		assets["mp4"] = fmt.Sprintf("%s/vod/%s/token/%s/mp4/source.mp4", s.URL, v.id, v.token)
	}
	return map[string]any{"videoId": v.id, "title": v.title, "public": false, "mp4Support": true, "assets": assets}
}

func (s *Server) get(w http.ResponseWriter, r *http.Request) {
	s.count("get")
	s.mu.Lock()
	v, ok := s.videos[r.PathValue("id")]
	var view map[string]any
	if ok {
		view = s.view(v)
	}
	s.mu.Unlock()
	if !ok {
		problem(w, 404, "resource-not-found", "The requested resource was not found.")
		return
	}
	writeJSON(w, 200, view)
}

func (s *Server) delete(w http.ResponseWriter, r *http.Request) {
	s.count("delete")
	s.mu.Lock()
	_, ok := s.videos[r.PathValue("id")]
	delete(s.videos, r.PathValue("id"))
	s.mu.Unlock()
	if !ok {
		problem(w, 404, "resource-not-found", "The requested resource was not found.")
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) mp4(w http.ResponseWriter, r *http.Request) {
	s.count("mp4")
	s.mu.Lock()
	v, ok := s.videos[r.PathValue("id")]
	valid := ok && v.done && v.token == r.PathValue("token")
	var data []byte
	if valid {
		data = v.source
	}
	s.mu.Unlock()
	if !valid {
		http.Error(w, "forbidden", http.StatusForbidden)
		return
	}
	w.Header().Set("Content-Type", "video/mp4")
	http.ServeContent(w, r, "", time.Unix(1_700_000_000, 0), bytes.NewReader(data))
}
