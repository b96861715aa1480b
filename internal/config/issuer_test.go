package config

import (
	"strings"
	"testing"
)

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
		lookup  func(string) (string, bool)
		issuer  string
		isSet   bool
		refused string // a part of the error; "" when accepted
	}{
		{"unset", envOf(supabase), "", false, ""},
		{"a value", envOf(with(map[string]string{"SUPABASE_JWT_ISSUER": " http://auth.internal:9999 "})), "http://auth.internal:9999", true, ""},
		{"empty", envOf(with(map[string]string{"SUPABASE_JWT_ISSUER": ""})), "", true, ""},
		{"blank", envOf(with(map[string]string{"SUPABASE_JWT_ISSUER": "  "})), "", true, ""},
		{"without SUPABASE_URL", envOf(map[string]string{"SUPABASE_JWT_ISSUER": ""}), "", false, "SUPABASE_URL: must be set"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := Load(c.lookup)
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

// TestOtherEmptiesReadAsUnset: only SUPABASE_JWT_ISSUER's empty value
// means something; the other variables set to "" (PUBLIC_URL= among them)
// keep their defaults.
func TestOtherEmptiesReadAsUnset(t *testing.T) {
	c, err := Load(envOf(map[string]string{"PUBLIC_URL": "", "PORT": "", "SUPABASE_URL": ""}))
	if err != nil || c.PublicURL != "http://localhost:8080" || c.Auth() != "built-in" || c.SupabaseJWTIssuerSet {
		t.Fatalf("%+v, %v", c, err)
	}
}
