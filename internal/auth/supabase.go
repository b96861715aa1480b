package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/supabase-community/gotrue-go"
	"github.com/supabase-community/gotrue-go/types"
	"github.com/supabase-community/supabase-go"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

// DefaultSupabaseTimeout bounds each call to Supabase Auth.
const DefaultSupabaseTimeout = 10 * time.Second

// The user_metadata keys sign-up stores in Supabase Auth, read back when the
// user is first seen.
const (
	metaName         = "name"
	metaOrganisation = "organisation"
)

// ErrConfirmEmail means Supabase Auth wants the user to confirm their email
// address before signing in. Sign-up answers it when confirmation is on:
// the organisation is created at the first sign-in.
var ErrConfirmEmail error = &distinctError{&interview.Error{
	Code: interview.CodeForbidden, Message: "check your inbox: confirm your email address, then sign in",
}}

// supabaseStore is the part of the store SupabaseAccounts uses: the
// privileged path, since a new user has no rights of their own yet.
type supabaseStore interface {
	store.Users
	store.Tenants
	store.Invitations
	store.Throttles
}

// SupabaseConfig configures NewSupabaseAccounts.
type SupabaseConfig struct {
	URL       string // SUPABASE_URL: the project's URL
	AnonKey   string // SUPABASE_ANON_KEY
	JWTSecret string // SUPABASE_JWT_SECRET: verifies HS256 tokens; empty refuses them
	// JWKSURL (SUPABASE_JWKS_URL) is the key set that verifies RS256 and
	// ES256 tokens. Empty means URL/auth/v1/.well-known/jwks.json when
	// JWTSecret is empty too, and no key set otherwise.
	JWKSURL string
	// Issuer (SUPABASE_JWT_ISSUER) is the iss access tokens must carry when
	// IssuerSet; empty then means none is required, as a self-hosted
	// Supabase Auth without GOTRUE_JWT_ISSUER sets none. Without IssuerSet
	// it is URL/auth/v1, as hosted Supabase sets it.
	Issuer    string
	IssuerSet bool
	// CookieSecret (JWT_SECRET, at least 32 bytes) seals the cookie values.
	CookieSecret string
	Store        supabaseStore
	PinnedTenant string                 // TENANT_ID
	SignUp       interview.SignUpPolicy // SIGNUP; empty means open
	Timeout      time.Duration          // each call to Supabase Auth; 0 means DefaultSupabaseTimeout
	Now          func() time.Time       // nil means time.Now
}

// SupabaseAccounts signs recruiters up, in and out through Supabase Auth.
// The user's Supabase ID is their interviewd user ID; organisations and
// roles stay in interviewd's store, exactly as with built-in Accounts.
type SupabaseAccounts struct {
	auth      gotrue.Client
	base      string // SUPABASE_URL, without a trailing slash
	anonKey   string
	transport http.RoundTripper
	timeout   time.Duration
	verifier  *supabaseVerifier
	sealer    cookieSealer
	store     supabaseStore
	now       func() time.Time
	guard     *guard
	refreshes *refreshFlight
	signOuts  *signOuts
	pinned    string
	policy    interview.SignUpPolicy // SIGNUP
}

