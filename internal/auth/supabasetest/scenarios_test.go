package supabasetest

import (
	"encoding/json"
	"strings"

	"github.com/supabase-community/gotrue-go/types"
)

// The people of the scenarios, and interviewd's sign-up metadata.
const (
	ada      = "ada@example.com"
	password = "correct horse"
)

var adaMeta = map[string]any{"name": "Ada", "organisation": "Analytical Engines"}

// forgedToken is an access token of a made-up user and session, signed
// with a secret that is not the project's.
const forgedToken = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJhdWQiOiJhdXRoZW50aWNhdGVkIiwiZXhwIjo0MTAyNDQ0ODAwLCJpYXQiOjE3MDAwMDAwMDAsInJvbGUiOiJhdXRoZW50aWNhdGVkIiwic2Vzc2lvbl9pZCI6IjExMTExMTExLTExMTEtNDExMS04MTExLTExMTExMTExMTExMSIsInN1YiI6IjIyMjIyMjIyLTIyMjItNDIyMi04MjIyLTIyMjIyMjIyMjIyMiJ9.1NxNntQ6RTE4NcyVvjt5IdvSB3tARxAqgP5cIGQ5_Pc"

// scenarios are every request interviewd makes to Supabase Auth, on success
// and on each way it fails, as sequences played on a fresh project.
var scenarios = []scenario{
	{Name: "signup-autoconfirm", About: "Sign-up with confirmation off issues a session at once; iss is the project's Auth URL.",
		Mode:  mode{Issuer: true},
		Steps: []step{signUp("sign up", ada, password, adaMeta, "a1", "r1")}},
	{Name: "signup-autoconfirm-no-issuer", About: "A self-hosted project (GOTRUE_JWT_ISSUER unset) issues tokens without iss.",
		Mode: mode{},
		Steps: []step{
			signUp("sign up", ada, password, adaMeta, "a1", "r1"),
			signIn("sign in", ada, password, "a2", "r2"),
			refresh("refresh", "r2", "a3", "r3"),
			logout("sign out", "a3"),
		}},
	{Name: "signup-existing-email", About: "With confirmation off, an address already registered is refused, whatever its case.",
		Mode: mode{Issuer: true},
		Steps: []step{
			signUp("sign up", ada, password, adaMeta, "", ""),
			signUp("the same address again", ada, password, adaMeta, "", ""),
			signUp("the same address in another case", "Ada@Example.COM", password, adaMeta, "", ""),
		}},
	{Name: "signup-password-rules", About: "Passwords: at least 6 characters (reasons: length), at most 72; the password is checked before the address.",
		Mode: mode{Issuer: true},
		Steps: []step{
			signUp("5 characters", ada, "abcde", adaMeta, "", ""),
			signUp("73 characters", ada, strings.Repeat("a", 73), adaMeta, "", ""),
			signUp("a weak password and an invalid address", "not-an-email", "abc", adaMeta, "", ""),
			signUp("6 characters", ada, "abcdef", adaMeta, "", ""),
		}},
	{Name: "signup-invalid-email", About: "Addresses Auth refuses.",
		Mode: mode{Issuer: true},
		Steps: []step{
			signUp("no at sign", "not-an-email", password, adaMeta, "", ""),
			signUp("no domain", "ada@", password, adaMeta, "", ""),
			signUp("a space", "ada lovelace@example.com", password, adaMeta, "", ""),
		}},
	{Name: "signup-confirm", About: "With confirmation on, sign-up answers a user and no session; sign-in waits for the confirmation; a repeated sign-up of a confirmed address answers a made-up user.",
		Mode: mode{Issuer: true, Confirm: true},
		Steps: []step{
			signUp("sign up", ada, password, adaMeta, "", ""),
			signIn("sign in before confirming", ada, password, "", ""),
			signIn("a wrong password before confirming", ada, "wrong password", "", ""),
			{Name: "follow the emailed link", Do: "confirm_all"},
			signIn("sign in", ada, password, "a1", "r1"),
			signUp("sign up again once confirmed", ada, password, adaMeta, "", ""),
		}},
	{Name: "signup-confirm-rate-limit", About: "With confirmation on, a repeated sign-up of an unconfirmed address within 60 s is refused (429), whatever its case; after 60 s it sends the mail again.",
		Mode: mode{Issuer: true, Confirm: true},
		Steps: []step{
			signUp("sign up", ada, password, adaMeta, "", ""),
			signUp("again at once", ada, password, adaMeta, "", ""),
			signUp("again in another case", "ADA@example.com", password, adaMeta, "", ""),
			withWait("61s", signUp("again after a minute", ada, password, adaMeta, "", "")),
		}},
	{Name: "signup-disabled", About: "With sign-up off, sign-up is refused before anything else is checked.",
		Mode: mode{Issuer: true, DisableSignup: true},
		Steps: []step{
			signUp("sign up", ada, password, adaMeta, "", ""),
			signUp("sign up with a weak password", ada, "abc", adaMeta, "", ""),
			signIn("sign in", ada, password, "", ""),
		}},
	{Name: "email-provider-disabled", About: "With the email provider off, sign-up (400) and sign-in (422) are refused.",
		Mode: mode{Issuer: true, DisableEmail: true},
		Steps: []step{
			signUp("sign up", ada, password, adaMeta, "", ""),
			signUp("sign up with a weak password", ada, "abc", adaMeta, "", ""),
			signIn("sign in", ada, password, "", ""),
		}},
	{Name: "signin", About: "Sign-in starts a new session; the address is found whatever its case; a wrong password and an unknown address get the same answer.",
		Mode: mode{Issuer: true},
		Steps: []step{
			signUp("sign up", ada, password, adaMeta, "a1", "r1"),
			signIn("sign in", ada, password, "a2", "r2"),
			signIn("sign in with the address in another case", "ADA@Example.com", password, "a3", "r3"),
			signIn("a wrong password", ada, "wrong password", "", ""),
			signIn("an unknown address", "bob@example.com", password, "", ""),
		}},
	{Name: "refresh-rotation", About: "Each refresh spends its token and keeps the session; the spent token's reuse gives back its successor; an older one is still honoured within the 10 s reuse window.",
		Mode: mode{Issuer: true},
		Steps: []step{
			signUp("sign up", ada, password, adaMeta, "a1", "r1"),
			refresh("refresh", "r1", "a2", "r2"),
			refresh("the spent token again", "r1", "", ""),
			refresh("refresh the new token", "r2", "a3", "r3"),
			refresh("the first token again, within the window", "r1", "", ""),
		}},
	{Name: "refresh-reuse-after-window", About: "Reusing a spent token that is not the parent of the current one, after the 10 s window, is refused as already used and revokes the session's tokens.",
		Mode: mode{Issuer: true},
		Steps: []step{
			signUp("sign up", ada, password, adaMeta, "a1", "r1"),
			refresh("refresh", "r1", "a2", "r2"),
			refresh("refresh again", "r2", "a3", "r3"),
			withWait("11s", refresh("the first token after the window", "r1", "", "")),
			refresh("the newest token at once", "r3", "", ""),
			withWait("11s", refresh("the newest token after the window", "r3", "", "")),
			logout("sign out with the newest access token", "a3"),
		}},
	{Name: "refresh-reuse-revokes-tokens", About: "After a reuse is refused, every refresh token of the session is revoked: one used more than 10 s later is refused too. The session itself stays: its access token still signs out.",
		Mode: mode{Issuer: true},
		Steps: []step{
			signUp("sign up", ada, password, adaMeta, "a1", "r1"),
			refresh("refresh", "r1", "a2", "r2"),
			refresh("refresh again", "r2", "a3", "r3"),
			withWait("11s", refresh("the first token after the window", "r1", "", "")),
			withWait("11s", refresh("the newest token after another window", "r3", "", "")),
			refresh("the middle token", "r2", "", ""),
			logout("sign out with the newest access token", "a3"),
		}},
	{Name: "refresh-parent-after-window", About: "Reusing the parent of the current token gives back the current token, even after the window.",
		Mode: mode{Issuer: true},
		Steps: []step{
			signUp("sign up", ada, password, adaMeta, "a1", "r1"),
			refresh("refresh", "r1", "a2", "r2"),
			withWait("11s", refresh("the spent token after the window", "r1", "", "")),
			refresh("the current token", "r2", "", ""),
		}},
	{Name: "refresh-unknown", About: "Refresh tokens Auth never issued.",
		Mode: mode{Issuer: true},
		Steps: []step{
			refreshLiteral("an unknown token", "abcdefghijkl"),
			refreshLiteral("a malformed token", "not-a-token"),
			refreshLiteral("a token of another format", "3f2a9c1d4b5e6f708192a3b4c5d6e7f8"),
		}},
	{Name: "logout", About: "Sign-out ends every session of the user (global scope); afterwards their access tokens name a session that is gone, and their refresh tokens are unknown.",
		Mode: mode{Issuer: true},
		Steps: []step{
			signUp("sign up", ada, password, adaMeta, "a1", "r1"),
			signIn("sign in elsewhere", ada, password, "a2", "r2"),
			logout("sign out", "a1"),
			logout("sign out again", "a1"),
			logout("sign out of the other session", "a2"),
			refresh("refresh the other session", "r2", "", ""),
			refresh("refresh the signed-out session", "r1", "", ""),
		}},
	{Name: "logout-local", About: "Sign-out with scope=local (how interviewd drops a session it will not use) ends only the token's session; the user's other sessions go on.",
		Mode: mode{Issuer: true},
		Steps: []step{
			signUp("sign up", ada, password, adaMeta, "a1", "r1"),
			signIn("sign in elsewhere", ada, password, "a2", "r2"),
			logoutLocal("sign out of the first session only", "a1"),
			logoutLocal("sign out of it again", "a1"),
			refresh("refresh the first session", "r1", "", ""),
			refresh("refresh the other session", "r2", "a3", "r3"),
			logout("sign out of the other session", "a3"),
		}},
	{Name: "logout-bad-token", About: "Sign-out with a token that is not a genuine access token.",
		Mode: mode{Issuer: true},
		Steps: []step{
			logoutLiteral("not a JWT", "not-a-jwt"),
			logoutLiteral("signed with another secret", forgedToken),
		}},
	{Name: "jwks-hs256", About: "A project that signs with its HS256 secret publishes no key.",
		Mode:  mode{Issuer: true},
		Steps: []step{jwks("fetch the JWKS")}},
	{Name: "session-es256", About: "A project that signs with an ES256 key publishes it and names it in its tokens.",
		Mode: mode{Issuer: true, ES256: true},
		Steps: []step{
			jwks("fetch the JWKS"),
			signUp("sign up", ada, password, adaMeta, "a1", "r1"),
			signIn("sign in", ada, password, "a2", "r2"),
			refresh("refresh", "r2", "a3", "r3"),
			logout("sign out", "a3"),
			logoutLiteral("sign out with an HS256 token of another secret", forgedToken),
		}},
}

