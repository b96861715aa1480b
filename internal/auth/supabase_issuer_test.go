package auth

import (
	"errors"
	"strings"
	"testing"

	"github.com/interviewd/interviewd/internal/auth/supabasetest"
	"github.com/interviewd/interviewd/internal/interview"
)

// TestSupabaseSelfHostedIssuer: a self-hosted Supabase Auth without
// GOTRUE_JWT_ISSUER issues tokens with no iss. Expecting the hosted one,
// interviewd refuses them with an error that names SUPABASE_JWT_ISSUER
// and leaves nothing behind; with SUPABASE_JWT_ISSUER= (empty) the same
// user then signs in and gets the organisation named at sign-up.
func TestSupabaseSelfHostedIssuer(t *testing.T) {
	e := newSupabaseEnv(t, supabasetest.HS256(), nil)
	e.fake.WithoutIssuer()
	ctx := t.Context()

	_, _, err := e.acc.SignUp(ctx, SignUpInput{Organisation: "Acme", Name: "Ada", Email: "ada@example.com", Password: testPassword})
	wantCode(t, err, interview.CodeUnavailable)
	want := `iss is "" but interviewd expects "` + e.fake.URL() + `/auth/v1"; a self-hosted Supabase without GOTRUE_JWT_ISSUER needs SUPABASE_JWT_ISSUER= (empty)`
	if !strings.Contains(err.Error(), want) {
		t.Errorf("the log line %q\ndoes not say %q", err, want)
	}
	if msg := interview.ErrorMessage(err); !strings.Contains(msg, "administrator") || strings.Contains(msg, "iss") {
		t.Errorf("the person is told %q", msg)
	}
	if _, err := e.store.GetUserByEmail(ctx, "ada@example.com"); !errors.Is(err, interview.ErrNotFound) {
		t.Errorf("the refused user was stored: %v", err)
	}
	if n := e.fake.Count("logout"); n != 1 {
		t.Errorf("%d logouts of the refused session, want 1", n)
	}
	_, _, err = e.acc.SignIn(ctx, "ada@example.com", testPassword, "ip")
	wantCode(t, err, interview.CodeUnavailable)
	if !strings.Contains(err.Error(), "SUPABASE_JWT_ISSUER=") || e.fake.Count("logout") != 2 {
		t.Errorf("sign-in: %v, %d logouts", err, e.fake.Count("logout"))
	}

	// The operator sets SUPABASE_JWT_ISSUER= and the same user signs in.
	fixed := e.accounts(t, func(c *SupabaseConfig) { c.Issuer, c.IssuerSet = "", true })
	tok, p, err := fixed.SignIn(ctx, "ada@example.com", testPassword, "ip")
	if err != nil || p.Role() != interview.RoleOwner || p.User.Name != "Ada" || p.User.ID != e.fake.User("ada@example.com").ID {
		t.Fatalf("sign in after the fix: %+v, %v", p, err)
	}
	if tn, err := e.store.GetTenant(ctx, p.Membership.TenantID); err != nil || tn.Name != "Acme" {
		t.Fatalf("organisation %+v, %v", tn, err)
	}
	if _, err := fixed.Authenticate(ctx, tok); err != nil {
		t.Fatalf("authenticate: %v", err)
	}
}

// TestSupabaseIssuerSetting: SUPABASE_JWT_ISSUER set to a value requires
// exactly that value; the refusal names the iss that Supabase Auth uses.
func TestSupabaseIssuerSetting(t *testing.T) {
	e := newSupabaseEnv(t, supabasetest.HS256(), func(c *SupabaseConfig) {
		c.Issuer, c.IssuerSet = "http://auth.internal:9999", true
	})
	_, _, err := e.acc.SignUp(t.Context(), SignUpInput{Organisation: "Acme", Email: "ada@example.com", Password: testPassword})
	wantCode(t, err, interview.CodeUnavailable)
	want := `set SUPABASE_JWT_ISSUER to the issuer Supabase Auth uses (GOTRUE_JWT_ISSUER), "` + e.fake.Issuer() + `"`
	if !strings.Contains(err.Error(), want) {
		t.Errorf("the log line %q\ndoes not say %q", err, want)
	}
	right := e.accounts(t, func(c *SupabaseConfig) { c.Issuer = e.fake.Issuer() })
	if _, p, err := right.SignIn(t.Context(), "ada@example.com", testPassword, "ip"); err != nil || p.Role() != interview.RoleOwner {
		t.Fatalf("sign in with the right issuer: %+v, %v", p, err)
	}
}

// TestSupabaseRefusedTokenLeavesNothing: a token that fails verification
// for another reason (the project's keys are not those configured) is the
// same unavailable error, naming the key settings, and is logged out.
func TestSupabaseRefusedTokenLeavesNothing(t *testing.T) {
	e := newSupabaseEnv(t, supabasetest.HS256(), func(c *SupabaseConfig) {
		c.JWTSecret = strings.Repeat("not the project's secret ", 2)
	})
	_, _, err := e.acc.SignUp(t.Context(), SignUpInput{Organisation: "Acme", Email: "ada@example.com", Password: testPassword})
	wantCode(t, err, interview.CodeUnavailable)
	if !strings.Contains(err.Error(), "SUPABASE_JWT_SECRET") || !strings.Contains(err.Error(), "signature is invalid") {
		t.Errorf("log line %q", err)
	}
	if _, err := e.store.GetUserByEmail(t.Context(), "ada@example.com"); !errors.Is(err, interview.ErrNotFound) {
		t.Errorf("the refused user was stored: %v", err)
	}
	if n := e.fake.Count("logout"); n != 1 {
		t.Errorf("%d logouts of the refused session, want 1", n)
	}
}
