package auth

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

// Lifetimes of the credentials Accounts hands out.
const (
	LoginTTL         = 7 * 24 * time.Hour // sliding: each use extends it
	loginTouchEvery  = time.Hour          // how stale LastSeenAt may get before a write
	InvitationTTL    = 7 * 24 * time.Hour
	apiKeyTouchEvery = time.Minute
)

// accountStore is the part of the store Accounts uses.
type accountStore interface {
	store.Users
	store.Tenants
	store.Logins
	store.Invitations
	store.APIKeys
	store.Throttles
}

// Accounts signs recruiters up and in, keeps their sessions, invites team
// members and manages API keys, all with built-in accounts.
type Accounts struct {
	store  accountStore
	now    func() time.Time
	guard  *guard
	hashes *PasswordPool
	// pinned is TENANT_ID: when set, only that tenant's members, keys and
	// invitations are accepted, and sign-up is closed.
	pinned string
	// signUp is SIGNUP: who may create an organisation by signing up.
	signUp interview.SignUpPolicy
	// dummyHash is verified against when an email is unknown, so that a
	// sign-in takes as long whether or not the account exists.
	dummyHash string
}

// AccountsConfig configures NewAccounts.
type AccountsConfig struct {
	Store        accountStore
	Now          func() time.Time // nil means time.Now
	PinnedTenant string
	SignUp       interview.SignUpPolicy // SIGNUP; empty means open
	Passwords    *PasswordPool          // nil means DefaultPasswordPool
}

// NewAccounts returns the built-in account service.
func NewAccounts(c AccountsConfig) (*Accounts, error) {
	if c.Now == nil {
		c.Now = time.Now
	}
	dummy, err := HashPassword("not a real password, only for timing")
	if err != nil {
		return nil, err
	}
	return &Accounts{
		store:     c.Store,
		now:       c.Now,
		guard:     newGuard(c.Store, c.Now),
		hashes:    cmp.Or(c.Passwords, DefaultPasswordPool()),
		pinned:    c.PinnedTenant,
		signUp:    orOpen(c.SignUp),
		dummyHash: dummy,
	}, nil
}

// Principal is a signed-in recruiter working in one organisation.
type Principal struct {
	User       interview.User
	Membership interview.Membership
	Login      interview.Login
}

// Role is the principal's role in the organisation it works in.
func (p Principal) Role() interview.Role { return p.Membership.Role }

// SignUpInput is what the sign-up form asks for.
type SignUpInput struct {
	Organisation string
	Name         string
	Email        string
	Password     string
	ClientIP     string // attempts are throttled per address, as SignIn does
}

// SignUpOpen reports whether a stranger may create an organisation here
// now: never with TENANT_ID, and under SIGNUP=first only while the
// instance is empty.
func (a *Accounts) SignUpOpen(ctx context.Context) bool {
	return signUpOpen(ctx, a.pinned, a.signUp, a.store)
}

// SignUp creates a user, an organisation it owns, and a login, storing the
// user and the organisation together or not at all. It returns the login's
// cookie token.
func (a *Accounts) SignUp(ctx context.Context, in SignUpInput) (string, Principal, error) {
	if a.pinned != "" || a.signUp == interview.SignUpClosed {
		return "", Principal{}, errSignUpClosed
	}
	at, err := a.guard.begin(ctx, interview.NormalizeEmail(in.Email), in.ClientIP)
	if err != nil {
		return "", Principal{}, err
	}
	u, t, err := a.newOwner(ctx, in.Name, in.Email, in.Password, in.Organisation, a.signUp != interview.SignUpOpen)
	at.endCreate(err)
	if errors.Is(err, store.ErrConflict) {
		return "", Principal{}, errSignUpRefused
	} else if errors.Is(err, store.ErrNotEmpty) {
		return "", Principal{}, errSignUpClosed
	} else if err != nil {
		return "", Principal{}, err
	}
	m := interview.Membership{TenantID: t.ID, UserID: u.ID, Role: interview.RoleOwner, CreatedAt: t.CreatedAt}
	return a.newLogin(ctx, u, m)
}

// errSignUpRefused is sign-up's answer for a taken email. It does not say
// that an account exists, so that sign-up cannot tell who has one, and it
// names no field (docs/security.md, "Sign-up").
var errSignUpRefused = interview.Errorf(interview.CodeInvalid,
	"we could not create an account with these details; check them and try again, or sign in if you already have an account")

// newOwner validates a user and an organisation, then stores both with the
// user as owner in one transaction. A taken email is store.ErrConflict,
// for the caller to word.
// With first, it stores them only on an empty instance (store.ErrNotEmpty).
func (a *Accounts) newOwner(ctx context.Context, name, email, password, org string, first bool) (interview.User, interview.Tenant, error) {
	t := interview.Tenant{ID: a.pinned, Name: strings.TrimSpace(org)}
	u, err := newUserValue(ctx, a.hashes, name, email, password, t.Validate())
	if err != nil {
		return u, t, err
	}
	create := a.store.CreateUserWithTenant
	if first {
		create = a.store.CreateFirstUserWithTenant
	}
	if err := create(ctx, &u, &t); err != nil {
		return u, t, fmt.Errorf("create owner: %w", err)
	}
	return u, t, nil
}

