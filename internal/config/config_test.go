package config

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// envOf is a process environment for Load: a key absent from kv is unset,
// one mapped to "" is set to the empty string.
func envOf(kv map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := kv[k]; return v, ok }
}

func TestLoadDefaults(t *testing.T) {
	c, err := Load(envOf(nil))
	if err != nil {
		t.Fatal(err)
	}
	checks := map[string][2]string{
		"Addr":      {c.Addr, ":8080"},
		"PublicURL": {c.PublicURL, "http://localhost:8080"},
		"DataDir":   {c.DataDir, "./data"},
		"Store":     {c.Store(), "sqlite"},
		"Provider":  {c.Provider(), "local engine"},
		"Auth":      {c.Auth(), "built-in"},
		"Model":     {c.RealtimeModel, "gpt-realtime"},
		"BaseURL":   {c.OpenAIBaseURL, "https://api.openai.com/v1"},
	}
	for name, got := range checks {
		if got[0] != got[1] {
			t.Errorf("%s = %q, want %q", name, got[0], got[1])
		}
	}
}

func TestLoadOverrides(t *testing.T) {
	c, err := Load(envOf(map[string]string{
		"PORT":           "9000",
		"DATABASE_URL":   "postgres://u:p@db.example:5432/x",
		"OPENAI_API_KEY": "sk-test",
		"SUPABASE_URL":   "https://proj.example.co/", "SUPABASE_ANON_KEY": "anon",
		"PUBLIC_URL": "https://interviews.example.com/",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != ":9000" || c.Store() != "postgres" || c.Provider() != "openai" || c.Auth() != "supabase" {
		t.Errorf("unexpected config %+v", c)
	}
	if c.PublicURL != "https://interviews.example.com" || c.SupabaseURL != "https://proj.example.co" {
		t.Errorf("trailing slashes kept: %q %q", c.PublicURL, c.SupabaseURL)
	}
	if c.WebhookAllowPrivate {
		t.Error("WEBHOOK_ALLOW_PRIVATE defaults to true")
	}
	if c, err := Load(envOf(map[string]string{"WEBHOOK_ALLOW_PRIVATE": "true"})); err != nil || !c.WebhookAllowPrivate {
		t.Errorf("WEBHOOK_ALLOW_PRIVATE=true: %v %v", c.WebhookAllowPrivate, err)
	}
	if c.MetricsAddr != "" {
		t.Errorf("METRICS_ADDR defaults to %q", c.MetricsAddr)
	}
	for _, addr := range []string{"127.0.0.1:9091", ":9091", "[::1]:0"} {
		if c, err := Load(envOf(map[string]string{"METRICS_ADDR": addr})); err != nil || c.MetricsAddr != addr {
			t.Errorf("METRICS_ADDR=%s: %q %v", addr, c.MetricsAddr, err)
		}
	}
	c, err = Load(envOf(map[string]string{"ADDR": "127.0.0.1:0", "PORT": "1"}))
	if err != nil || c.Addr != "127.0.0.1:0" || c.PublicURL != "http://localhost:0" {
		t.Errorf("ADDR should win over PORT: %+v %v", c, err)
	}
}

func TestLoadRejects(t *testing.T) {
	cases := []struct {
		name string
		env  map[string]string
		want string // the variable the error must name
	}{
		{"port not a number", map[string]string{"PORT": "abc"}, "PORT"},
		{"port out of range", map[string]string{"PORT": "70000"}, "PORT"},
		{"addr without port", map[string]string{"ADDR": "localhost"}, "ADDR"},
		{"database url scheme", map[string]string{"DATABASE_URL": "mysql://x/y"}, "DATABASE_URL"},
		{"database url garbage", map[string]string{"DATABASE_URL": "postgres://%zz"}, "DATABASE_URL"},
		{"database url no host", map[string]string{"DATABASE_URL": "postgres:///db"}, "DATABASE_URL"},
		{"public url", map[string]string{"PUBLIC_URL": "ftp://x"}, "PUBLIC_URL"},
		{"openai base url", map[string]string{"OPENAI_BASE_URL": "not a url"}, "OPENAI_BASE_URL"},
		{"supabase without key", map[string]string{"SUPABASE_URL": "https://x.example"}, "SUPABASE_ANON_KEY"},
		{"supabase key alone", map[string]string{"SUPABASE_ANON_KEY": "k"}, "SUPABASE_URL"},
		{"short jwt secret", map[string]string{"JWT_SECRET": "short"}, "JWT_SECRET"},
		{"short engine api key", map[string]string{"ENGINE_API_KEY": "sk-31-characters-long-0123456789"[:31]}, "ENGINE_API_KEY"},
		{"tenant id", map[string]string{"TENANT_ID": "acme"}, "TENANT_ID"},
		{"log level", map[string]string{"LOG_LEVEL": "loud"}, "LOG_LEVEL"},
		{"shutdown timeout", map[string]string{"SHUTDOWN_TIMEOUT": "-1s"}, "SHUTDOWN_TIMEOUT"},
		{"webhook allow private", map[string]string{"WEBHOOK_ALLOW_PRIVATE": "maybe"}, "WEBHOOK_ALLOW_PRIVATE"},
		{"metrics addr without port", map[string]string{"METRICS_ADDR": "localhost"}, "METRICS_ADDR"},
		{"metrics addr empty port", map[string]string{"METRICS_ADDR": "127.0.0.1:"}, "METRICS_ADDR"},
		{"metrics addr bad port", map[string]string{"METRICS_ADDR": ":99999"}, "METRICS_ADDR"},
		{"metrics addr is the main one", map[string]string{"PORT": "9091", "METRICS_ADDR": ":9091"}, "METRICS_ADDR"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(envOf(tc.env))
			if err == nil {
				t.Fatal("Load accepted bad input")
			}
			if !strings.HasPrefix(err.Error(), tc.want+":") || strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q should be one line starting with %s:", err, tc.want)
			}
		})
	}
}

// TestEngineAPIKey: ENGINE_API_KEY is optional for serve and required by
// the engine command, which names it in one line when it is missing.
func TestEngineAPIKey(t *testing.T) {
	c, err := Load(envOf(nil))
	if err != nil || c.EngineAPIKey != "" {
		t.Fatalf("default: %q %v", c.EngineAPIKey, err)
	}
	err = c.RequireEngineKey()
	if err == nil || !strings.HasPrefix(err.Error(), "ENGINE_API_KEY:") || strings.Contains(err.Error(), "\n") {
		t.Errorf("missing key: %v", err)
	}
	key := strings.Repeat("k", MinEngineAPIKeyLen)
	c, err = Load(envOf(map[string]string{"ENGINE_API_KEY": " " + key + " "}))
	if err != nil || c.EngineAPIKey != key || c.RequireEngineKey() != nil {
		t.Errorf("a %d-character key: %q %v", len(key), c.EngineAPIKey, err)
	}
}

func TestDatabaseURLErrorHidesPassword(t *testing.T) {
	_, err := Load(envOf(map[string]string{"DATABASE_URL": "mysql://user:hunter2@h/db"}))
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("error %v must not echo the password", err)
	}
}