// NewSupabaseAccounts returns the Supabase Auth account service. It makes
// no network call: the JWKS is fetched when a token first needs it.
func NewSupabaseAccounts(c SupabaseConfig) (*SupabaseAccounts, error) {
	if c.Timeout <= 0 {
		c.Timeout = DefaultSupabaseTimeout
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	base := strings.TrimRight(c.URL, "/")
	if err := checkSupabaseURL("SUPABASE_URL", base); err != nil {
		return nil, err
	}
	if c.AnonKey == "" || c.Store == nil {
		return nil, errors.New("supabase auth: the anon key and a store are required")
	}
	if c.JWTSecret != "" && len(c.JWTSecret) < 32 {
		return nil, errors.New("SUPABASE_JWT_SECRET: must have at least 32 characters")
	}
	sealer, err := newCookieSealer(c.CookieSecret)
	if err != nil {
		return nil, fmt.Errorf("supabase auth: %w", err)
	}
	jwks, err := newJWKSCache(base, c)
	if err != nil {
		return nil, err
	}
	client, err := supabase.NewClient(base, c.AnonKey, nil)
	if err != nil {
		return nil, fmt.Errorf("supabase auth: %w", err)
	}
	var secret []byte
	if c.JWTSecret != "" {
		secret = []byte(c.JWTSecret)
	}
	issuer := base + "/auth/v1"
	if c.IssuerSet {
		issuer = c.Issuer
	}
	return &SupabaseAccounts{
		auth:      client.Auth,
		base:      base,
		anonKey:   c.AnonKey,
		transport: http.DefaultTransport,
		timeout:   c.Timeout,
		verifier:  newSupabaseVerifier(issuer, secret, jwks, c.Now),
		sealer:    sealer,
		store:     c.Store,
		now:       c.Now,
		guard:     newGuard(c.Store, c.Now),
		refreshes: newRefreshFlight(c.Now),
		signOuts:  newSignOuts(c.Now),
		pinned:    c.PinnedTenant,
		policy:    orOpen(c.SignUp),
	}, nil
}

// newJWKSCache returns the key set c asks for, or nil when HS256 alone
// verifies tokens.
func newJWKSCache(base string, c SupabaseConfig) (*jwksCache, error) {
	u := c.JWKSURL
	if u == "" && c.JWTSecret != "" {
		return nil, nil
	}
	if u == "" {
		u = base + "/auth/v1/.well-known/jwks.json"
	}
	if err := checkSupabaseURL("SUPABASE_JWKS_URL", u); err != nil {
		return nil, err
	}
	header := http.Header{}
	if strings.HasPrefix(u, base+"/") {
		header.Set("apikey", c.AnonKey) // the project's gateway asks for it
	}
	return &jwksCache{url: u, header: header, client: &http.Client{}, now: c.Now}, nil
}

func checkSupabaseURL(name, v string) error {
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%s: %q is not an http(s) URL", name, v)
	}
	return nil
}

// SignUpOpen reports whether a stranger may create an organisation here
// now: never with TENANT_ID, and under SIGNUP=first only while the
// instance is empty.
func (s *SupabaseAccounts) SignUpOpen(ctx context.Context) bool {
	return signUpOpen(ctx, s.pinned, s.policy, s.store)
}

// SignUp creates a Supabase user with the organisation's name in its
// metadata, then, once Supabase Auth has issued a session, the interviewd
// user (with the Supabase user ID) and the organisation it owns. It answers
// ErrConfirmEmail when Supabase Auth wants the email confirmed first.
func (s *SupabaseAccounts) SignUp(ctx context.Context, in SignUpInput) (string, Principal, error) {
	if !s.SignUpOpen(ctx) {
		return "", Principal{}, errSignUpClosed
	}
	u := interview.User{Name: strings.TrimSpace(in.Name), Email: interview.NormalizeEmail(in.Email)}
	t := interview.Tenant{Name: strings.TrimSpace(in.Organisation)}
	if err := interview.JoinFields(t.Validate(), u.Validate(), passwordField(in.Password)); err != nil {
		return "", Principal{}, err
	}
	session, err := s.signUp(ctx, u.Email, in.Password, map[string]any{metaName: u.Name, metaOrganisation: t.Name})
	if err != nil {
		return "", Principal{}, err
	}
	return s.start(ctx, session)
}

// signUp creates a Supabase user and returns the session Supabase Auth
// issues at once, or ErrConfirmEmail when it wants the email confirmed
// first (then it issues none).
func (s *SupabaseAccounts) signUp(ctx context.Context, email, password string, meta map[string]any) (types.Session, error) {
	call, cancel := s.call(ctx)
	defer cancel()
	res, err := call.client(s.auth).Signup(types.SignupRequest{Email: email, Password: password, Data: meta})
	if err != nil {
		return types.Session{}, signUpError(call, err)
	}
	if res.Session.AccessToken == "" {
		return types.Session{}, ErrConfirmEmail
	}
	return res.Session, nil
}

