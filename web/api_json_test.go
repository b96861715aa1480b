package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/interviewd/interviewd/internal/interview"
)

// FuzzDecodeJSON feeds readJSON any body: it must never panic, every
// failure must be a client error (400, or 413 for a large body) and never
// an internal one, and what it accepts must survive a round trip.
func FuzzDecodeJSON(f *testing.F) {
	for _, seed := range []string{
		``, `{}`, `null`, `[]`, `{"title":"x"}`, `{"title":"x"} `, `{"title":"x"}{}`,
		`{"title":1}`, `{"questions":["a",2]}`, `{"maxMinutes":1e400}`, `{"maxMinutes":-0}`,
		`{"positionId":"p","candidate":{"name":"A","email":"a@b.c"}}`, `{"candidate":[]}`,
		`{"title":"\ud800"}`, `{"TITLE":"x"}`, `{"title":"x","title":"y"}`, "\xff", `{"a":`,
		`{"Title":"x"}`, `{"positionId":"p","candidate":{"Name":"A"}}`, `{"maxMinutes":1,"maxminutes":2}`,
		`{"title":"\u0074"}`, `{"titl\u0065":"x"}`, `{"tıtle":"x"}`, `{"ſtatus":1}`,
		`{"title":"a\u0000b"}`, "{\"title\":\"a\xffb\"}", `{"title":"a\nb"}`, `{"description":"a\r\nb"}`,
		`{"questions":["a","b\u0001"]}`, `{"candidate":{"name":"\u007f"}}`, "{\"ti\xfftle\":\"x\"}",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body string) {
		for _, dst := range []any{&positionRequest{}, &interviewRequest{}} {
			req := httptest.NewRequest("POST", "/api/v1/x", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			err := readJSON(httptest.NewRecorder(), req, dst)
			if err != nil {
				checkClientError(t, body, err)
				continue
			}
			roundTrip(t, dst)
			exactKeys(t, body, dst)
			acceptedText(t, body, reflect.ValueOf(dst), "")
		}
	})
}

// checkClientError fails unless err is a 400 or 413 with a message.
func checkClientError(t *testing.T, body string, err error) {
	t.Helper()
	if errors.Is(err, errBodyTooLarge) {
		return
	}
	if interview.ErrorCode(err) != interview.CodeInvalid || interview.ErrorMessage(err) == "" {
		t.Fatalf("body %q: error %v is not a client error", body, err)
	}
}

// roundTrip re-encodes a decoded value and decodes it again: the same
// value must come back.
func roundTrip(t *testing.T, v any) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("marshal %#v: %v", v, err)
	}
	again := reflect.New(reflect.TypeOf(v).Elem()).Interface()
	if err := decodeJSONBody(strings.NewReader(string(b)), again); err != nil {
		t.Fatalf("decode own encoding %s: %v", b, err)
	}
	if !reflect.DeepEqual(v, again) {
		t.Fatalf("round trip: %#v became %#v", v, again)
	}
}

// exactKeys fails unless every object key of an accepted body is,
// byte for byte, a key of the accepted value's own encoding.
func exactKeys(t *testing.T, body string, v any) {
	t.Helper()
	enc, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	collectKeys(mustAny(t, enc), known)
	got := map[string]bool{}
	collectKeys(mustAny(t, []byte(body)), got)
	for k := range got {
		if !known[k] {
			t.Fatalf("body %q: accepted key %q, which %T does not have", body, k, v)
		}
	}
}

// mustAny decodes JSON into a generic value.
func mustAny(t *testing.T, b []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
	return v
}

// collectKeys adds every object key in v, at any depth, to keys.
func collectKeys(v any, keys map[string]bool) {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			keys[k] = true
			collectKeys(e, keys)
		}
	case []any:
		for _, e := range v {
			collectKeys(e, keys)
		}
	}
}

