package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/templates"
)

// statusOf maps each domain error code to its HTTP status.
func statusOf(code interview.Code) int {
	switch code {
	case interview.CodeInvalid:
		return http.StatusBadRequest
	case interview.CodeUnauthorized:
		return http.StatusUnauthorized
	case interview.CodeForbidden:
		return http.StatusForbidden
	case interview.CodeNotFound:
		return http.StatusNotFound
	case interview.CodeConflict, interview.CodeClosed, interview.CodeTransition:
		return http.StatusConflict
	case interview.CodeRateLimited:
		return http.StatusTooManyRequests
	case interview.CodeTooLarge:
		return http.StatusRequestEntityTooLarge
	case interview.CodeUnavailable:
		return http.StatusServiceUnavailable
	default:
		return http.StatusInternalServerError
	}
}

// statusError gives an error a status of its own, for the failures of HTTP
// itself (405) that no domain code maps to. The code stays that of err.
type statusError struct {
	status int
	err    error
}

func (e *statusError) Error() string { return e.err.Error() }
func (e *statusError) Unwrap() error { return e.err }

// errorBody is the JSON shape of every error: {"error":{"code","message"}},
// with "field" when a validation error is about a field (the first one's)
// and "fields" listing every problem of one with fields
// (interview.FieldErrors), so that a client learns them all at once.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    interview.Code `json:"code"`
	Message string         `json:"message"`
	Field   string         `json:"field,omitempty"`
	Fields  []fieldProblem `json:"fields,omitempty"`
}

// fieldProblem is one problem of a validation error, in "fields".
type fieldProblem struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// errorDetailOf is err's JSON error.
func errorDetailOf(code interview.Code, err error) errorDetail {
	d := errorDetail{Code: code, Message: interview.ErrorMessage(err), Field: interview.FieldOf(err)}
	for _, f := range interview.Fields(err) {
		d.Fields = append(d.Fields, fieldProblem{Field: f.Field, Message: f.Err.Message})
	}
	return d
}

// fail is the one error exit of every handler. It maps err to a status,
// logs server errors (never client errors, which are the client's business
// and would let anyone fill the log), and answers in JSON or as a page.
func (s *server) fail(w http.ResponseWriter, r *http.Request, err error) {
	code := interview.ErrorCode(err)
	status := statusOf(code)
	if se, ok := errors.AsType[*statusError](err); ok {
		status = se.status
	}
	s.logFailure(r, status, err)
	msg := interview.ErrorMessage(err)
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	setRetryAfter(h, status)
	if wantsJSON(r) {
		writeJSON(w, status, errorBody{errorDetailOf(code, err)})
		return
	}
	h.Add("Vary", "Accept")
	var buf bytes.Buffer
	page := templates.ErrorPage(status, http.StatusText(status), sentence(msg))
	if err := page.Render(r.Context(), &buf); err != nil {
		http.Error(w, http.StatusText(status), status)
		return
	}
	writeHTML(w, status, buf.Bytes())
}

// logFailure logs a server error (5xx) with its whole cause; client
// errors are the client's business and would let anyone fill the log.
func (s *server) logFailure(r *http.Request, status int, err error) {
	if status < 500 {
		return
	}
	s.log.LogAttrs(r.Context(), slog.LevelError, "request failed",
		slog.String("request_id", requestIDFrom(r.Context())),
		slog.String("method", r.Method),
		slog.String("path", logPath(r.URL.Path)),
		slog.Int("status", status),
		slog.String("error", err.Error()))
}

// setRetryAfter tells a client refused with 503 when to try again:
// auth.ErrBusy's full password pool frees in about a second.
func setRetryAfter(h http.Header, status int) {
	if status == http.StatusServiceUnavailable {
		h.Set("Retry-After", "1")
	}
}

// errNoRoute is the error of a request that matches no route.
var errNoRoute = &interview.Error{Code: interview.CodeNotFound, Message: "there is nothing at this address"}

// errMethod is the error of a request whose route exists for other methods.
var errMethod = &statusError{
	status: http.StatusMethodNotAllowed,
	err:    &interview.Error{Code: interview.CodeInvalid, Message: "method not allowed"},
}

// notFound answers requests that match no route.
func (s *server) notFound(w http.ResponseWriter, r *http.Request) {
	s.fail(w, r, errNoRoute)
}

// methodNotAllowed answers requests for a route that exists for other
// methods, listing those in Allow. chi hands a custom 405 handler no list,
// so it asks the router which methods match the path.
func (s *server) methodNotAllowed(mux chi.Routes) http.HandlerFunc {
	allowable := []string{
		http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut,
		http.MethodPatch, http.MethodDelete, http.MethodOptions,
	}
	return func(w http.ResponseWriter, r *http.Request) {
		path := r.URL.RawPath
		if path == "" {
			path = r.URL.Path
		}
		var allow []string
		for _, m := range allowable {
			if mux.Match(chi.NewRouteContext(), m, path) {
				allow = append(allow, m)
			}
		}
		// middleware.GetHead serves HEAD wherever GET is routed.
		if slices.Contains(allow, http.MethodGet) && !slices.Contains(allow, http.MethodHead) {
			allow = slices.Insert(allow, 1, http.MethodHead)
		}
		if len(allow) > 0 {
			w.Header().Set("Allow", strings.Join(allow, ", "))
		}
		s.fail(w, r, errMethod)
	}
}

// writeJSON writes v as JSON with the given status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		// Only a programming error gets here: v is always our own type.
		status = http.StatusInternalServerError
		b = []byte(`{"error":{"code":"internal","message":"internal error"}}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(append(b, '\n')) //nolint:errcheck // the client has gone; nothing to do
}

// sentence turns a terse domain message ("not found") into one for a page.
func sentence(msg string) string {
	r, n := utf8.DecodeRuneInString(msg)
	if n == 0 {
		return msg
	}
	msg = string(unicode.ToUpper(r)) + msg[n:]
	if !strings.HasSuffix(msg, ".") {
		msg += "."
	}
	return msg
}