// errEmailTaken is newUser's and the admin CLI's answer for a taken email;
// sign-up answers errSignUpRefused instead, which does not say so.
var errEmailTaken = interview.Errorf(interview.CodeConflict, "an account with this email already exists; sign in instead")

// newUser validates and stores a user with a password.
func (a *Accounts) newUser(ctx context.Context, name, email, password string) (interview.User, error) {
	u, err := newUserValue(ctx, a.hashes, name, email, password)
	if err != nil {
		return u, err
	}
	if err := a.store.CreateUser(ctx, &u); errors.Is(err, store.ErrConflict) {
		return u, errEmailTaken
	} else if err != nil {
		return u, fmt.Errorf("create user: %w", err)
	}
	return u, nil
}

// newUserValue validates a user's fields and password and hashes the
// password, writing nothing. It reports every problem at once, after
// those of before (the other fields of the same form, e.g. sign-up's
// organisation).
func newUserValue(ctx context.Context, hashes *PasswordPool, name, email, password string, before ...error) (interview.User, error) {
	u := interview.User{Name: strings.TrimSpace(name), Email: interview.NormalizeEmail(email)}
	if err := interview.JoinFields(append(before, u.Validate(), passwordField(password))...); err != nil {
		return u, err
	}
	hash, err := hashes.Hash(ctx, password)
	if err != nil {
		return u, err
	}
	u.PasswordHash = hash
	return u, nil
}

// errBadSignIn is the one answer to every failed sign-in, so that it does
// not reveal whether an email has an account.
var errBadSignIn = interview.Errorf(interview.CodeUnauthorized, "email or password is incorrect")

// SignIn checks an email and password and starts a login in the user's
// first organisation (the pinned one, with TENANT_ID). Repeated failures for
// one email or one client address are throttled.
func (a *Accounts) SignIn(ctx context.Context, email, password, clientIP string) (string, Principal, error) {
	u, err := a.checkPassword(ctx, interview.NormalizeEmail(email), password, clientIP)
	if err != nil {
		return "", Principal{}, err
	}
	m, err := a.homeMembership(ctx, u.ID)
	if err != nil {
		return "", Principal{}, err
	}
	return a.newLogin(ctx, u, m)
}

// homeMembership picks the organisation a new login works in.
func (a *Accounts) homeMembership(ctx context.Context, userID string) (interview.Membership, error) {
	ms, err := a.store.ListMemberships(ctx, userID)
	if err != nil {
		return interview.Membership{}, fmt.Errorf("memberships: %w", err)
	}
	for _, m := range ms {
		if a.pinned == "" || m.TenantID == a.pinned {
			return m, nil
		}
	}
	return interview.Membership{}, interview.Errorf(interview.CodeForbidden, "your account is not a member of any organisation on this instance")
}

func (a *Accounts) newLogin(ctx context.Context, u interview.User, m interview.Membership) (string, Principal, error) {
	token := NewToken(SessionTokenPrefix)
	now := a.now()
	l := interview.Login{
		UserID: u.ID, TenantID: m.TenantID, TokenHash: HashToken(token),
		CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(LoginTTL),
	}
	if err := a.store.CreateLogin(ctx, &l); err != nil {
		return "", Principal{}, fmt.Errorf("create login: %w", err)
	}
	return token, Principal{User: u, Membership: m, Login: l}, nil
}

// Authenticate returns the principal of a login cookie's token, sliding
// its expiry. A removed member's or an expired login is refused.
func (a *Accounts) Authenticate(ctx context.Context, token string) (Principal, error) {
	if !WellFormed(token, SessionTokenPrefix) {
		return Principal{}, interview.ErrUnauthorized
	}
	l, err := a.store.GetLoginByHash(ctx, HashToken(token))
	if errors.Is(err, store.ErrNotFound) {
		return Principal{}, interview.ErrUnauthorized
	} else if err != nil {
		return Principal{}, fmt.Errorf("authenticate: %w", err)
	}
	now := a.now()
	if !now.Before(l.ExpiresAt) || (a.pinned != "" && l.TenantID != a.pinned) {
		return Principal{}, interview.ErrUnauthorized
	}
	u, err := a.store.GetUser(ctx, l.UserID)
	if err != nil {
		return Principal{}, interview.ErrUnauthorized
	}
	m, err := a.store.GetMembership(ctx, l.TenantID, l.UserID)
	if err != nil {
		return Principal{}, interview.ErrUnauthorized
	}
	if now.Sub(l.LastSeenAt) > loginTouchEvery {
		l.LastSeenAt, l.ExpiresAt = now, now.Add(LoginTTL)
		if err := a.store.TouchLogin(ctx, l.ID, l.LastSeenAt, l.ExpiresAt); err != nil {
			return Principal{}, fmt.Errorf("authenticate: %w", err)
		}
	}
	return Principal{User: u, Membership: m, Login: l}, nil
}

// SignOut ends the login of token; an unknown token is not an error.
func (a *Accounts) SignOut(ctx context.Context, token string) error {
	if !WellFormed(token, SessionTokenPrefix) {
		return nil
	}
	l, err := a.store.GetLoginByHash(ctx, HashToken(token))
	if errors.Is(err, store.ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	return a.store.DeleteLogin(ctx, l.ID)
}
