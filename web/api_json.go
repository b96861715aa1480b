package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strings"

	"github.com/interviewd/interviewd/internal/interview"
)

// maxAPIBody bounds the body of an API request.
const maxAPIBody = 1 << 20

var (
	errBodyTooLarge = &statusError{status: http.StatusRequestEntityTooLarge,
		err: &interview.Error{Code: interview.CodeInvalid, Message: "request body too large"}}
	errNotJSON = &statusError{status: http.StatusUnsupportedMediaType,
		err: &interview.Error{Code: interview.CodeInvalid, Message: "Content-Type must be application/json"}}
)

// readJSON decodes the request's body, one JSON object with no unknown
// fields, into dst. Every way a body can be wrong becomes an error for
// s.fail that says what to fix: 415 for another media type, 413 for a body
// over maxAPIBody, and 400 naming the field for the rest.
func readJSON(w http.ResponseWriter, r *http.Request, dst any) error {
	if !isJSONMediaType(r.Header.Get("Content-Type")) {
		return errNotJSON
	}
	return decodeJSONBody(http.MaxBytesReader(w, r.Body, maxAPIBody), dst)
}

// isJSONMediaType reports whether a Content-Type is application/json, with
// no charset other than UTF-8 (RFC 8259 allows no other).
func isJSONMediaType(ct string) bool {
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil || mt != "application/json" {
		return false
	}
	cs, ok := params["charset"]
	return !ok || strings.EqualFold(cs, "utf-8")
}

// decodeJSONBody decodes exactly one JSON value from body into dst, whose
// field names must match the body's keys exactly, case included, and whose
// strings must pass interview.CheckText.
func decodeJSONBody(body io.Reader, dst any) error {
	var raw bytes.Buffer
	dec := json.NewDecoder(io.TeeReader(body, &raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return jsonError(err)
	}
	if err := dec.Decode(&json.RawMessage{}); !errors.Is(err, io.EOF) {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return errBodyTooLarge
		}
		return invalidf("the request body must hold one JSON object and nothing after it")
	}
	if err := checkJSONText(raw.Bytes()); err != nil {
		return err
	}
	return checkJSONKeys(bytes.TrimSpace(raw.Bytes()), reflect.TypeOf(dst))
}

// jsonError turns a decoding error into a client error that names the
// problem; only a misuse of the decoder by our own code stays internal.
func jsonError(err error) error {
	var (
		syntax   *json.SyntaxError
		typeErr  *json.UnmarshalTypeError
		tooLarge *http.MaxBytesError
	)
	switch {
	case errors.Is(err, io.EOF):
		return invalidf("the request body is empty: send a JSON object")
	case errors.As(err, &tooLarge):
		return errBodyTooLarge
	case errors.Is(err, io.ErrUnexpectedEOF):
		return invalidf("malformed JSON: the body ends too soon")
	case errors.As(err, &syntax):
		return invalidf("malformed JSON at byte %d: %s", syntax.Offset, syntax.Error())
	case errors.As(err, &typeErr):
		return typeError(typeErr)
	}
	if field, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return invalidf("unknown field %s", field)
	}
	var invalid *json.InvalidUnmarshalError
	if errors.As(err, &invalid) {
		return fmt.Errorf("decode JSON: %w", err)
	}
	return invalidf("malformed JSON: %s", strings.TrimPrefix(err.Error(), "json: "))
}

// typeError names the field whose value has the wrong JSON type.
func typeError(e *json.UnmarshalTypeError) error {
	want, got := jsonTypeName(e.Type), jsonValueName(e.Value)
	if e.Field == "" {
		return invalidf("the request body must be a JSON %s, not %s", want, got)
	}
	return invalidf("field %q must be a %s, not %s", e.Field, want, got)
}

// jsonValueName describes the value the decoder found: "a string", "an
// array", or the number itself ("number 1.5" becomes "1.5").
func jsonValueName(v string) string {
	kind, literal, ok := strings.Cut(v, " ")
	switch {
	case ok:
		return literal
	case kind == "array" || kind == "object":
		return "an " + kind
	case kind == "bool":
		return "a boolean"
	}
	return "a " + kind
}

// jsonTypeName is the JSON name of the Go type a value should decode into.
func jsonTypeName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "whole number"
	case reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.Pointer:
		return jsonTypeName(t.Elem())
	}
	return "object"
}

// invalidf is a 400 client error with a formatted message.
func invalidf(format string, args ...any) error {
	return interview.Errorf(interview.CodeInvalid, format, args...)
}
