package auth

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"github.com/interviewd/interviewd/internal/interview"
)

// What the person sees for Supabase Auth's refusals (docs/supabase.md,
// "What people see"). The log keeps Supabase Auth's own answer.
var (
	// errEmailProviderOff answers email_provider_disabled. It is the
	// project's setting, not the person's mistake: no failed sign-in.
	errEmailProviderOff = interview.Errorf(interview.CodeUnavailable,
		"email sign-in is turned off in the Supabase project (Authentication → Providers → Email); tell the administrator")
	// errConfirmEmailSent answers a sign-up repeated within Supabase Auth's
	// minimum interval between two confirmation emails to one address
	// (over_email_send_rate_limit, "For security purposes…"): the first
	// email is on its way.
	errConfirmEmailSent error = &confirmEmailError{&interview.Error{Code: interview.CodeForbidden,
		Message: "check your inbox: a confirmation email was sent to this address less than a minute ago; confirm your address, then sign in (for another email, wait a minute and sign up again)"}}
	// errEmailQuota answers the project's own email quota being spent
	// (over_email_send_rate_limit, "email rate limit exceeded"): no email
	// was sent and nothing was created.
	errEmailQuota = interview.Errorf(interview.CodeRateLimited,
		"the sign-in service cannot send more emails just now; wait a while and try again")
	errSignUpOff = interview.Errorf(interview.CodeForbidden, "sign-up is turned off in Supabase Auth")
	errTaken     = interview.Errorf(interview.CodeConflict, "an account with this email already exists; sign in instead")
	errBadEmail  = &interview.FieldError{Field: "email", Err: &interview.Error{Code: interview.CodeInvalid,
		Message: "Supabase Auth does not accept this email address; check it, or use another"}}
)

// confirmEmailError is ErrConfirmEmail with a message of its own:
// errors.Is matches it with ErrConfirmEmail, so that every page that
// explains confirmation explains it for this error too.
type confirmEmailError struct{ err *interview.Error }

func (e *confirmEmailError) Error() string        { return e.err.Message }
func (e *confirmEmailError) Unwrap() error        { return e.err }
func (e *confirmEmailError) Is(target error) bool { return target == ErrConfirmEmail }

// signInError maps a failed password sign-in. counted reports whether it
// is a failed attempt for the throttle: only a refusal of the email and
// password is.
func signInError(call *gotrueCall, cause error) (err error, counted bool) {
	r, refused := call.refusal()
	switch {
	case !refused:
		return call.failed("sign in", cause), false
	case r.is([]string{"email_not_confirmed"}, "email not confirmed"):
		return ErrConfirmEmail, false
	case r.is([]string{"email_provider_disabled"}, "email logins are disabled"):
		return fmt.Errorf("supabase auth: sign in: %w (%s)", errEmailProviderOff, r), false
	}
	return errBadSignIn, true
}

// signUpError maps a failed sign-up.
func signUpError(call *gotrueCall, cause error) error {
	if call.status == http.StatusTooManyRequests {
		return signUpLimited(call, cause)
	}
	r, refused := call.refusal()
	switch {
	case !refused:
		return call.failed("sign up", cause)
	case r.is([]string{"user_already_exists", "email_exists"}, "already registered"):
		return errTaken
	case r.is([]string{"signup_disabled"}, "signups not allowed"):
		return errSignUpOff
	case r.is([]string{"email_provider_disabled"}, "email signups are disabled"):
		return fmt.Errorf("supabase auth: sign up: %w (%s)", errEmailProviderOff, r)
	case r.is([]string{"weak_password"}):
		return weakPassword(r)
	case r.is([]string{"email_address_invalid"}, "validate email address", "email address is invalid"):
		return errBadEmail
	}
	return interview.Errorf(interview.CodeInvalid, "sign-up refused: %s", r.shown())
}

// signUpLimited maps a sign-up's 429. over_email_send_rate_limit there
// comes in two kinds, told apart only by the message: the minimum
// interval between two emails to one address (a confirmation was sent to
// it already: check the inbox), and the project's email quota (none was).
func signUpLimited(call *gotrueCall, cause error) error {
	r := call.answer()
	switch {
	case r.code != "over_email_send_rate_limit":
		return call.failed("sign up", cause)
	case strings.Contains(strings.ToLower(r.msg), "email rate limit exceeded"):
		return fmt.Errorf("supabase auth: sign up: %w (%s; the project's email rate limit is spent: raise it, or set up SMTP, in Authentication → Rate Limits)", errEmailQuota, r)
	}
	return errConfirmEmailSent
}

// supabaseMinLength finds the minimum of weak_password's length message,
// "Password should be at least 6 characters.".
var supabaseMinLength = regexp.MustCompile(`at least (\d{1,4}) characters`)

// weakPassword turns weak_password's reasons into sentences; the password
// passed interviewd's own rules, so these are the project's stricter ones.
func weakPassword(r gotrueRefusal) error {
	var says []string
	for _, reason := range r.reasons {
		switch reason {
		case "length":
			if m := supabaseMinLength.FindStringSubmatch(r.msg); m != nil {
				says = append(says, "the password must have at least "+m[1]+" characters here")
			} else {
				says = append(says, "the password is too short for this Supabase project")
			}
		case "characters":
			says = append(says, "the password must contain at least one "+characterKinds(r.msg))
		case "pwned":
			says = append(says, "this password is known from data breaches (Have I Been Pwned), so it is easy to guess: choose another")
		}
	}
	msg := strings.Join(says, "; ")
	if msg == "" {
		msg = "the password is too weak for this Supabase project: " + r.shown()
	}
	return &interview.FieldError{Field: "password", Err: &interview.Error{Code: interview.CodeInvalid, Message: msg}}
}

// characterKinds names the kinds in weak_password's characters message,
// "Password should contain at least one character of each: abc…z,
// ABC…Z, 0123456789.", as "lower-case letter, upper-case letter and
// digit".
func characterKinds(msg string) string {
	_, sets, ok := strings.Cut(msg, "each: ")
	if !ok {
		return "character of each kind this Supabase project requires (lower-case and upper-case letters, digits, symbols)"
	}
	sets = strings.TrimSuffix(strings.TrimSpace(sets), ".")
	var kinds []string // each kind once: Auth's message is not trusted to be short
	for set := range strings.SplitSeq(sets, ", ") {
		if k := characterKind(set); !slices.Contains(kinds, k) {
			kinds = append(kinds, k)
		}
	}
	if len(kinds) == 1 {
		return kinds[0]
	}
	return strings.Join(kinds[:len(kinds)-1], ", ") + " and " + kinds[len(kinds)-1]
}

func characterKind(set string) string {
	is := func(f func(rune) bool) bool {
		return set != "" && strings.IndexFunc(set, func(r rune) bool { return !f(r) }) < 0
	}
	switch {
	case is(unicode.IsLower):
		return "lower-case letter"
	case is(unicode.IsUpper):
		return "upper-case letter"
	case is(unicode.IsDigit):
		return "digit"
	}
	return "symbol"
}

// refreshError maps a failed refresh: every refusal (the refresh token
// not found, already used past its reuse interval, its session gone) means
// the session has ended.
func refreshError(call *gotrueCall, cause error) error {
	if _, refused := call.refusal(); refused {
		return errSessionEnded
	}
	return call.failed("refresh", cause)
}
