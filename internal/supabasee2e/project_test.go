package supabasee2e

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/interviewd/interviewd/internal/auth"
	"github.com/interviewd/interviewd/internal/auth/supabasetest"
	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store/postgres"
	"github.com/interviewd/interviewd/internal/testenv"
)

const (
	// password passes interviewd's rules and Supabase Auth's default ones.
	password = "correct horse battery staple 42"
	// cookieSecret is JWT_SECRET, which seals interviewd's cookies.
	cookieSecret = "e2e-cookie-secret-of-at-least-32-bytes!!"
	clientIP     = "192.0.2.10"
)

// target is one Supabase Auth set-up the suite runs against.
type target struct {
	real    bool // the real Supabase Auth; otherwise the stand-in
	hosted  bool // tokens carry iss (hosted Supabase); otherwise none (self-hosted's docker-compose)
	confirm bool // "Confirm email" is on
	es256   bool // access tokens are signed with an ES256 key of the JWKS, not the HS256 secret
	// waits marks the target that waits out Auth's refresh-token reuse
	// window: every stand-in (its clock moves at once) and one real one.
	waits bool
}

func (tg target) String() string {
	name := []string{"stand-in", "hosted-iss", "confirm-off", "HS256"}
	if tg.real {
		name[0] = "real"
	}
	if !tg.hosted {
		name[1] = "self-hosted-no-iss"
	}
	if tg.confirm {
		name[2] = "confirm-on"
	}
	if tg.es256 {
		name[3] = "ES256"
	}
	return strings.Join(name, "/")
}

// targets are every combination of the three settings, on the stand-in
// always and on the real Supabase Auth where this machine has it.
func targets() []target {
	var ts []target
	auths := []bool{false}
	if supabasetest.HaveRealAuth() {
		auths = append(auths, true)
	}
	for _, real := range auths {
		for _, hosted := range []bool{true, false} {
			for _, confirm := range []bool{false, true} {
				for _, es256 := range []bool{false, true} {
					waits := !real || hosted && !confirm && !es256
					ts = append(ts, target{real: real, hosted: hosted, confirm: confirm, es256: es256, waits: waits})
				}
			}
		}
	}
	return ts
}

// project is a target running: a Supabase Auth, the database it shares
// with interviewd, and interviewd's store on it.
type project struct {
	target
	url, anonKey string
	jwtSecret    string // SUPABASE_JWT_SECRET as interviewd is configured: empty for ES256
	dbURL        string
	store        *postgres.Store
	sql          *pgxpool.Pool // for the SQL that PostgREST would run
	fake         *supabasetest.GoTrue
	real         *supabasetest.RealAuth
	// clock is the stand-in's clock, which interviewd shares; nil (the
	// real time) with the real Auth.
	clock *supabasetest.Clock
	seq   int // numbers the emails of a project's users
}

