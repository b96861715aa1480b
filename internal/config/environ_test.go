package config

import (
	"strings"
	"testing"
)

// lookupOf is a process environment for FromLookup: a key absent from kv
// is unset, one mapped to "" is set to the empty string.
func lookupOf(kv map[string]string) func(string) string {
	return FromLookup(func(k string) (string, bool) { v, ok := kv[k]; return v, ok })
}

// TestSupabaseJWTIssuer: SUPABASE_JWT_ISSUER unset means the hosted
// SUPABASE_URL/auth/v1, a value means that value, and the empty string
// means that no iss is required; it needs SUPABASE_URL like every other
// SUPABASE_ variable.
func TestSupabaseJWTIssuer(t *testing.T) {
	supabase := map[string]string{"SUPABASE_URL": "https://proj.example.co", "SUPABASE_ANON_KEY": "anon"}
	with := func(kv map[string]string) map[string]string {
		m := map[string]string{}
		for k, v := range supabase {
			m[k] = v
		}
		for k, v := range kv {
			m[k] = v
		}
		return m
	}
	cases := []struct {
		name    string
		getenv  func(string) string
		issuer  string
		isSet   bool
		refused string // a part of the error; "" when accepted
	}{
		{"unset", lookupOf(supabase), "", false, ""},
		{"a value", lookupOf(with(map[string]string{"SUPABASE_JWT_ISSUER": " http://auth.internal:9999 "})), "http://auth.internal:9999", true, ""},
		{"empty", lookupOf(with(map[string]string{"SUPABASE_JWT_ISSUER": ""})), "", true, ""},
		{"blank", lookupOf(with(map[string]string{"SUPABASE_JWT_ISSUER": "  "})), "", true, ""},
		{"empty through a plain getenv is unset", envOf(with(map[string]string{"SUPABASE_JWT_ISSUER": ""})), "", false, ""},
		{"without SUPABASE_URL", lookupOf(map[string]string{"SUPABASE_JWT_ISSUER": ""}), "", false, "SUPABASE_URL: must be set"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := Load(c.getenv)
			if c.refused != "" {
				if err == nil || !strings.Contains(err.Error(), c.refused) {
					t.Fatalf("error %v, want one saying %q", err, c.refused)
				}
				return
			}
			if err != nil || cfg.SupabaseJWTIssuer != c.issuer || cfg.SupabaseJWTIssuerSet != c.isSet {
				t.Fatalf("issuer %q (set %v), %v; want %q (set %v)", cfg.SupabaseJWTIssuer, cfg.SupabaseJWTIssuerSet, err, c.issuer, c.isSet)
			}
		})
	}
}

// TestFromLookupKeepsOtherEmptiesUnset: only the variables whose empty
// value means something read differently from unset ones; the others
// (PUBLIC_URL= among them) keep their defaults.
func TestFromLookupKeepsOtherEmptiesUnset(t *testing.T) {
	getenv := lookupOf(map[string]string{"PUBLIC_URL": "", "PORT": "", "SUPABASE_URL": ""})
	for _, name := range []string{"PUBLIC_URL", "PORT", "SUPABASE_URL", "NOT_SET"} {
		if v := getenv(name); v != "" {
			t.Errorf("%s reads %q", name, v)
		}
	}
	if c, err := Load(getenv); err != nil || c.PublicURL != "http://localhost:8080" || c.Auth() != "built-in" {
		t.Fatalf("%+v, %v", c, err)
	}
	t.Setenv("SUPABASE_JWT_ISSUER", "")
	if Getenv("SUPABASE_JWT_ISSUER") != setEmpty {
		t.Error("Getenv reads SUPABASE_JWT_ISSUER= as unset")
	}
}