// The requests, built from gotrue-go's own request types, as interviewd
// sends them through it (TestScenarioRequestsAreGotrueGos holds them to
// it). A variable named in access or refresh is bound from the answer.

func signUp(name, email, password string, meta map[string]any, access, refresh string) step {
	return post(name, "/auth/v1/signup", types.SignupRequest{Email: email, Password: password, Data: meta}, "", access, refresh)
}

func signIn(name, email, password, access, refresh string) step {
	return post(name, "/auth/v1/token?grant_type=password",
		types.TokenRequest{GrantType: "password", Email: email, Password: password}, "", access, refresh)
}

func refresh(name, token, access, refresh string) step {
	return refreshLiteral(name, "{{"+token+"}}").bind(access, refresh)
}

func refreshLiteral(name, token string) step {
	return post(name, "/auth/v1/token?grant_type=refresh_token",
		types.TokenRequest{GrantType: "refresh_token", RefreshToken: token}, "", "", "")
}

func logout(name, access string) step { return logoutLiteral(name, "{{"+access+"}}") }

// logoutLocal is the sign-out interviewd sends itself (gotrue-go's Logout
// has no scope) to end one session it drops unused.
func logoutLocal(name, access string) step {
	return post(name, "/auth/v1/logout?scope=local", nil, "{{"+access+"}}", "", "")
}

