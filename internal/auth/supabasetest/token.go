package supabasetest

import (
	"encoding/json"
	"net/http"
	"regexp"
)

// refreshTokenFormat is the format of the refresh tokens the stand-in
// issues, Auth's first; Auth refuses a token of neither of its formats
// before looking it up.
var refreshTokenFormat = regexp.MustCompile("^[a-z0-9]{12}$")

type tokenRequest struct {
	Email        string `json:"email"`
	Password     string `json:"password"`
	RefreshToken string `json:"refresh_token"`
}

// token is the token endpoint: the password grant signs in, the
// refresh_token grant refreshes.
func (f *GoTrue) token(w http.ResponseWriter, r *http.Request) {
	var in tokenRequest
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		f.refuse(w, 400, "bad_json", "Could not parse request body as JSON: "+err.Error())
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	switch r.URL.Query().Get("grant_type") {
	case "password":
		f.signIn(w, in)
	case "refresh_token":
		f.refresh(w, in.RefreshToken)
	default:
		f.refuse(w, 400, "invalid_credentials", "unsupported_grant_type")
	}
}

// signIn starts a new session. A wrong password and an unknown address get
// the same answer; an unconfirmed address is told apart only with the
// right password. f.mu is held.
func (f *GoTrue) signIn(w http.ResponseWriter, in tokenRequest) {
	if f.noEmail {
		f.refuse(w, 422, "email_provider_disabled", "Email logins are disabled")
		return
	}
	if in.Email == "" {
		f.refuse(w, 400, "validation_failed", "missing email or phone")
		return
	}
	u := f.users[normalEmail(in.Email)]
	switch {
	case u == nil || u.password != in.Password:
		f.refuse(w, 400, "invalid_credentials", "Invalid login credentials")
	case u.confirmed.IsZero():
		f.refuse(w, 400, "email_not_confirmed", "Email not confirmed")
	default:
		_, rt := f.newSession(u)
		j := f.sessionJSON(rt, true)
		j["weak_password"] = nil // the password grant always names it
		f.reply(w, 200, j)
	}
}

// refresh spends a refresh token for a new access token of its session and
// the token's child. A spent token may be spent again: if its child is the
// session's current token, that token comes back; otherwise, within the
// reuse window of its being spent, it gets another child. After the
// window, it is refused as already used, and every token of the session is
// revoked (each may still be reused within the window of that). f.mu is
// held.
func (f *GoTrue) refresh(w http.ResponseWriter, token string) {
	if !refreshTokenFormat.MatchString(token) {
		f.refuse(w, 400, "validation_failed", "Refresh token is not valid")
		return
	}
	rt := f.tokens[token]
	if rt == nil {
		f.refuse(w, 400, "refresh_token_not_found", "Invalid Refresh Token: Refresh Token Not Found")
		return
	}
	next := rt
	if rt.revoked {
		next = nil
		if active := f.active(rt.session); active != nil && active.parent == rt.value {
			next = active
		} else if f.now().After(rt.changed.Add(reuseWindow)) {
			f.revokeAll(rt.session)
			f.refuse(w, 400, "refresh_token_already_used", "Invalid Refresh Token: Already Used")
			return
		}
	}
	if next == nil || next == rt {
		rt.revoked, rt.changed = true, f.now()
		next = f.issue(rt.session, rt.value)
	}
	f.reply(w, 200, f.sessionJSON(next, true))
}