// TestVariablesDocumented keeps Load, Variables and the README in step: every
// variable Load reads is listed, and every listed one is in the README table.
func TestVariablesDocumented(t *testing.T) {
	read := map[string]bool{}
	if _, err := Load(func(k string) (string, bool) { read[k] = true; return "", false }); err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, v := range Variables() {
		listed[v.Name] = true
	}
	for k := range read {
		if !listed[k] {
			t.Errorf("Load reads %s but Variables does not list it", k)
		}
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for name := range listed {
		if !read[name] {
			t.Errorf("Variables lists %s but Load never reads it", name)
		}
		if !regexp.MustCompile("(?m)^\\| `" + name + "`").Match(readme) {
			t.Errorf("README's configuration table lacks %s", name)
		}
	}
}

func FuzzLoad(f *testing.F) {
	f.Add("8080", "postgres://u@h/db", "http://localhost:8080", "info")
	f.Add("abc", "postgres://%zz", "ftp://", "")
	f.Fuzz(func(t *testing.T, port, dbURL, publicURL, level string) {
		c, err := Load(envOf(map[string]string{"PORT": port, "DATABASE_URL": dbURL, "PUBLIC_URL": publicURL, "LOG_LEVEL": level}))
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("multi-line error %q", err)
			}
			return
		}
		if c.Addr == "" || c.PublicURL == "" {
			t.Errorf("accepted config without address: %+v", c)
		}
	})
}

func TestLoadAssessment(t *testing.T) {
	tests := []struct {
		name                  string
		env                   map[string]string
		model, base, key, err string
	}{
		{"off", nil, "", "https://api.openai.com/v1", "", ""},
		{"openai key", map[string]string{"ASSESSMENT_MODEL": "gpt-4.1-mini", "OPENAI_API_KEY": "sk-o"},
			"gpt-4.1-mini", "https://api.openai.com/v1", "sk-o", ""},
		{"own key wins", map[string]string{"ASSESSMENT_MODEL": "m", "OPENAI_API_KEY": "sk-o", "ASSESSMENT_API_KEY": "sk-a"},
			"m", "https://api.openai.com/v1", "sk-a", ""},
		{"local server, no key", map[string]string{"ASSESSMENT_MODEL": "llama3.2", "ASSESSMENT_BASE_URL": "http://localhost:11434/v1/", "OPENAI_API_KEY": "sk-o"},
			"llama3.2", "http://localhost:11434/v1", "", ""},
		{"no key", map[string]string{"ASSESSMENT_MODEL": "m"}, "", "", "", "ASSESSMENT_MODEL: needs an API key: set ASSESSMENT_API_KEY or OPENAI_API_KEY"},
		{"no model", map[string]string{"ASSESSMENT_API_KEY": "k"}, "", "", "", "ASSESSMENT_MODEL: must be set"},
		{"bad URL", map[string]string{"ASSESSMENT_MODEL": "m", "ASSESSMENT_BASE_URL": "localhost:11434"}, "", "", "", "ASSESSMENT_BASE_URL: "},
		{"bad timeout", map[string]string{"ASSESSMENT_MODEL": "m", "ASSESSMENT_API_KEY": "k", "ASSESSMENT_TIMEOUT": "soon"}, "", "", "", "ASSESSMENT_TIMEOUT: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load(envOf(tt.env))
			if tt.err != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q…", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.AssessmentModel != tt.model || c.AssessmentBaseURL != tt.base || c.AssessmentAPIKey != tt.key ||
				c.Assessment() != (tt.model != "") || c.AssessmentTimeout != DefaultAssessmentTimeout {
				t.Errorf("config %q %q %q %v", c.AssessmentModel, c.AssessmentBaseURL, c.AssessmentAPIKey, c.AssessmentTimeout)
			}
		})
	}
}