func logoutLiteral(name, bearer string) step {
	return post(name, "/auth/v1/logout", nil, bearer, "", "")
}

// jwks is interviewd's fetch of the key set (internal/auth's jwksCache).
func jwks(name string) step {
	return step{Name: name, Request: &request{Method: "GET", Path: "/auth/v1/.well-known/jwks.json",
		Header: map[string]string{"Apikey": "{{anon_key}}", "Accept": "application/json"}}}
}

// post is a request of gotrue-go: the API key always, a JSON body when
// there is one, the bearer token when there is one.
func post(name, path string, body any, bearer, access, refresh string) step {
	r := &request{Method: "POST", Path: path, Header: map[string]string{"Apikey": "{{anon_key}}"}}
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			panic(err)
		}
		r.Body = string(b)
		r.Header["Content-Type"] = "application/json"
	}
	if bearer != "" {
		r.Header["Authorization"] = "Bearer " + bearer
	}
	return step{Name: name, Request: r}.bind(access, refresh)
}

// bind makes s set the variables access and refresh (when named) from its
// answer's tokens.
func (s step) bind(access, refresh string) step {
	if access == "" && refresh == "" {
		return s
	}
	s.Bind = map[string]string{}
	if access != "" {
		s.Bind[access] = "access_token"
	}
	if refresh != "" {
		s.Bind[refresh] = "refresh_token"
	}
	return s
}

func withWait(d string, s step) step {
	s.Wait = d
	return s
}
