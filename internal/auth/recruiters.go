package auth

import (
	"context"

	"github.com/interviewd/interviewd/internal/interview"
)

// Recruiters is how the web layer signs recruiters up, in and out and
// recognises them on each request, whichever account system runs: built-in
// accounts (Accounts) or Supabase Auth (SupabaseAccounts). The token each
// method returns or takes is the value of the sign-in cookie; it is opaque to
// the caller.
//
// On each request call Authenticate. When it fails with ErrSessionExpired,
// call Refresh with the same token: on success, set the token Refresh
// returns as the new cookie value and carry on with its principal; on
// failure, clear the cookie and ask the user to sign in.
type Recruiters interface {
	// SignUpOpen reports whether a stranger may sign up here now (SIGNUP,
	// TENANT_ID), for pages and links; SignUp enforces it.
	SignUpOpen(ctx context.Context) bool
	// SignUp creates an account and an organisation it owns, and signs in.
	SignUp(ctx context.Context, in SignUpInput) (string, Principal, error)
	// SignIn checks an email and password and signs in, throttling failures.
	SignIn(ctx context.Context, email, password, clientIP string) (string, Principal, error)
	// Authenticate returns the principal of a cookie token. It does no
	// network call; ErrSessionExpired means Refresh may renew the token.
	Authenticate(ctx context.Context, token string) (Principal, error)
	// Refresh renews a token that Authenticate found expired and returns the
	// new cookie value with its principal.
	Refresh(ctx context.Context, token string) (string, Principal, error)
	// SignOut ends the session of a token; an unknown token is not an error.
	SignOut(ctx context.Context, token string) error
	// Invitees accepts invitation links with accounts of the same system.
	Invitees
}

var (
	_ Recruiters = (*Accounts)(nil)
	_ Recruiters = (*SupabaseAccounts)(nil)
)

// ErrSessionExpired means a sign-in cookie is genuine but its access token
// has expired: Refresh may renew it. It is an unauthorized error for callers
// that do not refresh (interview.ErrorCode reports CodeUnauthorized), and
// errors.Is tells it apart from every other unauthorized error.
var ErrSessionExpired error = &distinctError{&interview.Error{
	Code: interview.CodeUnauthorized, Message: "your session has expired; sign in again",
}}

// distinctError is a domain error that errors.Is matches only by identity,
// not by code as *interview.Error does, so that callers can single it out.
type distinctError struct{ err *interview.Error }

func (e *distinctError) Error() string { return e.err.Message }
func (e *distinctError) Unwrap() error { return e.err }

// Refresh returns token and its principal unchanged: a built-in login slides
// on the server at each Authenticate, so there is nothing to renew. It
// exists so that Accounts satisfies Recruiters.
func (a *Accounts) Refresh(ctx context.Context, token string) (string, Principal, error) {
	p, err := a.Authenticate(ctx, token)
	if err != nil {
		return "", Principal{}, err
	}
	return token, p, nil
}
