package interview

import (
	"net/mail"
	"strings"
	"time"
)

// Tenant is an organisation: the unit of isolation. Every tenant-owned record
// carries its tenant's ID.
type Tenant struct {
	ID        string
	Name      string
	CreatedAt time.Time
	// Retention is how long the organisation keeps recordings and
	// transcripts; a new one gets DefaultRecordingRetentionDays and keeps
	// transcripts until deleted.
	Retention Retention
}

// Validate checks the fields a person types. The name is the field
// "organisation", as sign-up asks for it.
func (t Tenant) Validate() error {
	return checkText("organisation", "organisation name", t.Name, 1, 200)
}

// User is a person who signs in. Users are global; they reach tenants through
// memberships. With Supabase Auth the ID is the Supabase user ID.
type User struct {
	ID           string
	Email        string
	Name         string
	PasswordHash string // empty for users who sign in through Supabase
	CreatedAt    time.Time
}

// Validate checks the fields a person types, reporting every problem.
func (u User) Validate() error {
	return JoinFields(checkText("name", "name", u.Name, 0, 200), ValidateEmail(u.Email))
}

// Role is what a member may do within a tenant.
type Role string

// The roles, from most to least privileged.
const (
	RoleOwner     Role = "owner"
	RoleRecruiter Role = "recruiter"
	RoleViewer    Role = "viewer"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	return r == RoleOwner || r == RoleRecruiter || r == RoleViewer
}

// CanEdit reports whether r may create and change positions and interviews.
func (r Role) CanEdit() bool { return r == RoleOwner || r == RoleRecruiter }

// CanManage reports whether r may manage members, API keys and webhooks.
func (r Role) CanManage() bool { return r == RoleOwner }

// Membership links a user to a tenant with a role.
type Membership struct {
	TenantID  string
	UserID    string
	Role      Role
	CreatedAt time.Time
}

// NormalizeEmail lowercases and trims an address so that lookups match.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// ValidateEmail checks that s is a single plain address; the error is
// about the field "email".
func ValidateEmail(s string) error {
	if len(s) > 254 {
		return FieldErrorf("email", "email is too long")
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return FieldErrorf("email", "email %q is not a valid address", s)
	}
	return nil
}

// checkText reports an invalid-request error about field, which messages
// call label, when s is shorter than min or longer than max characters.
func checkText(field, label, s string, min, max int) error {
	n := len([]rune(strings.TrimSpace(s)))
	switch {
	case n < min && min == 1:
		return FieldErrorf(field, "%s is required", label)
	case n < min:
		return FieldErrorf(field, "%s must have at least %d characters", label, min)
	case len([]rune(s)) > max:
		return FieldErrorf(field, "%s must have at most %d characters", label, max)
	}
	return nil
}

// Member is a membership with the user it belongs to, for listing a team.
type Member struct {
	Membership
	Email string
	Name  string
}
