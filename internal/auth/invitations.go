package auth

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

// Invitees is how someone holding an invitation link joins the organisation
// that invited them, with an account of the system that runs: built-in
// accounts (Accounts) or Supabase Auth (SupabaseAccounts). Recruiters
// includes it, so the web layer calls the same two methods in both modes.
type Invitees interface {
	// Invitation returns the usable invitation of a link's token. Any other
	// token (malformed, unknown, accepted, revoked, expired, another
	// organisation's on a pinned instance) gets the same not-found error.
	Invitation(ctx context.Context, token string) (interview.Invitation, error)
	// AcceptInvitation signs in the account of the invitation's email when
	// one exists (its password must match), or creates it with in's name and
	// password; then it makes them a member with the invited role, consumes
	// the invitation and signs them in in its organisation. It returns the
	// cookie token. The page asks the same whether or not an account
	// exists, so that a link tells nobody which emails have one.
	// ErrConfirmEmail means the account exists but its email must be
	// confirmed first: the invitation is still pending, and the same link
	// works afterwards.
	AcceptInvitation(ctx context.Context, token string, in AcceptInput) (string, Principal, error)
}

var (
	_ Invitees = (*Accounts)(nil)
	_ Invitees = (*SupabaseAccounts)(nil)
)

// AcceptInput is what an invitation page's one form sends. The account is
// always the invitation's email: an existing one signs in with Password, a
// new one is created with Name and Password.
type AcceptInput struct {
	Name     string // a new account's name; ignored for an existing one
	Password string
	ClientIP string // failed sign-ins are throttled per address, as SignIn does
}

// errInvitationNotFound answers every link that cannot be accepted, so that
// a guess learns nothing about which invitations exist.
var errInvitationNotFound = interview.Errorf(interview.CodeNotFound,
	"this invitation link is not valid; it may have expired or been revoked")

// usableInvitation finds the invitation of a link's token that can still
// be accepted at now, in the pinned tenant when pinned is set.
func usableInvitation(ctx context.Context, st store.Invitations, token, pinned string, now time.Time) (interview.Invitation, error) {
	if !WellFormed(token, JoinTokenPrefix) {
		return interview.Invitation{}, errInvitationNotFound
	}
	inv, err := st.GetInvitationByHash(ctx, HashToken(token))
	if errors.Is(err, store.ErrNotFound) {
		return interview.Invitation{}, errInvitationNotFound
	} else if err != nil {
		return interview.Invitation{}, fmt.Errorf("invitation: %w", err)
	}
	if !inv.Usable(now) || (pinned != "" && inv.TenantID != pinned) {
		return interview.Invitation{}, errInvitationNotFound
	}
	return inv, nil
}

// checkInvitee refuses an account whose email is not the invitation's: the
// invitation was sent to one address, and only its owner may use it.
func checkInvitee(inv interview.Invitation, email string) error {
	email = interview.NormalizeEmail(email)
	if email == inv.Email {
		return nil
	}
	if email == "" {
		email = "an account without an email address"
	}
	return interview.Errorf(interview.CodeForbidden,
		"this invitation is for the email %s, but you signed in as %s; use the account of %s, or ask an owner to invite %s",
		inv.Email, email, inv.Email, email)
}

// joinTenant consumes inv and makes userID a member with its role.
func joinTenant(ctx context.Context, st store.Invitations, inv interview.Invitation, userID string, now time.Time) (interview.Membership, error) {
	m, err := st.AcceptInvitation(ctx, inv.ID, userID, now)
	if errors.Is(err, store.ErrConflict) {
		return m, interview.Errorf(interview.CodeConflict, "this invitation was already used, or you are already a member")
	} else if err != nil {
		return m, fmt.Errorf("accept invitation: %w", err)
	}
	return m, nil
}

// Invitation returns the usable invitation of a link's token.
func (a *Accounts) Invitation(ctx context.Context, token string) (interview.Invitation, error) {
	return usableInvitation(ctx, a.store, token, a.pinned, a.now())
}

// AcceptInvitation makes the invitee a member and signs them in, with the
// built-in account of the invitation's email: signed in to when it exists,
// created otherwise.
func (a *Accounts) AcceptInvitation(ctx context.Context, token string, in AcceptInput) (string, Principal, error) {
	inv, err := a.Invitation(ctx, token)
	if err != nil {
		return "", Principal{}, err
	}
	u, err := a.invitee(ctx, inv, in)
	if err != nil {
		return "", Principal{}, err
	}
	m, err := joinTenant(ctx, a.store, inv, u.ID, a.now())
	if err != nil {
		return "", Principal{}, err
	}
	return a.newLogin(ctx, u, m)
}

// invitee returns the user of inv's email: an existing one when in's
// password is theirs, else a new one with in's name and password.
func (a *Accounts) invitee(ctx context.Context, inv interview.Invitation, in AcceptInput) (interview.User, error) {
	_, err := a.store.GetUserByEmail(ctx, inv.Email)
	switch {
	case err == nil:
		return a.checkPassword(ctx, inv.Email, in.Password, in.ClientIP)
	case errors.Is(err, store.ErrNotFound):
		at, err := a.guard.begin(ctx, inv.Email, in.ClientIP)
		if err != nil {
			return interview.User{}, err
		}
		u, err := a.newUser(ctx, in.Name, inv.Email, in.Password)
		at.endCreate(err)
		return u, err
	}
	return interview.User{}, fmt.Errorf("invitee: %w", err)
}

// checkPassword returns the built-in user of email if password is theirs.
// Failures are throttled per email and client address, and answered alike
// whether or not the email has an account (a dummy hash is checked when
// there is none, so the time says nothing either). SignIn and accepting an
// invitation with an existing account both use it.
func (a *Accounts) checkPassword(ctx context.Context, email, password, clientIP string) (interview.User, error) {
	at, err := a.guard.begin(ctx, email, clientIP)
	if err != nil {
		return interview.User{}, err
	}
	u, err := a.store.GetUserByEmail(ctx, email)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		at.cancel()
		return interview.User{}, fmt.Errorf("sign in: %w", err)
	}
	err = a.hashes.Verify(ctx, cmp.Or(u.PasswordHash, a.dummyHash), password)
	if errors.Is(err, ErrBusy) || ctx.Err() != nil {
		at.cancel()
		return interview.User{}, cmp.Or(ctx.Err(), err)
	}
	if err != nil || u.PasswordHash == "" {
		return interview.User{}, errBadSignIn
	}
	at.success()
	return u, nil
}