// SignIn checks an email and password with Supabase Auth and starts a
// session in the user's first organisation (the pinned one, with
// TENANT_ID). The first sign-in of a Supabase user creates their interviewd
// user, and the organisation named at sign-up. Repeated failures for one
// email or one client address are throttled.
func (s *SupabaseAccounts) SignIn(ctx context.Context, email, password, clientIP string) (string, Principal, error) {
	session, err := s.signIn(ctx, interview.NormalizeEmail(email), password, clientIP)
	if err != nil {
		return "", Principal{}, err
	}
	return s.start(ctx, session)
}

// signIn checks an email and password with Supabase Auth and returns the
// session it issues. Refusals are throttled per email and client address;
// an unreachable Supabase Auth is no failed sign-in.
func (s *SupabaseAccounts) signIn(ctx context.Context, email, password, clientIP string) (types.Session, error) {
	at, err := s.guard.begin(ctx, email, clientIP)
	if err != nil {
		return types.Session{}, err
	}
	if email == "" || password == "" {
		return types.Session{}, errBadSignIn
	}
	call, cancel := s.call(ctx)
	defer cancel()
	res, err := call.client(s.auth).SignInWithEmailPassword(email, password)
	if err != nil {
		err, counted := signInError(call, err)
		switch {
		case counted:
		case errors.Is(err, ErrConfirmEmail):
			at.success() // the password was right
		default:
			at.cancel()
		}
		return types.Session{}, err
	}
	at.success()
	return res.Session, nil
}

// call starts a call to Supabase Auth bounded by the timeout.
func (s *SupabaseAccounts) call(ctx context.Context) (*gotrueCall, context.CancelFunc) {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	return &gotrueCall{ctx: ctx, base: s.transport}, cancel
}

// start turns a session Supabase Auth just issued into a cookie: it checks
// the access token like any other, provisions the user on first sight, and
// picks the organisation to work in.
func (s *SupabaseAccounts) start(ctx context.Context, session types.Session) (string, Principal, error) {
	c, err := s.issued(ctx, session)
	if err != nil {
		return "", Principal{}, err
	}
	u, err := s.provision(ctx, c, session.User.UserMetadata)
	if err != nil {
		return "", Principal{}, err
	}
	m, err := s.homeMembership(ctx, u.ID)
	if err != nil {
		return "", Principal{}, err
	}
	return s.seal(session, u, m, c)
}

// issued checks the access token of a session Supabase Auth just issued,
// like any other. When it fails, nothing is stored in interviewd and the
// session is logged out, so that the user is left as if this sign-in had
// not happened: once the settings are fixed, the same user signs in and
// is provisioned then, with the organisation named at sign-up.
func (s *SupabaseAccounts) issued(ctx context.Context, session types.Session) (supabaseClaims, error) {
	c, err := s.verifier.verify(ctx, session.AccessToken)
	if err == nil {
		return c, nil
	}
	s.logoutSession(ctx, session.AccessToken)
	if errors.Is(err, errJWKSUnavailable) {
		return c, fmt.Errorf("sign in: %w (%v)", errSupabaseDown, err)
	}
	return c, fmt.Errorf("sign in: Supabase Auth issued an access token that interviewd refuses: %s; %s: %w",
		reasonOf(err), settingHint(err), errSupabaseMismatch)
}

// errSupabaseMismatch answers a sign-in whose fresh access token fails
// verification: interviewd and Supabase Auth are configured differently.
// The person cannot fix it; the log says which setting to change.
var errSupabaseMismatch = interview.Errorf(interview.CodeUnavailable,
	"sign-in is unavailable: this server and its sign-in service are set up differently; tell the administrator (the server log says which setting)")

// reasonOf is the check a token failed.
func reasonOf(err error) string {
	if r, ok := errors.AsType[*tokenRefusal](err); ok {
		return r.reason
	}
	return err.Error()
}

