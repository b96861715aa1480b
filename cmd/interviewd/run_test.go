package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store/sqlite"
)

// syncBuffer is an io.Writer that the test can read while run writes to it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var urlPattern = regexp.MustCompile(`url=(http://\S+)`)

// start runs interviewd in-process with env and returns its URL and a
// function that stops it and returns run's error.
func start(t *testing.T, env map[string]string) (string, *syncBuffer, func() error) {
	t.Helper()
	return startCommand(t, []string{"interviewd"}, env)
}

// startCommand runs interviewd in-process with args and env, and returns
// the URL its start-up line names (without the engine command's /v1) and
// a function that stops it and returns run's error.
func startCommand(t *testing.T, args []string, env map[string]string) (string, *syncBuffer, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		// A key mapped to "" is set to the empty string, as in a process
		// environment.
		done <- run(ctx, args, func(k string) (string, bool) { v, ok := env[k]; return v, ok }, out, out)
	}()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if m := urlPattern.FindStringSubmatch(out.String()); m != nil {
			m[1] = strings.TrimSuffix(m[1], "/v1")
			waitHealthy(t, m[1])
			stop := func() error {
				cancel()
				select {
				case err := <-done:
					return err
				case <-time.After(15 * time.Second):
					t.Fatal("run did not return after its context ended")
					return nil
				}
			}
			return m[1], out, stop
		}
		select {
		case err := <-done:
			cancel()
			t.Fatalf("run returned before serving: %v\n%s", err, out)
		case <-time.After(20 * time.Millisecond):
		}
	}
	cancel()
	t.Fatalf("no start-up line within 30s:\n%s", out)
	return "", nil, nil
}

