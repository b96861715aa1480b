// Package storagefake is a fake of the Supabase Storage REST API
// (SUPABASE_URL/storage/v1) for tests: buckets, uploads with x-upsert,
// downloads with ranges, folder listing and deletes, answering as the
// storage-api server does (github.com/supabase/storage: most errors are
// HTTP 400 with the real status in the body's "statusCode" string).
package storagefake

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Server is a running fake. URL is the project's address, as SUPABASE_URL:
// the API is under URL+"/storage/v1".
type Server struct {
	URL string
	key string

	mu      sync.Mutex
	buckets map[string]bool // id → public
	objects map[string]object
	// Requests counts requests by "METHOD /first/path/segment".
	Requests map[string]int
	// Fail, when set, answers a request instead of the fake (e.g. a 500).
	Fail func(r *http.Request) (status int, fail bool)
}

type object struct {
	data    []byte
	typ     string
	created time.Time
	updated time.Time
}

// New starts a fake that accepts the service key as its bearer token and
// apikey header, as Supabase's gateway and storage-api want.
func New(t testing.TB, serviceKey string) *Server {
	s := &Server{key: serviceKey, buckets: map[string]bool{}, objects: map[string]object{}, Requests: map[string]int{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /bucket/{id}", s.getBucket)
	mux.HandleFunc("POST /bucket", s.createBucket)
	mux.HandleFunc("POST /object/list/{bucket}", s.list)
	mux.HandleFunc("DELETE /object/{bucket}", s.deleteObjects)
	mux.HandleFunc("POST /object/{bucket}/{name...}", s.upload)
	mux.HandleFunc("PUT /object/{bucket}/{name...}", s.upload)
	mux.HandleFunc("GET /object/authenticated/{bucket}/{name...}", s.download)
	mux.HandleFunc("GET /object/{bucket}/{name...}", s.download)
	srv := httptest.NewServer(http.StripPrefix("/storage/v1", s.guard(mux)))
	t.Cleanup(srv.Close)
	s.URL = srv.URL
	return s
}

// Bucket says whether the fake has the bucket and whether it is public.
func (s *Server) Bucket(id string) (exists, public bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	public, exists = s.buckets[id]
	return exists, public
}

// CreateBucket makes a bucket, as the dashboard would.
func (s *Server) CreateBucket(id string, public bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.buckets[id] = public
}

// Objects lists the names held in a bucket, sorted.
func (s *Server) Objects(bucket string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var names []string
	for k := range s.objects {
		if b, name, _ := strings.Cut(k, "/"); b == bucket {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names
}

// guard checks the bearer token and counts the request.
func (s *Server) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		first, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
		s.Requests[r.Method+" /"+first]++
		fail := s.Fail
		s.mu.Unlock()
		if fail != nil {
			if status, ok := fail(r); ok {
				storageError(w, status, "InternalError", "internal error")
				return
			}
		}
		if r.Header.Get("Authorization") != "Bearer "+s.key || r.Header.Get("apikey") != s.key {
			storageError(w, 400, "InvalidJWT", "invalid signature")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// storageError answers as storage-api's error handler: HTTP 400 for a
// handled error whose status is not 500, the status as a string inside.
func storageError(w http.ResponseWriter, status int, errName, msg string) {
	code := http.StatusBadRequest
	if status >= 500 {
		code = status
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(map[string]string{"statusCode": strconv.Itoa(status), "error": errName, "message": msg})
}

func (s *Server) getBucket(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	exists, public := s.Bucket(id)
	if !exists {
		storageError(w, 404, "Bucket not found", "Bucket not found")
		return
	}
	writeJSON(w, map[string]any{"id": id, "name": id, "owner": "", "public": public,
		"file_size_limit": nil, "allowed_mime_types": nil, "created_at": "2026-12-01T00:00:00Z", "updated_at": "2026-12-01T00:00:00Z"})
}

func (s *Server) createBucket(w http.ResponseWriter, r *http.Request) {
	var body struct {
		ID     string `json:"id"`
		Name   string `json:"name"`
		Public bool   `json:"public"`
	}
	if json.NewDecoder(r.Body).Decode(&body) != nil || body.Name == "" {
		storageError(w, 400, "InvalidRequest", "body must have required property 'name'")
		return
	}
	id := body.ID
	if id == "" {
		id = body.Name
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.buckets[id]; ok {
		storageError(w, 409, "Duplicate", "The resource already exists")
		return
	}
	s.buckets[id] = body.Public
	writeJSON(w, map[string]string{"name": id})
}

func (s *Server) upload(w http.ResponseWriter, r *http.Request) {
	bucket, name := r.PathValue("bucket"), r.PathValue("name")
	data, err := io.ReadAll(r.Body)
	if err != nil {
		storageError(w, 400, "InvalidRequest", "the body ended early")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.buckets[bucket]; !ok {
		storageError(w, 404, "Bucket not found", "Bucket not found")
		return
	}
	if !validKey(name) {
		storageError(w, 400, "InvalidKey", "Invalid key: "+name)
		return
	}
	k := bucket + "/" + name
	old, exists := s.objects[k]
	if exists && r.Method == http.MethodPost && r.Header.Get("x-upsert") != "true" {
		storageError(w, 409, "Duplicate", "The resource already exists")
		return
	}
	if !exists && r.Method == http.MethodPut {
		storageError(w, 404, "not_found", "Object not found")
		return
	}
	now := time.Now().UTC()
	if !exists {
		old.created = now
	}
	s.objects[k] = object{data: data, typ: r.Header.Get("Content-Type"), created: old.created, updated: now}
	writeJSON(w, map[string]string{"Id": "00000000-0000-4000-8000-" + strings.Repeat("0", 12), "Key": k})
}

// validKey is storage-api's isValidKey: no empty segments and no
// characters outside its allowed set.
func validKey(name string) bool {
	if name == "" || strings.Contains(name, "//") || strings.HasPrefix(name, "/") {
		return false
	}
	for _, c := range name {
		if c < 0x20 || c == 0x7f || c == '\\' {
			return false
		}
	}
	return true
}

func (s *Server) download(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	_, bucketOK := s.buckets[r.PathValue("bucket")]
	o, ok := s.objects[r.PathValue("bucket")+"/"+r.PathValue("name")]
	s.mu.Unlock()
	switch {
	case !bucketOK:
		storageError(w, 404, "Bucket not found", "Bucket not found")
		return
	case !ok:
		storageError(w, 404, "not_found", "Object not found")
		return
	}
	w.Header().Set("Content-Type", o.typ)
	w.Header().Set("Cache-Control", "max-age=3600")
	http.ServeContent(w, r, "", o.updated, bytes.NewReader(o.data))
}

// list answers storage-api's search: the entries directly in the folder
// prefix names (folders with a null id), sorted, paged.
func (s *Server) list(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Prefix string `json:"prefix"`
		Limit  int    `json:"limit"`
		Offset int    `json:"offset"`
		Search string `json:"search"`
		SortBy struct {
			Column string `json:"column"`
			Order  string `json:"order"`
		} `json:"sortBy"`
	}
	if json.NewDecoder(r.Body).Decode(&body) != nil || body.Limit < 0 || body.Offset < 0 {
		storageError(w, 400, "InvalidRequest", "body must have required property 'prefix'")
		return
	}
	if body.Limit == 0 {
		body.Limit = 100
	}
	entries := s.folder(r.PathValue("bucket"), strings.Trim(body.Prefix, "/"), body.Search)
	if body.SortBy.Order == "desc" {
		for i, j := 0, len(entries)-1; i < j; i, j = i+1, j-1 {
			entries[i], entries[j] = entries[j], entries[i]
		}
	}
	lo := min(body.Offset, len(entries))
	writeJSON(w, entries[lo:min(lo+body.Limit, len(entries))])
}

// folder lists the files and sub-folders directly in dir.
func (s *Server) folder(bucket, dir, search string) []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	seen := map[string]bool{}
	var entries []map[string]any
	for k, o := range s.objects {
		b, name, _ := strings.Cut(k, "/")
		if b != bucket || dir != "" && !strings.HasPrefix(name, dir+"/") {
			continue
		}
		rest := strings.TrimPrefix(strings.TrimPrefix(name, dir), "/")
		first, _, isDir := strings.Cut(rest, "/")
		if !strings.HasPrefix(first, search) || seen[first] {
			continue
		}
		seen[first] = true
		if isDir {
			entries = append(entries, map[string]any{"name": first, "id": nil, "updated_at": nil, "created_at": nil, "last_accessed_at": nil, "metadata": nil})
			continue
		}
		entries = append(entries, map[string]any{"name": first, "id": "id-" + path.Base(name), "bucket_id": bucket,
			"updated_at": o.updated, "created_at": o.created, "last_accessed_at": o.updated,
			"metadata": map[string]any{"size": len(o.data), "mimetype": o.typ, "cacheControl": "max-age=3600"}})
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i]["name"].(string) < entries[j]["name"].(string) })
	return entries
}

// maxDelete is storage-api's MAX_OBJECTS_PER_REQUEST for deletes.
const maxDelete = 1000

// deleteObjects deletes the objects named exactly (storage-api's
// "prefixes" are names, not prefixes) and lists those it deleted.
func (s *Server) deleteObjects(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Prefixes []string `json:"prefixes"`
	}
	if json.NewDecoder(r.Body).Decode(&body) != nil || len(body.Prefixes) == 0 || len(body.Prefixes) > maxDelete {
		storageError(w, 400, "InvalidRequest", "body/prefixes must have 1 to 1000 items")
		return
	}
	bucket := r.PathValue("bucket")
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.buckets[bucket]; !ok {
		storageError(w, 404, "Bucket not found", "Bucket not found")
		return
	}
	deleted := []map[string]any{}
	for _, name := range body.Prefixes {
		if _, ok := s.objects[bucket+"/"+name]; ok {
			delete(s.objects, bucket+"/"+name)
			deleted = append(deleted, map[string]any{"name": name, "bucket_id": bucket})
		}
	}
	writeJSON(w, deleted)
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	json.NewEncoder(w).Encode(v)
}
