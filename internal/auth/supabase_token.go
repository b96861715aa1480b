package auth

import (
	"context"
	"errors"
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

// supabaseVerifier checks Supabase access tokens: HS256 with the project's
// JWT secret, and RS256 or ES256 with the keys of its JWKS, each key only
// with the one algorithm its type allows.
type supabaseVerifier struct {
	issuer  string
	secret  []byte     // nil: HS256 tokens are refused
	jwks    *jwksCache // nil: RS256 and ES256 tokens are refused
	methods []string
	now     func() time.Time
}

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
// when no keys could be had, and with ErrBadToken otherwise.
func (v *supabaseVerifier) verify(ctx context.Context, token string) (supabaseClaims, error) {
	var c supabaseClaims
	if len(token) > maxAccessToken {
		return c, ErrBadToken
	}
	parser := jwt.NewParser(jwt.WithValidMethods(v.methods), jwt.WithoutClaimsValidation())
	if _, err := parser.ParseWithClaims(token, &c, v.keyFunc(ctx)); err != nil {
		if errors.Is(err, errJWKSUnavailable) {
			return supabaseClaims{}, errJWKSUnavailable
		}
		return supabaseClaims{}, ErrBadToken
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
	return supabaseClaims{}, ErrBadToken
}

// validator checks issuer, audience and times as of at. supabaseClaims'
// own Validate runs too.
func (v *supabaseVerifier) validator(at func() time.Time) *jwt.Validator {
	return jwt.NewValidator(
		jwt.WithIssuer(v.issuer),
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
