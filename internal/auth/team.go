package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

// Invite creates an invitation for email to join p's organisation with
// role, and returns the token for its link. Only owners invite.
func (a *Accounts) Invite(ctx context.Context, p Principal, email string, role interview.Role) (string, interview.Invitation, error) {
	if !p.Role().CanManage() {
		return "", interview.Invitation{}, interview.Errorf(interview.CodeForbidden, "only owners can invite members")
	}
	email = interview.NormalizeEmail(email)
	var roleErr error
	if !role.Valid() {
		roleErr = interview.FieldErrorf("role", "unknown role %q", role)
	}
	if err := interview.JoinFields(interview.ValidateEmail(email), roleErr); err != nil {
		return "", interview.Invitation{}, err
	}
	token := NewToken(JoinTokenPrefix)
	now := a.now()
	inv := interview.Invitation{
		TenantID: p.Membership.TenantID, Email: email, Role: role, TokenHash: HashToken(token),
		InvitedBy: p.User.ID, CreatedAt: now, ExpiresAt: now.Add(InvitationTTL),
	}
	if err := a.store.CreateInvitation(ctx, &inv); err != nil {
		return "", interview.Invitation{}, fmt.Errorf("invite: %w", err)
	}
	return token, inv, nil
}

// SetRole changes a member's role. Only owners may, and the last owner
// cannot stop being one.
func (a *Accounts) SetRole(ctx context.Context, p Principal, userID string, role interview.Role) error {
	if !role.Valid() {
		return interview.Errorf(interview.CodeInvalid, "unknown role %q", role)
	}
	if err := a.checkOwnerChange(ctx, p, userID, role != interview.RoleOwner); err != nil {
		return err
	}
	return a.store.UpdateMemberRole(ctx, p.Membership.TenantID, userID, role)
}

// RemoveMember removes a member, revokes the API keys they created in the
// organisation and ends their logins, in one store transaction. Only owners
// may, and not the last owner. A Supabase session needs nothing more: it is
// refused at its next request because the membership is gone.
func (a *Accounts) RemoveMember(ctx context.Context, p Principal, userID string) error {
	if err := a.checkOwnerChange(ctx, p, userID, true); err != nil {
		return err
	}
	if err := a.store.RemoveMember(ctx, p.Membership.TenantID, userID); err != nil {
		return fmt.Errorf("remove member: %w", err)
	}
	return nil
}

// checkOwnerChange refuses non-owners, and refuses taking away the last
// owner of the organisation when losingOwner.
func (a *Accounts) checkOwnerChange(ctx context.Context, p Principal, userID string, losingOwner bool) error {
	if !p.Role().CanManage() {
		return interview.Errorf(interview.CodeForbidden, "only owners can change the team")
	}
	members, err := a.store.ListMembers(ctx, p.Membership.TenantID)
	if err != nil {
		return err
	}
	owners, target := 0, interview.Member{}
	for _, m := range members {
		if m.Role == interview.RoleOwner {
			owners++
		}
		if m.UserID == userID {
			target = m
		}
	}
	if target.UserID == "" {
		return interview.Errorf(interview.CodeNotFound, "no such member")
	}
	if losingOwner && target.Role == interview.RoleOwner && owners == 1 {
		return interview.Errorf(interview.CodeConflict, "an organisation needs at least one owner")
	}
	return nil
}

// CreateAPIKey makes a key for tenantID and returns it: it is shown once.
func (a *Accounts) CreateAPIKey(ctx context.Context, tenantID, name, createdBy string) (string, interview.APIKey, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		name = "API key"
	}
	if len(name) > 100 {
		return "", interview.APIKey{}, interview.Errorf(interview.CodeInvalid, "a key name must have at most 100 characters")
	}
	key, shown, hash := NewAPIKey()
	k := interview.APIKey{TenantID: tenantID, Name: name, Prefix: shown, Hash: hash, CreatedBy: createdBy, CreatedAt: a.now()}
	if err := a.store.CreateAPIKey(ctx, &k); err != nil {
		return "", interview.APIKey{}, fmt.Errorf("create API key: %w", err)
	}
	return key, k, nil
}

// AuthenticateAPIKey returns the active key a bearer token names. Unknown,
// malformed and revoked keys, and keys of other tenants when the instance is
// pinned, are all unauthorized.
func (a *Accounts) AuthenticateAPIKey(ctx context.Context, bearer string) (interview.APIKey, error) {
	bad := interview.Errorf(interview.CodeUnauthorized, "invalid or revoked API key")
	if !WellFormed(bearer, APIKeyPrefix) {
		return interview.APIKey{}, bad
	}
	k, err := a.store.GetAPIKeyByHash(ctx, HashToken(bearer))
	if errors.Is(err, store.ErrNotFound) {
		return interview.APIKey{}, bad
	} else if err != nil {
		return interview.APIKey{}, fmt.Errorf("authenticate API key: %w", err)
	}
	if !k.Active() || (a.pinned != "" && k.TenantID != a.pinned) {
		return interview.APIKey{}, bad
	}
	now := a.now()
	if k.LastUsedAt == nil || now.Sub(*k.LastUsedAt) > apiKeyTouchEvery {
		// Best effort: a failed touch must not fail the request.
		_ = a.store.TouchAPIKey(ctx, k.TenantID, k.ID, now)
	}
	return k, nil
}

// CreateOwner makes a user with a password and a new organisation they own,
// for the admin CLI. It works even when sign-up is closed. With TENANT_ID,
// an existing pinned organisation gains the user as an owner instead.
func (a *Accounts) CreateOwner(ctx context.Context, email, password, orgName string) (interview.User, interview.Tenant, error) {
	if a.pinned != "" {
		if existing, err := a.store.GetTenant(ctx, a.pinned); err == nil {
			return a.addOwner(ctx, existing, email, password)
		}
	}
	u, t, err := a.newOwner(ctx, "", email, password, orgName, false)
	if errors.Is(err, store.ErrConflict) {
		return u, t, errEmailTaken
	}
	return u, t, err
}

// addOwner makes a user with a password and an owner of the existing
// organisation t.
func (a *Accounts) addOwner(ctx context.Context, t interview.Tenant, email, password string) (interview.User, interview.Tenant, error) {
	u, err := a.newUser(ctx, "", email, password)
	if err != nil {
		return u, t, err
	}
	m := interview.Membership{TenantID: t.ID, UserID: u.ID, Role: interview.RoleOwner}
	return u, t, a.store.AddMember(ctx, &m)
}

// HomeTenant returns the organisation a user's new logins work in (the
// pinned one, with TENANT_ID), for the admin CLI.
func (a *Accounts) HomeTenant(ctx context.Context, email string) (string, error) {
	u, err := a.store.GetUserByEmail(ctx, interview.NormalizeEmail(email))
	if errors.Is(err, store.ErrNotFound) {
		return "", interview.Errorf(interview.CodeNotFound, "no user with email %s", email)
	} else if err != nil {
		return "", err
	}
	m, err := a.homeMembership(ctx, u.ID)
	return m.TenantID, err
}