func waitHealthy(t *testing.T, base string) {
	t.Helper()
	for i := 0; i < 200; i++ {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.Fatalf("%s/healthz never answered 200", base)
}

func getBody(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func getStatus(t *testing.T, url string) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestRunEmptyEnvironment starts interviewd as a fresh machine would, with
// nothing configured but a data directory and port 0.
func TestRunEmptyEnvironment(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	env := map[string]string{"DATA_DIR": dir, "ADDR": "127.0.0.1:0", "METRICS_ADDR": "127.0.0.1:0"}
	base, out, stop := start(t, env)

	if got := getStatus(t, base+"/readyz"); got != http.StatusOK {
		t.Errorf("/readyz = %d", got)
	}
	// The speech tools are named on the metrics listener's /readyz only.
	metricsURL := metricsPattern.FindStringSubmatch(out.String())[1]
	if body := getBody(t, strings.TrimSuffix(metricsURL, "/metrics")+"/readyz"); !strings.Contains(body, `"speech":"recogniser=`) {
		t.Errorf("metrics /readyz does not name the engine's speech tools: %s", body)
	}
	if body := getBody(t, base+"/readyz"); strings.Contains(body, "speech") {
		t.Errorf("public /readyz names the speech tools: %s", body)
	}
	line := out.String()
	for _, want := range []string{"store=\"sqlite ", "provider=\"local engine (", "auth=built-in", "url=" + base} {
		if !strings.Contains(line, want) {
			t.Errorf("start-up line lacks %s:\n%s", want, line)
		}
	}
	// The local engine is served at /v1 and refuses callers without its key.
	resp, err := http.Post(base+"/v1/realtime/calls", "application/sdp", strings.NewReader("v=0\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("engine without a key: %d, want 401", resp.StatusCode)
	}
	if err := stop(); err != nil {
		t.Fatalf("clean stop returned %v", err)
	}

	dbPath := filepath.Join(dir, "interviewd.db")
	assertTables(t, dbPath, "tenants", "users", "tenant_users", "positions", "candidates",
		"interview_sessions", "transcript_entries", "video_segments", "consents", "api_keys", "audit_log")
	secret, err := os.ReadFile(filepath.Join(dir, secretFile))
	if err != nil || len(strings.TrimSpace(string(secret))) < 32 {
		t.Fatalf("JWT secret not generated: %v", err)
	}
	if info, _ := os.Stat(filepath.Join(dir, secretFile)); info.Mode().Perm() != 0o600 {
		t.Errorf("secret file mode %v, want 0600", info.Mode().Perm())
	}

	// A second start on the same directory keeps both the data and the secret.
	addUser(t, dbPath, "kept@example.com")
	running := addRunningInterview(t, dbPath)
	_, out, stop = start(t, env)
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	// The interview the "previous process" left in progress is taken over
	// (the calls tests show the window's two outcomes).
	if log := out.String(); !strings.Contains(log, "interviews in progress recovered") || !strings.Contains(log, "count=1") {
		t.Errorf("the second start did not recover interview %s:\n%s", running, log)
	}
	st, err := sqlite.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.GetUserByEmail(context.Background(), "kept@example.com"); err != nil {
		t.Errorf("data lost across restarts: %v", err)
	}
	again, _ := os.ReadFile(filepath.Join(dir, secretFile))
	if !bytes.Equal(secret, again) {
		t.Error("JWT secret changed across restarts")
	}
}

func addUser(t *testing.T, dbPath, email string) {
	t.Helper()
	st, err := sqlite.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.CreateUser(context.Background(), &interview.User{Email: email, Name: "Kept"}); err != nil {
		t.Fatal(err)
	}
}

// addRunningInterview stores an organisation with an interview in
// progress, as a process that stopped mid-interview leaves it.
func addRunningInterview(t *testing.T, dbPath string) string {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	owner := interview.User{Email: "owner@example.com", Name: "Owner"}
	ten := interview.Tenant{Name: "Acme"}
	p := interview.Position{Title: "Engineer", Questions: []string{"Why?"}}
	c := interview.Candidate{Name: "Ada", Email: "ada@example.com"}
	v := interview.Session{JoinTokenHash: "running", JoinExpiresAt: time.Now().Add(time.Hour)}
	steps := []func() error{
		func() error { return st.CreateUser(ctx, &owner) },
		func() error { return st.CreateTenant(ctx, &ten, owner.ID) },
		func() error { p.TenantID = ten.ID; return st.CreatePosition(ctx, &p) },
		func() error { c.TenantID = ten.ID; return st.CreateCandidate(ctx, &c) },
		func() error {
			v.TenantID, v.PositionID, v.CandidateID = ten.ID, p.ID, c.ID
			return st.CreateSession(ctx, &v)
		},
		func() error {
			_, err := st.TransitionSession(ctx, ten.ID, v.ID, interview.StatusReady, "", time.Now())
			return err
		},
		func() error {
			_, err := st.TransitionSession(ctx, ten.ID, v.ID, interview.StatusInProgress, "", time.Now())
			return err
		},
	}
	for _, step := range steps {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	return v.ID
}

func assertTables(t *testing.T, dbPath string, tables ...string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+dbPath+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, name := range tables {
		var n int
		err := db.QueryRow(`SELECT count(*) FROM sqlite_master WHERE type='table' AND name=?`, name).Scan(&n)
		if err != nil || n != 1 {
			t.Errorf("table %s missing (%v)", name, err)
		}
	}
}

// TestRunRejectsBadConfig checks that each bad setting stops start-up with
// one line that names it, and never starts serving.
func TestRunRejectsBadConfig(t *testing.T) {
	file := filepath.Join(t.TempDir(), "not-a-dir")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, key, value, want string
	}{
		{"port not a number", "PORT", "abc", "PORT:"},
		{"malformed database url", "DATABASE_URL", "postgres://%zz", "DATABASE_URL:"},
		{"unsupported database", "DATABASE_URL", "mysql://h/db", "DATABASE_URL:"},
		{"unwritable data dir", "DATA_DIR", filepath.Join(file, "sub"), "DATA_DIR:"},
		{"unreachable postgres", "DATABASE_URL", "postgres://nobody@127.0.0.1:1/x?connect_timeout=2", "127.0.0.1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{"DATA_DIR": t.TempDir(), "ADDR": "127.0.0.1:0", tc.key: tc.value}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			var out bytes.Buffer
			err := run(ctx, []string{"interviewd"}, func(k string) (string, bool) { v, ok := env[k]; return v, ok }, &out, &out)
			if err == nil {
				t.Fatal("run accepted bad configuration")
			}
			if !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q should be one line containing %q", err, tc.want)
			}
			if strings.Contains(out.String(), "interviewd is running") {
				t.Error("served despite bad configuration")
			}
		})
	}
}

// TestBinaryExitCode builds the real binary and checks that a bad setting
// gives one line on stderr and a non-zero exit status.
func TestBinaryExitCode(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "interviewd")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin)
	cmd.Env = []string{"PORT=abc", "DATA_DIR=" + t.TempDir()}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() == 0 {
		t.Fatalf("want a non-zero exit, got %v", err)
	}
	lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
	if len(lines) != 1 || !strings.Contains(lines[0], "PORT:") {
		t.Errorf("stderr should be one line naming PORT, got %q", stderr.String())
	}
}

func TestVersionCommand(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"interviewd", "version"}, os.LookupEnv, &out, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "interviewd ") {
		t.Errorf("version output %q", out.String())
	}
	if err := run(context.Background(), []string{"interviewd", "frobnicate"}, os.LookupEnv, &out, &out); err == nil {
		t.Error("unknown command accepted")
	}
}

// TestRunSupabaseMode starts with Supabase Auth configured: the instance
// says so, and the sign-in page works without reaching Supabase (the
// verification of tokens is local).
func TestRunSupabaseMode(t *testing.T) {
	env := map[string]string{
		"DATA_DIR": t.TempDir(), "ADDR": "127.0.0.1:0",
		"SUPABASE_URL": "http://127.0.0.1:1", "SUPABASE_ANON_KEY": "anon",
		"SUPABASE_JWT_SECRET": "a-supabase-jwt-secret-of-32-chars!!",
	}
	base, out, stop := start(t, env)
	defer stop()
	if !strings.Contains(out.String(), "auth=supabase") {
		t.Errorf("start-up line:\n%s", out)
	}
	if got := getStatus(t, base+"/signin"); got != http.StatusOK {
		t.Errorf("/signin = %d", got)
	}
}