// settingHint names the setting that makes interviewd refuse the tokens
// Supabase Auth issues, by the check that failed.
func settingHint(err error) string {
	var r *tokenRefusal
	switch {
	case !errors.As(err, &r):
	case r.issuer && r.iss == "":
		return "a self-hosted Supabase without GOTRUE_JWT_ISSUER needs SUPABASE_JWT_ISSUER= (empty)"
	case r.issuer:
		return fmt.Sprintf("set SUPABASE_JWT_ISSUER to the issuer Supabase Auth uses (GOTRUE_JWT_ISSUER), %s, or check SUPABASE_URL", quoteCut(r.iss))
	case strings.Contains(r.reason, "expired") || strings.Contains(r.reason, "before issued") || strings.Contains(r.reason, "not valid yet"):
		return "the clocks of this server and Supabase Auth disagree"
	}
	return "check SUPABASE_JWT_SECRET and SUPABASE_JWKS_URL against the project's JWT keys (Settings → JWT Keys)"
}

// seal returns the cookie of a session working in m's organisation.
func (s *SupabaseAccounts) seal(session types.Session, u interview.User, m interview.Membership, c supabaseClaims) (string, Principal, error) {
	token, err := s.sealer.seal(cookieSession{session.AccessToken, session.RefreshToken, m.TenantID})
	if err != nil {
		return "", Principal{}, fmt.Errorf("sign in: %w", err)
	}
	return token, s.principal(u, m, c), nil
}

// provision returns the interviewd user of a Supabase user, creating it on
// first sight, with the organisation named in its metadata when sign-up is
// open. An interviewd user with the same email but another ID (a built-in
// account) is never taken over.
func (s *SupabaseAccounts) provision(ctx context.Context, c supabaseClaims, meta map[string]any) (interview.User, error) {
	u, err := s.store.GetUser(ctx, c.Subject)
	if err == nil {
		return u, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return u, fmt.Errorf("sign in: %w", err)
	}
	// Whether this user may found an organisation is decided before the
	// user is stored, which makes the instance non-empty.
	found := s.SignUpOpen(ctx)
	u = interview.User{ID: c.Subject, Email: c.Email, Name: metaText(meta, metaName)}
	if err := s.store.CreateUser(ctx, &u); errors.Is(err, store.ErrConflict) {
		if again, err := s.store.GetUser(ctx, c.Subject); err == nil {
			return again, nil // a concurrent sign-in created it
		}
		return u, interview.Errorf(interview.CodeConflict, "another interviewd account uses the email %s; an administrator must remove it before it can sign in through Supabase", u.Email)
	} else if err != nil {
		return u, fmt.Errorf("sign in: create user: %w", err)
	}
	t := interview.Tenant{Name: metaText(meta, metaOrganisation)}
	if !found || t.Validate() != nil {
		return u, nil
	}
	if err := s.store.CreateTenant(ctx, &t, u.ID); err != nil {
		return u, fmt.Errorf("sign up: create organisation: %w", err)
	}
	return u, nil
}

// metaText returns a string of user metadata, cut to what a name may hold:
// the user can change their metadata in Supabase, so it is not trusted.
func metaText(meta map[string]any, key string) string {
	s, _ := meta[key].(string)
	s = strings.TrimSpace(s)
	if r := []rune(s); len(r) > 200 {
		s = string(r[:200])
	}
	return s
}

// homeMembership picks the organisation a new session works in.
func (s *SupabaseAccounts) homeMembership(ctx context.Context, userID string) (interview.Membership, error) {
	ms, err := s.store.ListMemberships(ctx, userID)
	if err != nil {
		return interview.Membership{}, fmt.Errorf("memberships: %w", err)
	}
	for _, m := range ms {
		if s.pinned == "" || m.TenantID == s.pinned {
			return m, nil
		}
	}
	return interview.Membership{}, interview.Errorf(interview.CodeForbidden, "your account is not a member of any organisation on this instance")
}
