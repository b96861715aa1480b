package auth

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
)

const (
	// supabaseAudience is the aud of the access tokens Supabase Auth issues
	// to signed-in users.
	supabaseAudience = "authenticated"
	// maxAccessToken bounds the work spent on a token before any check.
	maxAccessToken = 8192
)

// errTokenExpired means an access token is genuine and valid in every way
// but its expiry: a refresh token may renew it.
var errTokenExpired = errors.New("access token expired")

// supabaseClaims are the claims interviewd reads from a Supabase access
// token. The subject is the Supabase user ID, which is also interviewd's
// user ID and what auth.uid() returns in the database.
type supabaseClaims struct {
	Email       string `json:"email"`
	Role        string `json:"role"`
	SessionID   string `json:"session_id"`
	IsAnonymous bool   `json:"is_anonymous"`
	jwt.RegisteredClaims
}

// Validate checks what the registered-claims validator does not: the token
// is a signed-in, non-anonymous user's, and its subject is a canonical UUID.
// The anon and service_role keys, which the same secret signs, fail here.
func (c supabaseClaims) Validate() error {
	id, err := uuid.Parse(c.Subject)
	if err != nil || id == uuid.Nil || id.String() != c.Subject {
		return errors.New("sub is not a user ID")
	}
	if c.Role != supabaseAudience || c.IsAnonymous {
		return errors.New("not a signed-in user's token")
	}
	return nil
}

// tokenRefusal is ErrBadToken (errors.Is holds) with the check that failed,
// for the log: a token Supabase Auth has just issued and interviewd refuses
// means the two are configured differently, and the operator needs to know
// which setting.
type tokenRefusal struct {
	reason string
	// issuer is set when the iss check failed; iss is then the token's.
	issuer bool
	iss    string
}

func (r *tokenRefusal) Error() string        { return "access token refused: " + r.reason }
func (r *tokenRefusal) Is(target error) bool { return target == ErrBadToken }

func refuse(format string, args ...any) error {
	return &tokenRefusal{reason: fmt.Sprintf(format, args...)}
}

// supabaseVerifier checks Supabase access tokens: HS256 with the project's
// JWT secret, and RS256 or ES256 with the keys of its JWKS, each key only
// with the one algorithm its type allows.
type supabaseVerifier struct {
	issuer  string     // the iss tokens must carry; empty: any or none
	secret  []byte     // nil: HS256 tokens are refused
	jwks    *jwksCache // nil: RS256 and ES256 tokens are refused
	methods []string
	now     func() time.Time
}

// newSupabaseVerifier returns a verifier of tokens issued by issuer; an
// empty issuer requires none, as a self-hosted Supabase Auth without
// GOTRUE_JWT_ISSUER sets none (the audience and role are still checked).
func newSupabaseVerifier(issuer string, secret []byte, jwks *jwksCache, now func() time.Time) *supabaseVerifier {
	v := &supabaseVerifier{issuer: issuer, secret: secret, jwks: jwks, now: now}
	if secret != nil {
		v.methods = append(v.methods, jwt.SigningMethodHS256.Alg())
	}
	if jwks != nil {
		v.methods = append(v.methods, jwt.SigningMethodRS256.Alg(), jwt.SigningMethodES256.Alg())
	}
	return v
}

// verify returns the claims of a valid access token. It fails with
// errTokenExpired when only the expiry is wrong, with errJWKSUnavailable
// when no keys could be had, and with ErrBadToken (a *tokenRefusal naming
// the check) otherwise.
func (v *supabaseVerifier) verify(ctx context.Context, token string) (supabaseClaims, error) {
	var c supabaseClaims
	if len(token) > maxAccessToken {
		return c, refuse("longer than %d bytes", maxAccessToken)
	}
	parser := jwt.NewParser(jwt.WithValidMethods(v.methods), jwt.WithoutClaimsValidation())
	if _, err := parser.ParseWithClaims(token, &c, v.keyFunc(ctx)); err != nil {
		if errors.Is(err, errJWKSUnavailable) {
			return supabaseClaims{}, errJWKSUnavailable
		}
		return supabaseClaims{}, refuse("%v", err)
	}
	if v.issuer != "" && c.Issuer != v.issuer {
		return supabaseClaims{}, &tokenRefusal{issuer: true, iss: c.Issuer,
			reason: fmt.Sprintf("iss is %s but interviewd expects %q", quoteCut(c.Issuer), v.issuer)}
	}
	err := v.validator(v.now).Validate(&c)
	if err == nil {
		return c, nil
	}
	if errors.Is(err, jwt.ErrTokenExpired) && c.ExpiresAt != nil {
		justBefore := func() time.Time { return c.ExpiresAt.Add(-time.Second) }
		if v.validator(justBefore).Validate(&c) == nil {
			return c, errTokenExpired
		}
	}
	return supabaseClaims{}, refuse("%v", err)
}

// quoteCut quotes a claim for the log, cut to what a log line can hold.
func quoteCut(s string) string {
	if len(s) > 200 {
		s = strings.ToValidUTF8(s[:200], "") + "…"
	}
	return strconv.Quote(s)
}

// validator checks audience and times as of at (verify has checked the
// issuer). supabaseClaims' own Validate runs too.
func (v *supabaseVerifier) validator(at func() time.Time) *jwt.Validator {
	return jwt.NewValidator(
		jwt.WithAudience(supabaseAudience),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(clockSkew),
		jwt.WithTimeFunc(at),
	)
}

// keyFunc picks the key for a token's algorithm. The parser has already
// refused algorithms outside v.methods; the key's type pins the algorithm
// again: HS256 only ever gets the secret, never a public key.
func (v *supabaseVerifier) keyFunc(ctx context.Context) jwt.Keyfunc {
	return func(t *jwt.Token) (any, error) {
		alg := t.Method.Alg()
		switch alg {
		case jwt.SigningMethodHS256.Alg():
			if v.secret == nil {
				return nil, errors.New("HS256 is not accepted")
			}
			return v.secret, nil
		case jwt.SigningMethodRS256.Alg(), jwt.SigningMethodES256.Alg():
			if v.jwks == nil {
				return nil, errors.New("no JWKS configured")
			}
			kid, _ := t.Header["kid"].(string)
			k, err := v.jwks.key(ctx, kid)
			if err != nil {
				return nil, err
			}
			if k.alg != alg {
				return nil, errors.New("algorithm does not match the key")
			}
			return k.public, nil
		}
		return nil, errors.New("algorithm not accepted")
	}
}
