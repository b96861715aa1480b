package interview

import "time"

// Login is a recruiter's signed-in browser session. The cookie holds a
// random token; only its hash is stored.
type Login struct {
	ID         string
	UserID     string
	TenantID   string // the organisation the user is working in
	TokenHash  string
	CreatedAt  time.Time
	ExpiresAt  time.Time
	LastSeenAt time.Time
}

// Invitation asks someone, by email, to join a tenant with a role. The link
// holds a random token; only its hash is stored.
type Invitation struct {
	ID         string
	TenantID   string
	Email      string
	Role       Role
	TokenHash  string
	InvitedBy  string // user ID
	CreatedAt  time.Time
	ExpiresAt  time.Time
	AcceptedAt *time.Time
	RevokedAt  *time.Time
}

// Prepare normalises the email and checks what every invitation needs
// before it is stored.
func (i *Invitation) Prepare() error {
	i.Email = NormalizeEmail(i.Email)
	if err := ValidateEmail(i.Email); err != nil {
		return err
	}
	if !i.Role.Valid() {
		return Errorf(CodeInvalid, "unknown role %q", i.Role)
	}
	if i.TokenHash == "" || i.ExpiresAt.IsZero() {
		return Errorf(CodeInvalid, "an invitation needs a token hash and an expiry")
	}
	return nil
}

// Usable reports whether the invitation can still be accepted at now.
func (i Invitation) Usable(now time.Time) bool {
	return i.AcceptedAt == nil && i.RevokedAt == nil && now.Before(i.ExpiresAt)
}

// IdempotentRequest remembers an API request made with an Idempotency-Key,
// so that a retry gets the first response instead of doing the work twice.
type IdempotentRequest struct {
	TenantID    string
	Key         string
	Fingerprint string // hash of method, path and body: a reused key with another request is refused
	Status      int    // 0 while the first request is still running
	Body        []byte
	CreatedAt   time.Time
}
