package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
)

// openAPIDoc is the embedded document, decoded.
func openAPIDoc(t *testing.T) map[string]any {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(openAPIDocument, &doc); err != nil {
		t.Fatalf("web/openapi.json is not JSON: %v", err)
	}
	return doc
}

// TestOpenAPIMatchesRouter walks the real router: every /api/v1 route must
// be documented, and every documented operation routed, so that the
// document and the code cannot drift apart.
func TestOpenAPIMatchesRouter(t *testing.T) {
	h := NewServer(Deps{})
	routes, ok := h.(chi.Routes)
	if !ok {
		t.Fatalf("NewServer returned %T, not a chi router", h)
	}
	var routed []string
	err := chi.Walk(routes, func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		if strings.HasPrefix(route, "/api/v1/") {
			routed = append(routed, method+" "+strings.TrimSuffix(route, "/"))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var documented []string
	for path, item := range openAPIDoc(t)["paths"].(map[string]any) {
		for method := range item.(map[string]any) {
			if method != "parameters" {
				documented = append(documented, strings.ToUpper(method)+" "+path)
			}
		}
	}
	sort.Strings(routed)
	sort.Strings(documented)
	for _, r := range routed {
		if !slices.Contains(documented, r) {
			t.Errorf("route %s is not in web/openapi.json", r)
		}
	}
	for _, d := range documented {
		if !slices.Contains(routed, d) {
			t.Errorf("web/openapi.json documents %s, which is not routed", d)
		}
	}
	if len(routed) < 8 {
		t.Errorf("only %d API routes found: %v", len(routed), routed)
	}
}

// TestOpenAPIDocument checks the document is served without a key, is
// OpenAPI 3.1, resolves every $ref, and gives every operation an ID and a
// documented error shape.
func TestOpenAPIDocument(t *testing.T) {
	app := newTestApp(t, openSQLiteStore(t))
	res := rawCall(t, app, "GET", "/api/v1/openapi.json", "")
	doc := res.want(t, http.StatusOK)
	if doc["openapi"] != "3.1.0" {
		t.Errorf("openapi = %v, want 3.1.0", doc["openapi"])
	}
	schemes := dig(doc, "components", "securitySchemes", "apiKey").(map[string]any)
	if schemes["type"] != "http" || schemes["scheme"] != "bearer" {
		t.Errorf("security scheme = %v, want http bearer", schemes)
	}
	checkRefs(t, doc, doc, "#")
	for path, item := range doc["paths"].(map[string]any) {
		for method, op := range item.(map[string]any) {
			if method == "parameters" {
				continue
			}
			op := op.(map[string]any)
			if op["operationId"] == nil || op["responses"] == nil {
				t.Errorf("%s %s lacks operationId or responses", method, path)
			}
			_, public := op["security"]
			if _, ok := op["responses"].(map[string]any)["401"]; !ok && !public {
				t.Errorf("%s %s needs a key but documents no 401", method, path)
			}
		}
	}
}

// checkRefs fails for every $ref in v that does not resolve in doc.
func checkRefs(t *testing.T, doc map[string]any, v any, at string) {
	t.Helper()
	switch v := v.(type) {
	case map[string]any:
		if ref, ok := v["$ref"].(string); ok && resolve(doc, ref) == nil {
			t.Errorf("%s: $ref %s does not resolve", at, ref)
		}
		for k, x := range v {
			checkRefs(t, doc, x, at+"/"+k)
		}
	case []any:
		for i, x := range v {
			checkRefs(t, doc, x, fmt.Sprintf("%s/%d", at, i))
		}
	}
}

// resolve returns what a local $ref points at, or nil.
func resolve(doc map[string]any, ref string) any {
	path, ok := strings.CutPrefix(ref, "#/")
	if !ok {
		return nil
	}
	return dig(doc, strings.Split(path, "/")...)
}

// dig walks nested objects by key; nil when a key is missing.
func dig(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// checkSchema fails the test where body does not match the named schema of
// web/openapi.json: its types, required fields, enums, and no undocumented
// fields where additionalProperties is false.
func checkSchema(t *testing.T, schema string, body []byte) {
	t.Helper()
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
	doc := openAPIDoc(t)
	for _, problem := range matchSchema(doc, dig(doc, "components", "schemas", schema), v, schema) {
		t.Errorf("%s", problem)
	}
}

// matchSchema returns where v breaks the JSON schema s.
func matchSchema(doc map[string]any, s, v any, at string) []string {
	sm, _ := s.(map[string]any)
	if ref, ok := sm["$ref"].(string); ok {
		return matchSchema(doc, resolve(doc, ref), v, at)
	}
	if !typeMatches(sm["type"], v) {
		return []string{fmt.Sprintf("%s: %v (%T) is not of type %v", at, v, v, sm["type"])}
	}
	if enum, ok := sm["enum"].([]any); ok && !slices.Contains(enum, v) {
		return []string{fmt.Sprintf("%s: %v is not one of %v", at, v, enum)}
	}
	var problems []string
	switch v := v.(type) {
	case map[string]any:
		problems = matchObject(doc, sm, v, at)
	case []any:
		for i, x := range v {
			problems = append(problems, matchSchema(doc, sm["items"], x, fmt.Sprintf("%s[%d]", at, i))...)
		}
	}
	return problems
}

// matchObject checks an object's required and known properties.
func matchObject(doc, s map[string]any, v map[string]any, at string) []string {
	var problems []string
	props, _ := s["properties"].(map[string]any)
	for _, name := range s["required"].([]any) {
		if _, ok := v[name.(string)]; !ok {
			problems = append(problems, fmt.Sprintf("%s: required field %s is missing", at, name))
		}
	}
	for name, x := range v {
		ps, ok := props[name]
		if !ok {
			if s["additionalProperties"] == false {
				problems = append(problems, fmt.Sprintf("%s: field %s is not documented", at, name))
			}
			continue
		}
		problems = append(problems, matchSchema(doc, ps, x, at+"."+name)...)
	}
	return problems
}

// typeMatches reports whether a decoded JSON value has the schema's type
// (a name or a list of names; none means any).
func typeMatches(typ, v any) bool {
	switch typ := typ.(type) {
	case nil:
		return true
	case []any:
		return slices.ContainsFunc(typ, func(x any) bool { return typeMatches(x, v) })
	case string:
		switch v := v.(type) {
		case nil:
			return typ == "null"
		case bool:
			return typ == "boolean"
		case string:
			return typ == "string"
		case float64:
			return typ == "number" || typ == "integer" && v == float64(int64(v))
		case []any:
			return typ == "array"
		case map[string]any:
			return typ == "object"
		}
	}
	return false
}

// TestMatchSchema checks the checker: a test that cannot fail proves
// nothing.
func TestMatchSchema(t *testing.T) {
	doc := openAPIDoc(t)
	tests := []struct {
		name, schema, body string
		problems           int
	}{
		{"valid error", "Error", `{"error":{"code":"not_found","message":"not found"}}`, 0},
		{"missing message", "Error", `{"error":{"code":"not_found"}}`, 1},
		{"unknown code", "Error", `{"error":{"code":"nope","message":"x"}}`, 1},
		{"extra field", "Error", `{"error":{"code":"not_found","message":"x"},"x":1}`, 1},
		{"wrong type", "Candidate", `{"id":"1","name":"A","email":5}`, 1},
		{"nullable", "TranscriptEntry", `{"seq":1,"speaker":"candidate","text":"","timestamp":"t","itemId":"i","source":"integration","confidence":null,"interrupted":false}`, 0},
		{"not integer", "TranscriptEntry", `{"seq":1.5,"speaker":"candidate","text":"","timestamp":"t","itemId":"i","source":"integration","confidence":null,"interrupted":false}`, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var v any
			if err := json.Unmarshal([]byte(tt.body), &v); err != nil {
				t.Fatal(err)
			}
			got := matchSchema(doc, dig(doc, "components", "schemas", tt.schema), v, tt.schema)
			if len(got) != tt.problems {
				t.Errorf("problems %v, want %d", got, tt.problems)
			}
		})
	}
}