// start runs tg: its Auth, and interviewd's store migrated into the same
// Supabase-shaped database.
func start(t *testing.T, tg target) *project {
	t.Helper()
	p := &project{target: tg}
	if tg.real {
		p.startReal(t)
	} else {
		p.startStandIn(t)
	}
	ctx := t.Context()
	st, err := postgres.Open(ctx, p.dbURL)
	if err != nil {
		t.Fatalf("interviewd's store on the Supabase-shaped database: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	p.store = st
	pool, err := pgxpool.New(ctx, p.dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	p.sql = pool
	return p
}

func (p *project) startReal(t *testing.T) {
	t.Helper()
	p.real = supabasetest.StartRealAuth(t, supabasetest.RealAuthOptions{
		Issuer: p.hosted, Confirm: p.confirm, ES256: p.es256,
	})
	p.url, p.anonKey, p.dbURL = p.real.URL(), p.real.AnonKey(), p.real.DatabaseURL()
	if !p.es256 {
		p.jwtSecret = p.real.JWTSecret()
	}
}

func (p *project) startStandIn(t *testing.T) {
	t.Helper()
	p.clock = supabasetest.NewClock(time.Now().Truncate(time.Second))
	key, jwks := supabasetest.HS256(), []supabasetest.Key(nil)
	if p.es256 {
		key = supabasetest.ES256(t, supabasetest.Kid)
		jwks = append(jwks, key)
	} else {
		p.jwtSecret = supabasetest.JWTSecret
	}
	p.fake = supabasetest.New(t, p.clock, key, jwks...)
	if !p.hosted {
		p.fake.WithoutIssuer()
	}
	if p.confirm {
		p.fake.RequireConfirmation()
	}
	p.url, p.anonKey = p.fake.URL(), supabasetest.AnonKey
	p.dbURL, _ = testenv.SupabaseDB(t)
	p.updateAuthHelpers(t)
}

// authAdmin connects to the project's database as Auth's own role, which
// owns the auth schema. The caller closes it at once when done: the
// database's owner cannot end that role's connections when it drops the
// database.
func (p *project) authAdmin(t *testing.T) *pgx.Conn {
	t.Helper()
	u, err := url.Parse(p.dbURL)
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.User("supabase_auth_admin")
	conn, err := pgx.Connect(t.Context(), u.String())
	if err != nil {
		t.Fatalf("connect as Auth's role: %v", err)
	}
	return conn
}

// updateAuthHelpers does to a shaped database's auth.uid(), auth.role() and
// auth.email() what Supabase Auth's own migrations do, which the stand-in
// does not run: they read request.jwt.claims as well as the older
// per-claim settings. The functions belong to Auth's role.
func (p *project) updateAuthHelpers(t *testing.T) {
	t.Helper()
	conn := p.authAdmin(t)
	defer conn.Close(context.Background())
	for _, f := range []struct{ name, claim, typ string }{
		{"uid", "sub", "uuid"}, {"role", "role", "text"}, {"email", "email", "text"},
	} {
		_, err := conn.Exec(t.Context(), fmt.Sprintf(`CREATE OR REPLACE FUNCTION auth.%s() RETURNS %s
			LANGUAGE sql STABLE AS $$ SELECT coalesce(
				nullif(current_setting('request.jwt.claim.%s', true), ''),
				nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> '%[3]s')::%[2]s $$`,
			f.name, f.typ, f.claim))
		if err != nil {
			t.Fatalf("update auth.%s(): %v", f.name, err)
		}
	}
}

// accounts returns interviewd's Supabase account service for the project,
// configured as docs/supabase.md says for its set-up; mut changes that.
// Each call is a new process as far as memory goes: a second replica, or
// interviewd restarted.
func (p *project) accounts(t *testing.T, mut func(*auth.SupabaseConfig)) *auth.SupabaseAccounts {
	t.Helper()
	cfg := auth.SupabaseConfig{
		URL: p.url, AnonKey: p.anonKey, JWTSecret: p.jwtSecret, CookieSecret: cookieSecret,
		Store: p.store, Now: p.clock.Now, Timeout: 5 * time.Second,
	}
	if !p.hosted {
		setIssuer(&cfg, "") // SUPABASE_JWT_ISSUER= (set, empty)
	}
	if mut != nil {
		mut(&cfg)
	}
	acc, err := auth.NewSupabaseAccounts(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return acc
}

// setIssuer is SUPABASE_JWT_ISSUER set to iss.
func setIssuer(cfg *auth.SupabaseConfig, iss string) {
	cfg.Issuer, cfg.IssuerSet = iss, true
}

// team is the built-in service that invites members, which interviewd uses
// in Supabase mode too.
func (p *project) team(t *testing.T) *auth.Accounts {
	t.Helper()
	a, err := auth.NewAccounts(auth.AccountsConfig{Store: p.store, Now: p.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// email returns a new address for the project.
func (p *project) email(who string) string {
	p.seq++
	return fmt.Sprintf("%s-%d@example.com", who, p.seq)
}

// confirmAll confirms every user's email, as following the emailed links
// would.
func (p *project) confirmAll(t *testing.T) {
	t.Helper()
	if p.fake != nil {
		p.fake.ConfirmAll()
		return
	}
	p.real.ConfirmAll(t)
}

// pass lets d go by for the Auth: the stand-in's clock moves, which
// interviewd shares; the real Auth takes real time.
func (p *project) pass(d time.Duration) {
	if p.clock != nil {
		p.clock.Advance(d)
		return
	}
	time.Sleep(d)
}

// newOwner signs up the owner of a new organisation through interviewd, and
// with confirmation on confirms the email and signs in, as the person
// would.
func (p *project) newOwner(t *testing.T, acc *auth.SupabaseAccounts, org, email string) (string, auth.Principal) {
	t.Helper()
	in := auth.SignUpInput{Organisation: org, Name: "Owner of " + org, Email: email, Password: password}
	cookie, pr, err := acc.SignUp(t.Context(), in)
	if p.confirm {
		if !errors.Is(err, auth.ErrConfirmEmail) {
			t.Fatalf("sign up %s with confirmation on: %v, want check your inbox", email, err)
		}
		p.confirmAll(t)
		cookie, pr, err = acc.SignIn(t.Context(), email, password, clientIP)
	}
	if err != nil {
		t.Fatalf("sign up %s: %v", email, err)
	}
	return cookie, pr
}

// call sends a request to the project's Auth at SUPABASE_URL/auth/v1/path
// with the anon key, as anyone on the internet can, and returns the status
// and the body.
func (p *project) call(t *testing.T, method, path string, body any, bearer string) (int, []byte) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, p.url+"/auth/v1/"+path, r)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("apikey", p.anonKey)
	req.Header.Set("Content-Type", "application/json")
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b
}

// session is the part of Auth's session answer the tests read.
type session struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	User         struct {
		ID string `json:"id"`
	} `json:"user"`
}

// directSignUp signs email up at Auth itself, not through interviewd, with
// only the public anon key. It returns the session Auth issued, empty when
// it wants the email confirmed first.
func (p *project) directSignUp(t *testing.T, email string, meta map[string]any) session {
	t.Helper()
	status, body := p.call(t, http.MethodPost, "signup", map[string]any{"email": email, "password": password, "data": meta}, "")
	if status != http.StatusOK {
		t.Fatalf("sign up %s at Auth: %d %s", email, status, body)
	}
	var s session
	if err := json.Unmarshal(body, &s); err != nil {
		t.Fatalf("sign-up answer %s: %v", body, err)
	}
	return s
}

// directSignIn signs in at Auth itself with the password grant and returns
// the session it issued.
func (p *project) directSignIn(t *testing.T, email string) session {
	t.Helper()
	status, body := p.call(t, http.MethodPost, "token?grant_type=password", map[string]any{"email": email, "password": password}, "")
	if status != http.StatusOK {
		t.Fatalf("sign in %s at Auth: %d %s", email, status, body)
	}
	var s session
	if err := json.Unmarshal(body, &s); err != nil || s.AccessToken == "" {
		t.Fatalf("sign-in answer %s: %v", body, err)
	}
	return s
}

// jwtPart decodes part i of a JWT (0: header, 1: claims) without checking
// anything: the database trusts what the gateway has verified.
func jwtPart(t *testing.T, token string, i int) []byte {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", token)
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[i])
	if err != nil {
		t.Fatalf("JWT part %d: %v", i, err)
	}
	return b
}

// claimsOf returns the claims of an access token as JSON and as a map.
func claimsOf(t *testing.T, token string) (string, map[string]any) {
	t.Helper()
	b := jwtPart(t, token, 1)
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return string(b), m
}

// asUser runs fn in a transaction that does what PostgREST does for a
// request bearing a token with claims: the authenticated role, and the
// claims in request.jwt.claims. The transaction is rolled back.
func (p *project) asUser(t *testing.T, claims string, fn func(tx pgx.Tx)) {
	t.Helper()
	p.inTx(t, "authenticated", claims, fn)
}

// asRole runs fn in a transaction as role with no claims, as PostgREST
// does for a request with only the anon key. It is rolled back.
func (p *project) asRole(t *testing.T, role string, fn func(tx pgx.Tx)) {
	t.Helper()
	p.inTx(t, role, "", fn)
}

func (p *project) inTx(t *testing.T, role, claims string, fn func(tx pgx.Tx)) {
	t.Helper()
	ctx := t.Context()
	tx, err := p.sql.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(context.Background())
	if _, err := tx.Exec(ctx, "SET LOCAL ROLE "+pgx.Identifier{role}.Sanitize()); err != nil {
		t.Fatal(err)
	}
	if claims != "" {
		if _, err := tx.Exec(ctx, "SELECT set_config('request.jwt.claims', $1, true)", claims); err != nil {
			t.Fatal(err)
		}
	}
	fn(tx)
}

// wantCode fails unless err carries the domain code want.
func wantCode(t *testing.T, what string, err error, want interview.Code) {
	t.Helper()
	if err == nil || interview.ErrorCode(err) != want {
		t.Fatalf("%s: %v (code %q), want code %q", what, err, interview.ErrorCode(err), want)
	}
}

// expired makes the access token of cookie expired as interviewd sees it,
// and checks that Authenticate asks for a refresh. The stand-in's clock
// moves past the token's hour; the real Auth's tokens live an hour of real
// time, so an interviewd whose clock is an hour ahead is asked.
func (p *project) expired(t *testing.T, acc *auth.SupabaseAccounts, cookie string) {
	t.Helper()
	ahead := time.Hour + time.Minute
	if p.clock != nil {
		p.clock.Advance(ahead)
	} else {
		acc = p.accounts(t, func(c *auth.SupabaseConfig) { c.Now = func() time.Time { return time.Now().Add(ahead) } })
	}
	if _, err := acc.Authenticate(t.Context(), cookie); !errors.Is(err, auth.ErrSessionExpired) {
		t.Fatalf("authenticate an expired access token: %v, want ErrSessionExpired", err)
	}
}

// reuseWindow is how long Auth lets a spent refresh token be used again
// (GOTRUE_SECURITY_REFRESH_TOKEN_REUSE_INTERVAL, 10 s by default).
func (p *project) reuseWindow() time.Duration { return 10 * time.Second }

// startOfSecond waits, with the real Auth, for the next whole second, so
// that what follows happens within one second as often as it can.
func (p *project) startOfSecond() {
	if p.clock == nil {
		now := time.Now()
		time.Sleep(now.Truncate(time.Second).Add(time.Second).Sub(now))
	}
}
