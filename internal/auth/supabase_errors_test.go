package auth

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/interviewd/interviewd/internal/auth/supabasetest"
	"github.com/interviewd/interviewd/internal/interview"
)

// Real Supabase Auth v2.196.0's answers (internal/api: token.go, signup.go,
// password.go, mail.go, errors.go, middleware.go; internal/tokens). It
// answers clients that name no API version, as gotrue-go, in this shape.
const (
	authInvalidCredentials = `{"code":400,"error_code":"invalid_credentials","msg":"Invalid login credentials"}`
	authNotConfirmed       = `{"code":400,"error_code":"email_not_confirmed","msg":"Email not confirmed"}`
	authLoginsOff          = `{"code":422,"error_code":"email_provider_disabled","msg":"Email logins are disabled"}`
	authSignupsOff         = `{"code":400,"error_code":"email_provider_disabled","msg":"Email signups are disabled"}`
	authSignupDisabled     = `{"code":422,"error_code":"signup_disabled","msg":"Signups not allowed for this instance"}`
	authUserExists         = `{"code":422,"error_code":"user_already_exists","msg":"User already registered"}`
	authRequestLimit       = `{"code":429,"error_code":"over_request_rate_limit","msg":"Request rate limit reached"}`
	authEmailQuota         = `{"code":429,"error_code":"over_email_send_rate_limit","msg":"email rate limit exceeded"}`
	authEmailTooSoon       = `{"code":429,"error_code":"over_email_send_rate_limit","msg":"For security purposes, you can only request this after 52 seconds."}`
	authWeakLength         = `{"code":422,"error_code":"weak_password","msg":"Password should be at least 12 characters.","weak_password":{"reasons":["length"]}}`
	authWeakCharacters     = `{"code":422,"error_code":"weak_password","msg":"Password should contain at least one character of each: abcdefghijklmnopqrstuvwxyz, ABCDEFGHIJKLMNOPQRSTUVWXYZ, 0123456789, !@#$%^&*()_+-=[]{};'\\:\"|<>?,./` + "`" + `~.","weak_password":{"reasons":["characters"]}}`
	authWeakPwned          = `{"code":422,"error_code":"weak_password","msg":"Password should be at least 12 characters. Password is known to be weak and easy to guess, please choose a different one.","weak_password":{"reasons":["length","pwned"]}}`
	authEmailFormat        = `{"code":400,"error_code":"validation_failed","msg":"Unable to validate email address: invalid format"}`
	authEmailInvalid       = `{"code":400,"error_code":"email_address_invalid","msg":"Email address \"ada@example.com\" is invalid"}`
	authRefreshReused      = `{"code":400,"error_code":"refresh_token_already_used","msg":"Invalid Refresh Token: Already Used"}`
	authNoSession          = `{"code":400,"error_code":"session_not_found","msg":"Invalid Refresh Token: No Valid Session Found"}`
)

