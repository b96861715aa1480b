package supabasetest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
)

// emailFormat is the address format Auth accepts (that of
// github.com/badoux/checkmail, which it uses).
var emailFormat = regexp.MustCompile("^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$")

type signupRequest struct {
	Email    string         `json:"email"`
	Password string         `json:"password"`
	Data     map[string]any `json:"data"`
}

// signup registers a user, checking in Auth's order: sign-up is on, the
// password, the email provider is on, the address. With confirmation off it
// answers a session; with it on, the user, and mails a link at most once a
// minute per address.
func (f *GoTrue) signup(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.noSignup {
		f.refuse(w, 422, "signup_disabled", "Signups not allowed for this instance")
		return
	}
	var in signupRequest
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		f.refuse(w, 400, "bad_json", "Could not parse request body as JSON: "+err.Error())
		return
	}
	if f.refusePassword(w, in.Password) || f.refuseEmail(w, in.Email) {
		return
	}
	u := f.users[normalEmail(in.Email)]
	switch {
	case u == nil:
		u = f.newUser(in.Email, in.Password, in.Data)
	case !u.confirmed.IsZero() && f.confirm:
		f.reply(w, 200, f.madeUpUser(in.Email, in.Data))
		return
	case !u.confirmed.IsZero():
		f.refuse(w, 422, "user_already_exists", "User already registered")
		return
	}
	if f.confirm {
		f.mailConfirmation(w, u)
		return
	}
	u.confirmed, u.verified = f.now(), true
	_, rt := f.newSession(u)
	f.reply(w, 200, f.sessionJSON(rt, false))
}

// mailConfirmation sends u the confirmation link, unless one was sent less
// than a minute ago, and answers u. f.mu is held.
func (f *GoTrue) mailConfirmation(w http.ResponseWriter, u *User) {
	if next := u.mailed.Add(mailEvery); !u.mailed.IsZero() && next.After(f.now()) {
		f.refuse(w, 429, "over_email_send_rate_limit",
			fmt.Sprintf("For security purposes, you can only request this after %d seconds.", next.Sub(f.now())/1e9))
		return
	}
	u.mailed = f.now()
	f.reply(w, 200, u.userJSON(false))
}

// refusePassword answers Auth's refusal of a password that breaks its
// default rules, and reports whether it did.
func (f *GoTrue) refusePassword(w http.ResponseWriter, password string) bool {
	switch {
	case password == "":
		f.refuse(w, 400, "validation_failed", "Signup requires a valid password")
	case len(password) > maxPasswordLen:
		f.refuse(w, 400, "validation_failed", fmt.Sprintf("Password cannot be longer than %d characters", maxPasswordLen))
	case len(password) < minPasswordLen:
		f.reply(w, 422, map[string]any{"code": 422, "error_code": "weak_password",
			"msg":           fmt.Sprintf("Password should be at least %d characters.", minPasswordLen),
			"weak_password": map[string]any{"reasons": []string{"length"}}})
	default:
		return false
	}
	return true
}

// refuseEmail answers Auth's refusal to sign up an address, or any address
// when the email provider is off, and reports whether it did.
func (f *GoTrue) refuseEmail(w http.ResponseWriter, email string) bool {
	switch {
	case f.noEmail:
		f.refuse(w, 400, "email_provider_disabled", "Email signups are disabled")
	case email == "":
		f.refuse(w, 400, "validation_failed", "An email address is required")
	case len(email) > maxEmailLen:
		f.refuse(w, 400, "validation_failed", "An email address is too long")
	case !emailFormat.MatchString(email):
		f.refuse(w, 400, "validation_failed", "Unable to validate email address: invalid format")
	default:
		return false
	}
	return true
}
