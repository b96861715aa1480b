package auth

import (
	"context"

	"github.com/interviewd/interviewd/internal/interview"
)

// errSignUpClosed is sign-up's answer when SIGNUP or TENANT_ID forbids it.
var errSignUpClosed = interview.Errorf(interview.CodeForbidden,
	"sign-up is closed on this instance; ask an owner of your organisation for an invitation")

// emptiness is the part of the store that tells whether anyone exists yet.
type emptiness interface {
	Empty(ctx context.Context) (bool, error)
}

// signUpOpen reports whether a stranger may sign up now under TENANT_ID
// (pinned) and SIGNUP (p). It is for pages and links: the store decides
// again, atomically, when the account is created. A store error counts as
// closed.
func signUpOpen(ctx context.Context, pinned string, p interview.SignUpPolicy, s emptiness) bool {
	switch {
	case pinned != "" || p == interview.SignUpClosed:
		return false
	case p == interview.SignUpOpen:
		return true
	}
	empty, err := s.Empty(ctx)
	return err == nil && empty
}

// orOpen is p, or SignUpOpen when p is empty: a service built without a
// policy (tests, embedders) keeps the old behaviour. interviewd itself
// always passes SIGNUP, whose default is first.
func orOpen(p interview.SignUpPolicy) interview.SignUpPolicy {
	if p == "" {
		return interview.SignUpOpen
	}
	return p
}
