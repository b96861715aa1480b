package main

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
)

func runAdmin(t *testing.T, env map[string]string, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := run(context.Background(), append([]string{"interviewd", "admin"}, args...), func(k string) (string, bool) { v, ok := env[k]; return v, ok }, &out, &out)
	return out.String(), err
}

// TestAdminCLI creates a user and an API key from the command line, then
// uses the key against the running server's API.
func TestAdminCLI(t *testing.T) {
	env := map[string]string{"DATA_DIR": t.TempDir(), "ADDR": "127.0.0.1:0"}
	out, err := runAdmin(t, env, "create-user", "--email", "Ops@Example.com", "--password", "long enough password", "--org", "Acme")
	if err != nil || !strings.Contains(out, "ops@example.com") {
		t.Fatalf("create-user: %v\n%s", err, out)
	}
	if _, err := runAdmin(t, env, "create-user", "--email", "ops@example.com", "--password", "long enough password", "--org", "Acme"); err == nil {
		t.Error("a second user with the same email was created")
	}
	out, err = runAdmin(t, env, "create-api-key", "--email", "ops@example.com", "--name", "ATS")
	if err != nil {
		t.Fatalf("create-api-key: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	key := lines[len(lines)-1]
	if !strings.HasPrefix(key, "ivk_") {
		t.Fatalf("the last line is not the key: %q", out)
	}

	base, _, stop := start(t, env)
	defer stop()
	req, _ := http.NewRequest(http.MethodGet, base+"/api/v1/positions", nil)
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("the CLI's key got %d from the API", resp.StatusCode)
	}
	req.Header.Set("Authorization", "Bearer "+key+"x")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("a wrong key got %d, want 401", resp.StatusCode)
	}
}

func TestAdminCLIRejects(t *testing.T) {
	env := map[string]string{"DATA_DIR": t.TempDir()}
	cases := [][]string{
		{},
		{"frobnicate"},
		{"create-user", "--email", "a@b.co"},
		{"create-user", "--email", "not-an-email", "--password", "long enough password", "--org", "X"},
		{"create-user", "--email", "a@b.co", "--password", "short", "--org", "X"},
		{"create-api-key"},
		{"create-api-key", "--email", "nobody@example.com"},
	}
	for _, args := range cases {
		if out, err := runAdmin(t, env, args...); err == nil {
			t.Errorf("admin %v succeeded:\n%s", args, out)
		}
	}
}
