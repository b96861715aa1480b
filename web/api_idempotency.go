package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"net/http"

	"github.com/interviewd/interviewd/internal/interview"
)

// maxIdempotencyKey bounds the Idempotency-Key header.
const maxIdempotencyKey = 255

var (
	errIdempotencyKey = &interview.Error{Code: interview.CodeInvalid,
		Message: "Idempotency-Key must be one header of 1 to 255 printable ASCII characters"}
	errIdempotencyMismatch = &statusError{status: http.StatusUnprocessableEntity,
		err: &interview.Error{Code: interview.CodeInvalid, Message: "Idempotency-Key was used with a different request"}}
	errIdempotencyBusy = &interview.Error{Code: interview.CodeConflict,
		Message: "a request with this Idempotency-Key is still in progress; retry later"}
)

// idempotent makes a POST safe to retry when it carries an Idempotency-Key.
// The key is reserved for the tenant with a fingerprint of the request; a
// 2xx response is stored with it and replayed to every retry of the same
// request, while any other response releases the key, because our POSTs do
// their one write last: a request that failed changed nothing, and its
// retry may run again. A retry that arrives while the first request still
// runs gets 409; the same key with another request gets 422.
func (s *server) idempotent(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		values := r.Header.Values("Idempotency-Key")
		if len(values) == 0 {
			next.ServeHTTP(w, r)
			return
		}
		if len(values) > 1 || !validIdempotencyKey(values[0]) {
			s.fail(w, r, errIdempotencyKey)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxAPIBody))
		if err != nil {
			s.fail(w, r, jsonError(err))
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		req := interview.IdempotentRequest{
			TenantID: apiActor(r).TenantID, Key: values[0], Fingerprint: fingerprint(r, body),
		}
		s.runOnce(w, r, next, req)
	})
}

// runOnce runs next under a reserved key, or answers from the stored one.
func (s *server) runOnce(w http.ResponseWriter, r *http.Request, next http.Handler, req interview.IdempotentRequest) {
	stored, err := s.store.ReserveIdempotencyKey(r.Context(), &req)
	switch {
	case errors.Is(err, interview.ErrConflict):
		s.replay(w, r, req, stored)
		return
	case err != nil:
		s.fail(w, r, err)
		return
	}
	cw := &captureWriter{ResponseWriter: w}
	next.ServeHTTP(cw, r)
	// The client may have gone; the outcome must be recorded all the same.
	ctx := context.WithoutCancel(r.Context())
	if cw.status >= 200 && cw.status < 300 {
		err = s.store.CompleteIdempotencyKey(ctx, req.TenantID, req.Key, cw.status, cw.body.Bytes())
	} else {
		err = s.store.ReleaseIdempotencyKey(ctx, req.TenantID, req.Key)
	}
	if err != nil {
		// Left reserved, the key answers 409: never a second run.
		s.log.LogAttrs(ctx, slog.LevelError, "idempotency key not recorded",
			slog.String("request_id", requestIDFrom(ctx)), slog.String("error", err.Error()))
	}
}

// replay answers a request whose key is already taken.
func (s *server) replay(w http.ResponseWriter, r *http.Request, req, stored interview.IdempotentRequest) {
	switch {
	case stored.Fingerprint != req.Fingerprint:
		s.fail(w, r, errIdempotencyMismatch)
	case stored.Status == 0:
		s.fail(w, r, errIdempotencyBusy)
	default:
		h := w.Header()
		h.Set("Idempotent-Replayed", "true")
		h.Set("Cache-Control", "no-store")
		h.Set("Content-Type", "application/json")
		w.WriteHeader(stored.Status)
		w.Write(stored.Body) //nolint:errcheck // the client has gone; nothing to do
	}
}

// validIdempotencyKey reports whether k is 1 to 255 printable ASCII
// characters.
func validIdempotencyKey(k string) bool {
	if k == "" || len(k) > maxIdempotencyKey {
		return false
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 0x20 || k[i] > 0x7e {
			return false
		}
	}
	return true
}

// fingerprint identifies a request: the same key may only be retried with
// the same method, path and body.
func fingerprint(r *http.Request, body []byte) string {
	h := sha256.New()
	h.Write([]byte(r.Method + " " + r.URL.Path + "\n"))
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))
}

// captureWriter keeps a copy of the response it passes through, to store
// it with the idempotency key.
type captureWriter struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (w *captureWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *captureWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.body.Write(b)
	return w.ResponseWriter.Write(b)
}

func (w *captureWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
