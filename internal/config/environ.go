package config

import (
	"os"
	"slices"
	"strings"
)

// setEmpty is what FromLookup answers for a variable that is set to the
// empty string where that means something of its own. An environment
// value cannot hold a NUL byte, so no real value is mistaken for it.
const setEmpty = "\x00set but empty"

// emptyMeans lists the variables whose empty value differs from their
// being unset: SUPABASE_JWT_ISSUER= requires no iss at all, while an unset
// one requires the hosted SUPABASE_URL/auth/v1.
var emptyMeans = []string{"SUPABASE_JWT_ISSUER"}

// Getenv reads the process environment for Load: os.Getenv, except that
// the few variables whose empty value means something are told apart from
// unset ones. main passes it to Load.
func Getenv(name string) string { return FromLookup(os.LookupEnv)(name) }

// FromLookup turns a lookup such as os.LookupEnv into a getenv for Load
// that keeps "set to the empty string" apart from "unset" for the
// variables where it matters, so that tests can say either.
func FromLookup(lookup func(string) (string, bool)) func(string) string {
	return func(name string) string {
		v, ok := lookup(name)
		if ok && strings.TrimSpace(v) == "" && slices.Contains(emptyMeans, name) {
			return setEmpty
		}
		return v
	}
}

// optional reads a variable that may be set to the empty string: its
// trimmed value, and whether it is set at all.
func optional(getenv func(string) string, name string) (string, bool) {
	v := getenv(name)
	if v == setEmpty {
		return "", true
	}
	v = strings.TrimSpace(v)
	return v, v != ""
}