// TestReadJSONMediaType accepts application/json, with or without a UTF-8
// charset, and nothing else.
func TestReadJSONMediaType(t *testing.T) {
	for ct, ok := range map[string]bool{
		"application/json":                  true,
		"Application/JSON":                  true,
		"application/json; charset=utf-8":   true,
		"application/json; charset=UTF-8":   true,
		"application/json; charset=utf-16":  false,
		"text/json":                         false,
		"application/jsonx":                 false,
		"":                                  false,
		"application/json; charset=":        false,
		"multipart/form-data; boundary=abc": false,
	} {
		if got := isJSONMediaType(ct); got != ok {
			t.Errorf("isJSONMediaType(%q) = %v, want %v", ct, got, ok)
		}
	}
}

// TestReadJSONLimit refuses a body one byte over the limit with 413, and
// takes one at the limit.
func TestReadJSONLimit(t *testing.T) {
	fits := `{"title":"` + strings.Repeat("x", maxAPIBody-len(`{"title":""}`)) + `"}`
	for body, want := range map[string]error{fits: nil, fits + " ": errBodyTooLarge} {
		req := httptest.NewRequest("POST", "/", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		var in positionRequest
		if err := readJSON(httptest.NewRecorder(), req, &in); !errors.Is(err, want) {
			t.Errorf("%d bytes: error %v, want %v", len(body), err, want)
		}
	}
	var se *statusError
	if !errors.As(errBodyTooLarge, &se) || se.status != http.StatusRequestEntityTooLarge {
		t.Errorf("errBodyTooLarge has no 413")
	}
}

// TestBearerToken reads the token of a Bearer Authorization header.
func TestBearerToken(t *testing.T) {
	tests := []struct {
		values []string
		token  string
		ok     bool
	}{
		{[]string{"Bearer ivk_abc"}, "ivk_abc", true},
		{[]string{"bearer   ivk_abc "}, "ivk_abc", true},
		{[]string{"BEARER ivk_abc"}, "ivk_abc", true},
		{nil, "", false},
		{[]string{""}, "", false},
		{[]string{"Bearer"}, "", false},
		{[]string{"Bearer "}, "", false},
		{[]string{"Basic abc"}, "", false},
		{[]string{"Bearer a", "Bearer b"}, "", false},
	}
	for _, tt := range tests {
		token, ok := bearerToken(tt.values)
		if token != tt.token || ok != tt.ok {
			t.Errorf("bearerToken(%q) = %q, %v; want %q, %v", tt.values, token, ok, tt.token, tt.ok)
		}
	}
}

// TestValidIdempotencyKey bounds keys to 1 to 255 printable ASCII
// characters.
func TestValidIdempotencyKey(t *testing.T) {
	for key, ok := range map[string]bool{
		"a": true, "order 42/retry:1": true, "~!@#$%^&*()": true, strings.Repeat("k", 255): true,
		"": false, strings.Repeat("k", 256): false, "tab\there": false, "é": false, "nul\x00": false, "del\x7f": false,
	} {
		if got := validIdempotencyKey(key); got != ok {
			t.Errorf("validIdempotencyKey(%q) = %v, want %v", key, got, ok)
		}
	}
}

// acceptedText fails unless every string of an accepted body is valid
// UTF-8 with no control character but a tab, or a line break in a
// multi-line field.
func acceptedText(t *testing.T, body string, v reflect.Value, field string) {
	t.Helper()
	if !utf8.ValidString(body) {
		t.Fatalf("body %q with invalid UTF-8 accepted", body)
	}
	switch v.Kind() {
	case reflect.Pointer:
		acceptedText(t, body, v.Elem(), field)
	case reflect.Struct:
		for i := range v.NumField() {
			acceptedText(t, body, v.Field(i), v.Type().Field(i).Tag.Get("json"))
		}
	case reflect.Slice:
		for i := range v.Len() {
			acceptedText(t, body, v.Index(i), field+"[]")
		}
	case reflect.String:
		for _, r := range v.String() {
			if unicode.IsControl(r) && r != '\t' && !(interview.MultiLine(field) && (r == '\n' || r == '\r')) {
				t.Fatalf("body %q: field %s accepted %U", body, field, r)
			}
		}
	}
}
