package store

import (
	"context"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
)

// Logins stores recruiters' sign-in sessions, found by the hash of the
// cookie's token. They are the server's business: on PostgreSQL only the
// privileged path reaches them, and through As every method is ErrForbidden.
type Logins interface {
	// CreateLogin stores l, filling ID, CreatedAt and LastSeenAt when zero;
	// ExpiresAt and TokenHash are required (ErrInvalid). ErrNotFound if the
	// user or the tenant does not exist, ErrConflict if the hash is taken.
	CreateLogin(ctx context.Context, l *interview.Login) error
	// GetLoginByHash returns the login whose token hashes to hash, expired
	// or not; callers check ExpiresAt.
	GetLoginByHash(ctx context.Context, hash string) (interview.Login, error)
	// TouchLogin slides a login's expiry and records when it was last seen.
	TouchLogin(ctx context.Context, id string, seen, expiresAt time.Time) error
	// SwitchLoginTenant changes the organisation a login works in; the user
	// must be a member of it, or ErrNotFound.
	SwitchLoginTenant(ctx context.Context, id, tenantID string) error
	// DeleteLogin signs one login out; ErrNotFound if there is no such login.
	DeleteLogin(ctx context.Context, id string) error
	// DeleteUserLogins signs a user out everywhere (password change,
	// removal). A user with no logins is not an error.
	DeleteUserLogins(ctx context.Context, userID string) error
	// DeleteExpiredLogins deletes the logins of every tenant whose ExpiresAt
	// is at or before now (the moment sign-in stops accepting them) and
	// returns how many it deleted; none is not an error. It is a server
	// job's: on PostgreSQL, through As, it is ErrForbidden, like every
	// Logins method.
	DeleteExpiredLogins(ctx context.Context, now time.Time) (int64, error)
}

// Invitations stores invitations to join a tenant.
type Invitations interface {
	// CreateInvitation stores inv with its email normalised, filling ID and
	// CreatedAt. A bad email or role, or no hash, is ErrInvalid.
	CreateInvitation(ctx context.Context, inv *interview.Invitation) error
	// ListInvitations returns a tenant's invitations not yet accepted or
	// revoked (expired ones included), newest first.
	ListInvitations(ctx context.Context, tenantID string) ([]interview.Invitation, error)
	// GetInvitationByHash finds an invitation in any tenant by its token's
	// hash: the link is all the invitee has.
	GetInvitationByHash(ctx context.Context, hash string) (interview.Invitation, error)
	// AcceptInvitation marks the invitation accepted and makes userID a
	// member with its role, atomically. ErrConflict if it was already
	// accepted or revoked, or the user is already a member; then nothing
	// changes. Expiry is the caller's check, as for logins.
	AcceptInvitation(ctx context.Context, id, userID string, at time.Time) (interview.Membership, error)
	// RevokeInvitation revokes an invitation; revoking twice keeps the
	// first time.
	RevokeInvitation(ctx context.Context, tenantID, id string, at time.Time) error
	// DeleteExpiredInvitations deletes the invitations of every tenant whose
	// ExpiresAt is strictly before before, pending, accepted or revoked
	// alike (a deleted link is as invalid as an expired one), and returns
	// how many it deleted; none is not an error. It is a server job's: on
	// PostgreSQL, through As, it is ErrForbidden and deletes nothing.
	DeleteExpiredInvitations(ctx context.Context, before time.Time) (int64, error)
}

// Idempotency stores API requests made with an Idempotency-Key.
type Idempotency interface {
	// ReserveIdempotencyKey records that req.Key is being used for the
	// request req.Fingerprint describes, with status 0 and no body, filling
	// CreatedAt. If the key is already recorded for the tenant it returns
	// the stored record and ErrConflict, and stores nothing: of concurrent
	// reservations of one key, exactly one succeeds.
	ReserveIdempotencyKey(ctx context.Context, req *interview.IdempotentRequest) (interview.IdempotentRequest, error)
	// CompleteIdempotencyKey stores the response of a reserved key.
	CompleteIdempotencyKey(ctx context.Context, tenantID, key string, status int, body []byte) error
	// ReleaseIdempotencyKey forgets a reserved key whose request failed
	// before doing anything, so that a retry may run.
	ReleaseIdempotencyKey(ctx context.Context, tenantID, key string) error
	// DeleteIdempotencyKeys forgets the keys of every tenant whose CreatedAt
	// is strictly before before, completed or still reserved alike, so that
	// a later request with such a key runs again; it returns how many it
	// deleted, and none is not an error. It is a server job's: on
	// PostgreSQL, through As, it is ErrForbidden and deletes nothing.
	DeleteIdempotencyKeys(ctx context.Context, before time.Time) (int64, error)
}
