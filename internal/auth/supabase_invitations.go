package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/supabase-community/gotrue-go/types"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

// Invitation returns the usable invitation of a link's token.
func (s *SupabaseAccounts) Invitation(ctx context.Context, token string) (interview.Invitation, error) {
	return usableInvitation(ctx, s.store, token, s.pinned, s.now())
}

// AcceptInvitation signs the invitee in to Supabase Auth with the
// invitation's email, or, when that has no account there, signs them up
// with it; then it makes the Supabase user a member with the invited role,
// consumes the invitation and seals the cookie for its organisation. When
// Supabase Auth wants the email confirmed first it answers ErrConfirmEmail
// and nothing changes in interviewd: after confirming, the invitee opens
// the same link and signs in.
func (s *SupabaseAccounts) AcceptInvitation(ctx context.Context, token string, in AcceptInput) (string, Principal, error) {
	inv, err := s.Invitation(ctx, token)
	if err != nil {
		return "", Principal{}, err
	}
	session, err := s.inviteeSession(ctx, inv, in)
	if err != nil {
		return "", Principal{}, err
	}
	c, err := s.issued(ctx, session)
	if err != nil {
		return "", Principal{}, err
	}
	// Before the user is provisioned: someone else's account is not made an
	// interviewd user by a link that was not sent to them.
	if err := checkInvitee(inv, c.Email); err != nil {
		s.logoutSession(ctx, session.AccessToken) // a session nobody will use
		return "", Principal{}, err
	}
	u, err := s.provision(ctx, c, session.User.UserMetadata)
	if err != nil {
		return "", Principal{}, err
	}
	m, err := joinTenant(ctx, s.store, inv, u.ID, s.now())
	if err != nil {
		return "", Principal{}, err
	}
	return s.seal(session, u, m, c)
}

// inviteeSession signs in to the Supabase account of inv's email, or signs
// it up when there is none. Only Supabase Auth knows whether there is one:
// a refused sign-in is followed by a sign-up, unless interviewd already
// has the user, and a sign-up refused because the email is taken is a
// wrong password.
func (s *SupabaseAccounts) inviteeSession(ctx context.Context, inv interview.Invitation, in AcceptInput) (types.Session, error) {
	session, err := s.signIn(ctx, inv.Email, in.Password, in.ClientIP)
	if !errors.Is(err, errBadSignIn) {
		return session, err
	}
	if _, err := s.store.GetUserByEmail(ctx, inv.Email); err == nil {
		return types.Session{}, errBadSignIn
	} else if !errors.Is(err, store.ErrNotFound) {
		return types.Session{}, fmt.Errorf("invitee: %w", err)
	}
	session, err = s.signUpInvitee(ctx, inv, in)
	var de *interview.Error
	if errors.As(err, &de) && de.Code == interview.CodeConflict {
		return types.Session{}, errBadSignIn
	}
	return session, err
}

// signUpInvitee creates the invitee's Supabase user with the invitation's
// email. Its metadata names no organisation, so none is created for it.
func (s *SupabaseAccounts) signUpInvitee(ctx context.Context, inv interview.Invitation, in AcceptInput) (types.Session, error) {
	u := interview.User{Name: strings.TrimSpace(in.Name), Email: inv.Email}
	if err := u.Validate(); err != nil {
		return types.Session{}, err
	}
	if err := CheckPasswordRules(in.Password); err != nil {
		return types.Session{}, interview.Errorf(interview.CodeInvalid, "%s", err)
	}
	return s.signUp(ctx, u.Email, in.Password, map[string]any{metaName: u.Name})
}
