package supabasetest

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/jackc/pgx/v5"

	"github.com/interviewd/interviewd/internal/testenv"
)

// The environment that names a Supabase Auth built on this machine, outside
// the repository, and its source's migrations folder.
const (
	envGoTrueBin        = "INTERVIEWD_GOTRUE_BIN"
	envGoTrueMigrations = "INTERVIEWD_GOTRUE_MIGRATIONS"
)

// realAuthStart bounds how long Auth may take to migrate and answer /health.
const realAuthStart = 30 * time.Second

// RealAuthOptions chooses how the real Auth is configured.
type RealAuthOptions struct {
	Issuer        bool   // set GOTRUE_JWT_ISSUER to URL()+"/auth/v1" (hosted style); false = no iss (self-hosted)
	Confirm       bool   // GOTRUE_MAILER_AUTOCONFIRM=false (confirm-email on)
	ES256         bool   // sign access tokens with an ES256 key (published at /.well-known/jwks.json)
	DisableEmail  bool   // GOTRUE_EXTERNAL_EMAIL_ENABLED=false
	DisableSignup bool   // GOTRUE_DISABLE_SIGNUP=true
	DatabaseURL   string // optional: a database to put Auth's schema in; empty: testenv.SupabaseDB
}

// RealAuth is a running Supabase Auth behind an in-process gateway that
// serves /auth/v1/* and requires apikey, as Supabase's gateway does.
type RealAuth struct {
	gateway   *httptest.Server
	authURL   string // Auth's own root, behind the gateway
	issuer    string
	secret    string
	anonKey   string
	service   string // the service_role key
	dbURL     string // as postgres
	authDBURL string // as supabase_auth_admin, who owns the auth schema
	logPath   string
}

// HaveRealAuth reports whether a Supabase Auth binary and its migrations
// are named by INTERVIEWD_GOTRUE_BIN and INTERVIEWD_GOTRUE_MIGRATIONS.
func HaveRealAuth() bool {
	return os.Getenv(envGoTrueBin) != "" && os.Getenv(envGoTrueMigrations) != ""
}

// StartRealAuth runs the Supabase Auth binary named by INTERVIEWD_GOTRUE_BIN
// on its own database, configured as o says and otherwise as a new hosted
// project is (a 10 s refresh-token reuse window, passwords of at least 6
// characters, no SMTP: confirmation mails go nowhere), and serves it behind
// a gateway at URL(). Everything stops when the test ends. Call it only when
// HaveRealAuth: without the binary it fails the test.
func StartRealAuth(t testing.TB, o RealAuthOptions) *RealAuth {
	t.Helper()
	if !HaveRealAuth() {
		t.Fatalf("StartRealAuth: set %s and %s (check HaveRealAuth first)", envGoTrueBin, envGoTrueMigrations)
	}
	a := &RealAuth{secret: randomHex(t, 32), dbURL: o.DatabaseURL}
	if a.dbURL == "" {
		a.dbURL, _ = testenv.SupabaseDB(t)
	}
	a.authDBURL = asUser(t, a.dbURL, "supabase_auth_admin")
	a.anonKey, a.service = apiKey(t, a.secret, "anon"), apiKey(t, a.secret, "service_role")
	port := freePort(t)
	a.authURL = "http://127.0.0.1:" + strconv.Itoa(port)
	a.gateway = httptest.NewServer(a.gatewayHandler(t))
	t.Cleanup(a.gateway.Close)
	if o.Issuer {
		a.issuer = a.gateway.URL + "/auth/v1"
	}
	a.logPath = filepath.Join(t.TempDir(), "auth.log")
	a.run(t, a.env(t, o, port))
	return a
}

// URL is the project's URL, what SUPABASE_URL holds: the gateway's root.
func (a *RealAuth) URL() string { return a.gateway.URL }

// Issuer is the iss of Auth's access tokens, "" when they carry none.
func (a *RealAuth) Issuer() string { return a.issuer }

// AnonKey is the project's anon key: an HS256 JWT with role anon, signed
// with JWTSecret.
func (a *RealAuth) AnonKey() string { return a.anonKey }

// ServiceRoleKey is the project's service_role key, which the gateway also
// accepts.
func (a *RealAuth) ServiceRoleKey() string { return a.service }

// JWTSecret is the project's legacy JWT secret, which signs HS256 tokens.
func (a *RealAuth) JWTSecret() string { return a.secret }

// DatabaseURL is the database that holds Auth's schema, as postgres.
func (a *RealAuth) DatabaseURL() string { return a.dbURL }

// ConfirmAll confirms every user's email, as following the emailed links
// would.
func (a *RealAuth) ConfirmAll(t testing.TB) {
	t.Helper()
	a.exec(t, "UPDATE auth.users SET email_confirmed_at = now() WHERE email_confirmed_at IS NULL")
}

// exec runs sql in Auth's database as the owner of its schema.
func (a *RealAuth) exec(t testing.TB, sql string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, a.authDBURL)
	if err != nil {
		t.Fatalf("real auth: connect to its database: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql); err != nil {
		t.Fatalf("real auth: %s: %v", sql, err)
	}
}