// TestSupabaseAuthErrorMessages: each of Supabase Auth's refusals is told
// as what the person can do about it, at sign-in, sign-up, invitation
// acceptance and refresh; only a wrong email or password counts against
// the sign-in throttle.
func TestSupabaseAuthErrorMessages(t *testing.T) {
	const (
		signIn  = "token?grant_type=password"
		signUp  = "signup"
		refresh = "token?grant_type=refresh_token"
		invite  = "invite" // sign-in refused as unknown, then sign-up answers
	)
	cases := []struct {
		name, op, body string
		status         int
		code           interview.Code
		says           string // a part of the message
		field          string
		confirm        bool // errors.Is(err, ErrConfirmEmail)
		counted        bool // a failed attempt for the throttle
		log            string
	}{
		{"wrong password", signIn, authInvalidCredentials, 400, interview.CodeUnauthorized, "email or password is incorrect", "", false, true, ""},
		{"confirmation pending", signIn, authNotConfirmed, 400, interview.CodeForbidden, "check your inbox", "", true, false, ""},
		{"email provider off at sign-in", signIn, authLoginsOff, 422, interview.CodeUnavailable, "Authentication → Providers → Email", "", false, false, "Email logins are disabled"},
		{"rate limited at sign-in", signIn, authRequestLimit, 429, interview.CodeRateLimited, "wait a minute and try again", "", false, false, ""},
		{"email rate limited at sign-in", signIn, authEmailQuota, 429, interview.CodeRateLimited, "wait a minute and try again", "", false, false, ""},

		{"sign-up again within a minute", signUp, authEmailTooSoon, 429, interview.CodeForbidden, "check your inbox: a confirmation email was sent to this address less than a minute ago", "", true, false, ""},
		{"email quota spent", signUp, authEmailQuota, 429, interview.CodeRateLimited, "wait a while and try again", "", false, false, "Authentication → Rate Limits"},
		{"rate limited at sign-up", signUp, authRequestLimit, 429, interview.CodeRateLimited, "wait a minute and try again", "", false, false, ""},
		{"email provider off at sign-up", signUp, authSignupsOff, 400, interview.CodeUnavailable, "Authentication → Providers → Email", "", false, false, "Email signups are disabled"},
		{"sign-up off", signUp, authSignupDisabled, 422, interview.CodeForbidden, "sign-up is turned off", "", false, false, ""},
		{"email taken", signUp, authUserExists, 422, interview.CodeConflict, "already exists", "", false, false, ""},
		{"password too short", signUp, authWeakLength, 422, interview.CodeInvalid, "the password must have at least 12 characters here", "password", false, false, ""},
		{"password lacks kinds", signUp, authWeakCharacters, 422, interview.CodeInvalid, "at least one lower-case letter, upper-case letter, digit and symbol", "password", false, false, ""},
		{"password breached and short", signUp, authWeakPwned, 422, interview.CodeInvalid, "at least 12 characters here; this password is known from data breaches", "password", false, false, ""},
		{"email format", signUp, authEmailFormat, 400, interview.CodeInvalid, "does not accept this email address", "email", false, false, ""},
		{"email refused", signUp, authEmailInvalid, 400, interview.CodeInvalid, "does not accept this email address", "email", false, false, ""},

		{"invitee: email provider off", signIn + "+invite", authLoginsOff, 422, interview.CodeUnavailable, "Authentication → Providers → Email", "", false, false, ""},
		{"invitee: confirmation pending", signIn + "+invite", authNotConfirmed, 400, interview.CodeForbidden, "check your inbox", "", true, false, ""},
		{"invitee: sign-up again within a minute", invite, authEmailTooSoon, 429, interview.CodeForbidden, "check your inbox", "", true, true, ""},
		{"invitee: weak password", invite, authWeakLength, 422, interview.CodeInvalid, "at least 12 characters", "password", false, true, ""},
		{"invitee: rate limited", invite, authRequestLimit, 429, interview.CodeRateLimited, "wait a minute", "", false, true, ""},

		{"refresh token reused", refresh, authRefreshReused, 400, interview.CodeUnauthorized, "your session has ended", "", false, false, ""},
		{"session gone", refresh, authNoSession, 400, interview.CodeUnauthorized, "your session has ended", "", false, false, ""},
		{"rate limited at refresh", refresh, authRequestLimit, 429, interview.CodeRateLimited, "wait a minute", "", false, false, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newSupabaseEnv(t, supabasetest.HS256(), nil)
			ctx := t.Context()
			tok, owner := e.signUp(t, "Acme", "ada@example.com")
			answer := supabasetest.Answer{Status: c.status, Body: c.body}
			var err error
			switch c.op {
			case signIn:
				e.fake.Force(signIn, answer)
				_, _, err = e.acc.SignIn(ctx, "ada@example.com", testPassword, "ip")
			case signUp:
				e.fake.Force(signUp, answer)
				_, _, err = e.acc.SignUp(ctx, SignUpInput{Organisation: "Bobco", Email: "bob@example.com", Password: testPassword})
			case signIn + "+invite", invite:
				link := e.inviteAs(t, owner, "rae@example.com", interview.RoleViewer)
				route := signUp
				if c.op != invite {
					route = signIn
				}
				e.fake.Force(route, answer)
				_, _, err = e.acc.AcceptInvitation(ctx, link, AcceptInput{Name: "Rae", Password: testPassword, ClientIP: "ip"})
				if _, lerr := e.acc.Invitation(ctx, link); lerr != nil {
					t.Errorf("the invitation is no longer pending: %v", lerr)
				}
			case refresh:
				e.clock.Advance(2 * time.Hour)
				e.fake.Force(refresh, answer)
				_, _, err = e.acc.Refresh(ctx, tok)
			}
			wantCode(t, err, c.code)
			if msg := interview.ErrorMessage(err); !strings.Contains(msg, c.says) {
				t.Errorf("the person is told %q, want it to say %q", msg, c.says)
			}
			if f := interview.FieldOf(err); f != c.field {
				t.Errorf("field %q, want %q", f, c.field)
			}
			if errors.Is(err, ErrConfirmEmail) != c.confirm {
				t.Errorf("errors.Is(err, ErrConfirmEmail) = %v", !c.confirm)
			}
			if !strings.Contains(err.Error(), c.log) {
				t.Errorf("the log line %q does not say %q", err, c.log)
			}
			// The probe is one more attempt: 1 if none was left counted.
			want := 1
			if c.counted {
				want = 2
			}
			if n := probeAddress(t, e.acc.guard); n != want {
				t.Errorf("the address has %d attempts with the probe, want %d", n, want)
			}
			if c.op == signUp || c.op == invite {
				if _, err := e.store.GetUserByEmail(ctx, "bob@example.com"); !errors.Is(err, interview.ErrNotFound) {
					t.Errorf("a refused sign-up stored a user: %v", err)
				}
			}
		})
	}
}

