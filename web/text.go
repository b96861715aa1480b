package web

import (
	"maps"
	"net/http"
	"slices"

	"github.com/go-chi/chi/v5"

	"github.com/interviewd/interviewd/internal/interview"
)

// checkValues checks every name and value of a form or query string with
// interview.CheckText, each value under its name, in name order so that
// the error is the same on every try.
func checkValues(values map[string][]string) error {
	for _, name := range slices.Sorted(maps.Keys(values)) {
		if err := interview.CheckText("", name); err != nil {
			return err // a name is not echoed back
		}
		if name == "next" {
			continue // a return address: localPath sends a bad one home instead (redirect.go)
		}
		for _, v := range values[name] {
			if err := interview.CheckText(name, v); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkRequestText refuses a request whose path or query holds text that
// no field may hold, before any handler or store sees it. A bad path is
// named by the route parameter it falls in ("id"), found by asking the
// router which route the path matches.
func (s *server) checkRequestText(mux chi.Routes) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if err := pathText(mux, r); err != nil {
				s.fail(w, r, err)
				return
			}
			if err := checkValues(r.URL.Query()); err != nil {
				s.fail(w, r, err)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// pathText checks the request's decoded path.
func pathText(mux chi.Routes, r *http.Request) error {
	err := interview.CheckText("path", r.URL.Path)
	if err == nil {
		return nil
	}
	rctx := chi.NewRouteContext()
	if mux.Match(rctx, r.Method, r.URL.Path) {
		for i, key := range rctx.URLParams.Keys {
			if key == "*" {
				continue // a mounted router's rest of the path, named below it
			}
			if perr := interview.CheckText(key, rctx.URLParams.Values[i]); perr != nil {
				return perr
			}
		}
	}
	return err
}
