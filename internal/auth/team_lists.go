package auth

import (
	"context"

	"github.com/interviewd/interviewd/internal/interview"
)

// Members lists p's organisation, oldest member first.
func (a *Accounts) Members(ctx context.Context, p Principal) ([]interview.Member, error) {
	return a.store.ListMembers(ctx, p.Membership.TenantID)
}

// Invitations lists the pending invitations of p's organisation. Only
// owners see them.
func (a *Accounts) Invitations(ctx context.Context, p Principal) ([]interview.Invitation, error) {
	if !p.Role().CanManage() {
		return nil, interview.Errorf(interview.CodeForbidden, "only owners can see invitations")
	}
	return a.store.ListInvitations(ctx, p.Membership.TenantID)
}

// RevokeInvitation stops an invitation's link from working.
func (a *Accounts) RevokeInvitation(ctx context.Context, p Principal, id string) error {
	if !p.Role().CanManage() {
		return interview.Errorf(interview.CodeForbidden, "only owners can revoke invitations")
	}
	return a.store.RevokeInvitation(ctx, p.Membership.TenantID, id, a.now())
}

// APIKeys lists the keys of p's organisation. Only owners manage keys.
func (a *Accounts) APIKeys(ctx context.Context, p Principal) ([]interview.APIKey, error) {
	if !p.Role().CanManage() {
		return nil, interview.Errorf(interview.CodeForbidden, "only owners can manage API keys")
	}
	return a.store.ListAPIKeys(ctx, p.Membership.TenantID)
}

// NewAPIKey makes a key for p's organisation and returns it once.
func (a *Accounts) NewAPIKey(ctx context.Context, p Principal, name string) (string, interview.APIKey, error) {
	if !p.Role().CanManage() {
		return "", interview.APIKey{}, interview.Errorf(interview.CodeForbidden, "only owners can manage API keys")
	}
	return a.CreateAPIKey(ctx, p.Membership.TenantID, name, p.User.ID)
}

// RevokeAPIKey stops a key of p's organisation from working.
func (a *Accounts) RevokeAPIKey(ctx context.Context, p Principal, id string) error {
	if !p.Role().CanManage() {
		return interview.Errorf(interview.CodeForbidden, "only owners can manage API keys")
	}
	return a.store.RevokeAPIKey(ctx, p.Membership.TenantID, id, a.now())
}