// TestSupabaseProjectSettings: the stand-in in the modes of a project's
// settings, answering as the recordings of real Auth do.
func TestSupabaseProjectSettings(t *testing.T) {
	t.Run("confirm email, sign-up repeated", func(t *testing.T) {
		e := newSupabaseEnv(t, supabasetest.HS256(), nil)
		e.fake.RequireConfirmation()
		in := SignUpInput{Organisation: "Acme", Name: "Ada", Email: "ada@example.com", Password: testPassword}
		if _, _, err := e.acc.SignUp(t.Context(), in); err != ErrConfirmEmail {
			t.Fatalf("first sign-up: %v", err)
		}
		_, _, err := e.acc.SignUp(t.Context(), in)
		if !errors.Is(err, ErrConfirmEmail) || !strings.Contains(interview.ErrorMessage(err), "less than a minute ago") {
			t.Fatalf("sign-up again at once: %v", err)
		}
		e.clock.Advance(time.Minute + time.Second)
		if _, _, err := e.acc.SignUp(t.Context(), in); err != ErrConfirmEmail {
			t.Fatalf("sign-up a minute later: %v", err)
		}
	})
	t.Run("email provider off", func(t *testing.T) {
		e := newSupabaseEnv(t, supabasetest.HS256(), nil)
		e.signUp(t, "Acme", "ada@example.com")
		e.fake.DisableEmailProvider()
		for range signInFailLimit + 1 {
			_, _, err := e.acc.SignIn(t.Context(), "ada@example.com", testPassword, "ip")
			if !errors.Is(err, errEmailProviderOff) {
				t.Fatalf("sign-in: %v", err)
			}
		}
		_, _, err := e.acc.SignUp(t.Context(), SignUpInput{Organisation: "B", Email: "bob@example.com", Password: testPassword})
		if !errors.Is(err, errEmailProviderOff) {
			t.Fatalf("sign-up: %v", err)
		}
		if n := probeAddress(t, e.acc.guard); n != 1 {
			t.Errorf("%d attempts counted", n-1)
		}
	})
	t.Run("sign-up off", func(t *testing.T) {
		e := newSupabaseEnv(t, supabasetest.HS256(), nil)
		e.fake.DisableSignup()
		_, _, err := e.acc.SignUp(t.Context(), SignUpInput{Organisation: "Acme", Email: "ada@example.com", Password: testPassword})
		wantCode(t, err, interview.CodeForbidden)
	})
}

// FuzzSupabaseRefusal: whatever Supabase Auth answers, the message shown
// is short, one line, and never says more than the known sentences and
// Auth's message cut to 200 characters.
func FuzzSupabaseRefusal(f *testing.F) {
	for _, body := range []string{authWeakCharacters, authWeakPwned, authEmailTooSoon, authEmailQuota, authLoginsOff, authUserExists, `{"code":"weak_password","message":"x"}`, `not json`} {
		f.Add(422, body)
		f.Add(429, body)
	}
	f.Fuzz(func(t *testing.T, status int, body string) {
		call := &gotrueCall{status: status, body: []byte(body)}
		for _, err := range []error{signUpError(call, errors.New("cause")), func() error { err, _ := signInError(call, errors.New("cause")); return err }(), refreshError(call, errors.New("cause"))} {
			msg := interview.ErrorMessage(err)
			if len(msg) > 600 || strings.ContainsAny(msg, "\n\r") {
				t.Fatalf("status %d, body %q: message %q", status, body, msg)
			}
		}
	})
}
