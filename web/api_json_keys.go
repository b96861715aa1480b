package web

import (
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"strings"
)

// checkJSONKeys refuses an object key in data that matches a field of t
// only case-insensitively, as encoding/json allows: {"Title":…} must not
// set the field "title". It looks into nested objects and arrays, and
// expects data to have decoded into a t already.
func checkJSONKeys(data []byte, t reflect.Type) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Implements(unmarshalerType) || reflect.PointerTo(t).Implements(unmarshalerType) {
		return nil // the type reads its own JSON
	}
	switch t.Kind() {
	case reflect.Struct:
		return checkObjectKeys(data, t)
	case reflect.Slice, reflect.Array:
		var values []json.RawMessage
		_ = json.Unmarshal(data, &values) // null, or refused by the decoder already
		return checkEach(values, t.Elem())
	case reflect.Map:
		var values map[string]json.RawMessage
		_ = json.Unmarshal(data, &values)
		return checkEach(slices.Collect(maps.Values(values)), t.Elem())
	}
	return nil
}

var unmarshalerType = reflect.TypeFor[json.Unmarshaler]()

// checkObjectKeys checks each key of a JSON object against the JSON names
// of struct t's fields, exactly, and then the key's value.
func checkObjectKeys(data []byte, t reflect.Type) error {
	var obj map[string]json.RawMessage
	if json.Unmarshal(data, &obj) != nil {
		return nil // null, or a value the decoder has already refused
	}
	fields := jsonFields(t)
	for _, key := range slices.Sorted(maps.Keys(obj)) {
		value := obj[key]
		ft, ok := fields[key]
		if !ok {
			return invalidf("unknown field %q", key)
		}
		if err := checkJSONKeys(value, ft); err != nil {
			return err
		}
	}
	return nil
}

// checkEach checks every value of a JSON array or object as an elem.
func checkEach(values []json.RawMessage, elem reflect.Type) error {
	for _, v := range values {
		if err := checkJSONKeys(v, elem); err != nil {
			return err
		}
	}
	return nil
}

// jsonFields maps the exact JSON name of each field encoding/json decodes
// into struct t, embedded structs' fields included, to its type.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for f := range t.Fields() {
		tag := f.Tag.Get("json")
		name, _, _ := strings.Cut(tag, ",")
		switch {
		case name == "-" && tag == "-":
			continue
		case f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct:
			for k, v := range jsonFields(f.Type) {
				out[k] = v
			}
			continue
		case !f.IsExported():
			continue
		case name == "":
			name = f.Name
		}
		out[name] = f.Type
	}
	return out
}
