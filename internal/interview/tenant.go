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
}

// Validate checks the fields a person types.
func (t Tenant) Validate() error {
	return checkText("organisation name", t.Name, 1, 200)
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

// Validate checks the fields a person types.
func (u User) Validate() error {
	if err := ValidateEmail(u.Email); err != nil {
		return err
	}
	return checkText("name", u.Name, 0, 200)
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

// ValidateEmail checks that s is a single plain address.
func ValidateEmail(s string) error {
	if len(s) > 254 {
		return Errorf(CodeInvalid, "email is too long")
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return Errorf(CodeInvalid, "email %q is not a valid address", s)
	}
	return nil
}

// checkText reports an invalid-request error when s is shorter than min or
// longer than max characters.
func checkText(field, s string, min, max int) error {
	n := len([]rune(strings.TrimSpace(s)))
	switch {
	case n < min && min == 1:
		return Errorf(CodeInvalid, "%s is required", field)
	case n < min:
		return Errorf(CodeInvalid, "%s must have at least %d characters", field, min)
	case len([]rune(s)) > max:
		return Errorf(CodeInvalid, "%s must have at most %d characters", field, max)
	}
	return nil
}

// Member is a membership with the user it belongs to, for listing a team.
type Member struct {
	Membership
	Email string
	Name  string
}