// env is Auth's whole environment: nothing is inherited, so that no
// GOTRUE_* variable of the machine changes what is tested.
func (a *RealAuth) env(t testing.TB, o RealAuthOptions, port int) []string {
	external := a.gateway.URL + "/auth/v1"
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"GOTRUE_DB_DRIVER=postgres",
		"DATABASE_URL=" + a.authDBURL,
		"GOTRUE_DB_NAMESPACE=auth",
		"GOTRUE_DB_MIGRATIONS_PATH=" + os.Getenv(envGoTrueMigrations),
		"GOTRUE_JWT_SECRET=" + a.secret,
		"GOTRUE_JWT_EXP=3600",
		"GOTRUE_JWT_AUD=authenticated",
		"GOTRUE_JWT_DEFAULT_GROUP_NAME=authenticated",
		"GOTRUE_JWT_ADMIN_ROLES=service_role",
		"API_EXTERNAL_URL=" + external,
		"GOTRUE_SITE_URL=http://127.0.0.1",
		"GOTRUE_API_HOST=127.0.0.1",
		"PORT=" + strconv.Itoa(port),
		"GOTRUE_MAILER_AUTOCONFIRM=" + strconv.FormatBool(!o.Confirm),
		"GOTRUE_EXTERNAL_EMAIL_ENABLED=" + strconv.FormatBool(!o.DisableEmail),
		"GOTRUE_DISABLE_SIGNUP=" + strconv.FormatBool(o.DisableSignup),
		// A new hosted project's setting; Auth's own default is 0.
		"GOTRUE_SECURITY_REFRESH_TOKEN_REUSE_INTERVAL=10",
		"GOTRUE_LOG_LEVEL=info",
	}
	if o.Issuer {
		env = append(env, "GOTRUE_JWT_ISSUER="+a.issuer)
	}
	if o.ES256 {
		env = append(env, "GOTRUE_JWT_KEYS="+signingKeys(t, a.secret))
	}
	return env
}

// run starts Auth (which migrates its schema first), stops it when the test
// ends, and waits until it answers /health.
func (a *RealAuth) run(t testing.TB, env []string) {
	t.Helper()
	log, err := os.Create(a.logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Getenv(envGoTrueBin))
	cmd.Env, cmd.Stdout, cmd.Stderr = env, log, log
	if err := cmd.Start(); err != nil {
		log.Close()
		t.Fatalf("start Supabase Auth: %v", err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); log.Close(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
		a.awaitDisconnect(t)
	})
	deadline := time.Now().Add(realAuthStart)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			t.Fatalf("Supabase Auth exited at start: %s", a.logTail())
		default:
		}
		if resp, err := http.Get(a.authURL + "/health"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("Supabase Auth not healthy in %s: %s", realAuthStart, a.logTail())
}

// awaitDisconnect waits until Auth's connections to its database have
// ended, which happens a moment after it exits: postgres, who drops the
// test database, may not end them itself.
func (a *RealAuth) awaitDisconnect(t testing.TB) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, a.dbURL)
	if err != nil {
		t.Errorf("real auth: connect to its database: %v", err)
		return
	}
	defer conn.Close(context.Background())
	for {
		var n int
		err := conn.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND usename = 'supabase_auth_admin'`).Scan(&n)
		if err != nil {
			t.Errorf("real auth: its connections outlived it: %v", err)
			return
		}
		if n == 0 {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// logTail is the end of Auth's log, for a failure message.
func (a *RealAuth) logTail() string {
	b, _ := os.ReadFile(a.logPath)
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}

// gatewayHandler serves Auth's routes under /auth/v1 and, as Supabase's
// gateway does, refuses requests without a project API key.
func (a *RealAuth) gatewayHandler(t testing.TB) http.Handler {
	target, err := url.Parse(a.authURL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	mux := http.NewServeMux()
	mux.HandleFunc("/auth/v1/", func(w http.ResponseWriter, r *http.Request) {
		switch key := r.Header.Get("apikey"); {
		case key == "":
			writeJSON(w, http.StatusUnauthorized, `{"message":"No API key found in request"}`)
			return
		case key != a.anonKey && key != a.service:
			writeJSON(w, http.StatusUnauthorized, `{"message":"Invalid API key"}`)
			return
		}
		r.URL.Path = strings.TrimPrefix(r.URL.Path, "/auth/v1")
		r.URL.RawPath = ""
		proxy.ServeHTTP(w, r)
	})
	return mux
}

// apiKey is the project API key of role: an HS256 JWT signed with secret,
// as Supabase issues its anon and service_role keys. Its times are fixed,
// so that the same key comes out each time.
func apiKey(t testing.TB, secret, role string) string {
	k := Key{Method: jwt.SigningMethodHS256, Private: []byte(secret)}
	return k.Sign(t, jwt.MapClaims{"iss": "supabase", "role": role, "iat": 1700000000, "exp": 4102444800})
}

// signingKeys is GOTRUE_JWT_KEYS for an ES256 project: a new P-256 key that
// signs, and the legacy secret, which still verifies (as on a hosted project
// that moved to asymmetric keys).
func signingKeys(t testing.TB, secret string) string {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	b64 := base64.RawURLEncoding.EncodeToString
	raw, err := k.PublicKey.Bytes() // 0x04 || X || Y
	if err != nil {
		t.Fatal(err)
	}
	d, err := k.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	keys := []map[string]any{
		{"kty": "EC", "crv": "P-256", "alg": "ES256", "kid": randomHex(t, 8), "use": "sig",
			"key_ops": []string{"sign", "verify"}, "x": b64(raw[1:33]), "y": b64(raw[33:]), "d": b64(d)},
		{"kty": "oct", "alg": "HS256", "kid": randomHex(t, 8), "key_ops": []string{"verify"}, "k": b64([]byte(secret))},
	}
	b, err := json.Marshal(keys)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// asUser returns dbURL connecting as user, without a password (the test
// cluster trusts local connections).
func asUser(t testing.TB, dbURL, user string) string {
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatalf("database URL: %v", err)
	}
	u.User = url.User(user)
	return u.String()
}

// freePort returns a TCP port of 127.0.0.1 that was free a moment ago.
func freePort(t testing.TB) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func randomHex(t testing.TB, n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// String describes a for a failure message.
func (a *RealAuth) String() string {
	return fmt.Sprintf("Supabase Auth at %s (log %s)", a.URL(), a.logPath)
}
