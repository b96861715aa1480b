package supabasetest

import (
	"crypto/rand"
	"encoding/json"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
)

// session is a sign-in: its ID is the session_id of every access token
// issued to it, through all its refreshes.
type session struct {
	id     string
	user   *User
	signIn time.Time // the amr timestamp
}

// refreshToken is one of a session's refresh tokens, in Auth's first
// format: 12 characters, each spent by a refresh that issues its child.
type refreshToken struct {
	value, parent string
	session       *session
	revoked       bool
	changed       time.Time // when it was issued or revoked
	order         int       // issue order
}

// newSession starts a session of u and issues its first refresh token.
// f.mu is held.
func (f *GoTrue) newSession(u *User) (*session, *refreshToken) {
	s := &session{id: uuid.NewString(), user: u, signIn: f.now()}
	f.sessions[s.id] = s
	u.signedIn = s.signIn
	return s, f.issue(s, "")
}

// issue gives s a new refresh token, the child of parent. f.mu is held.
func (f *GoTrue) issue(s *session, parent string) *refreshToken {
	f.issued++
	rt := &refreshToken{value: newRefreshToken(), parent: parent, session: s, changed: f.now(), order: f.issued}
	f.tokens[rt.value] = rt
	return rt
}

// active is the newest refresh token of s that is not revoked, or nil.
// f.mu is held.
func (f *GoTrue) active(s *session) *refreshToken {
	var newest *refreshToken
	for _, rt := range f.tokens {
		if rt.session == s && !rt.revoked && (newest == nil || rt.order > newest.order) {
			newest = rt
		}
	}
	return newest
}

// revokeAll revokes every refresh token of s, as Auth does to a session
// whose spent token is reused after the window. f.mu is held.
func (f *GoTrue) revokeAll(s *session) {
	for _, rt := range f.tokens {
		if rt.session == s && !rt.revoked {
			rt.revoked, rt.changed = true, f.now()
		}
	}
}

// endSession ends one session and its refresh tokens (logout's local
// scope). f.mu is held.
func (f *GoTrue) endSession(id string) {
	delete(f.sessions, id)
	for v, rt := range f.tokens {
		if rt.session.id == id {
			delete(f.tokens, v)
		}
	}
}

// endSessions ends every session of u (logout's global scope), and with
// them their refresh tokens. f.mu is held.
func (f *GoTrue) endSessions(u *User) {
	for id, s := range f.sessions {
		if s.user == u {
			delete(f.sessions, id)
		}
	}
	for v, rt := range f.tokens {
		if rt.session.user == u {
			delete(f.tokens, v)
		}
	}
}

const refreshAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789"

func newRefreshToken() string {
	b := make([]byte, refreshTokenLen)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = refreshAlphabet[int(b[i])%len(refreshAlphabet)]
	}
	return string(b)
}

// sessionJSON is Auth's answer that issues a session: a new access token,
// the refresh token rt, and the user (loaded: read back from the database).
// f.mu is held.
func (f *GoTrue) sessionJSON(rt *refreshToken, loaded bool) map[string]any {
	c := f.claims(rt.session)
	return map[string]any{
		"access_token": f.signer.Sign(f.t, c), "token_type": "bearer",
		"expires_in": int(f.ttl.Seconds()), "expires_at": c["exp"],
		"refresh_token": rt.value, "user": rt.session.user.userJSON(loaded),
	}
}

// Claims are the claims of an access token of a new session of u, as
// Supabase Auth writes them.
func (f *GoTrue) Claims(u *User) jwt.MapClaims {
	f.mu.Lock()
	defer f.mu.Unlock()
	s, _ := f.newSession(u)
	return f.claims(s)
}

// AccessToken returns an access token of a new session of u, signed with
// the current key.
func (f *GoTrue) AccessToken(u *User) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	s, _ := f.newSession(u)
	return f.signer.Sign(f.t, f.claims(s))
}

// Issued is a session the stand-in issued outside any request: its ID (the
// session_id claim) and the answer Auth gives when it issues one.
type Issued struct {
	ID   string
	JSON string
}

// Session starts a new session of u and returns it as Auth's answer to a
// sign-in would carry it, for a test to force on a route.
func (f *GoTrue) Session(u *User) Issued {
	f.mu.Lock()
	defer f.mu.Unlock()
	s, rt := f.newSession(u)
	b, err := json.Marshal(f.sessionJSON(rt, true))
	if err != nil {
		f.t.Fatal(err)
	}
	return Issued{ID: s.id, JSON: string(b)}
}

// SessionAlive reports whether the session with id has not been ended.
func (f *GoTrue) SessionAlive(id string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.sessions[id] != nil
}

// claims are the claims of an access token of s, issued now. f.mu is held.
func (f *GoTrue) claims(s *session) jwt.MapClaims {
	now := f.now()
	u := s.user
	c := jwt.MapClaims{
		"sub": u.ID, "aud": "authenticated", "exp": now.Add(f.ttl).Unix(), "iat": now.Unix(),
		"email": u.Email, "phone": "", "role": "authenticated", "aal": "aal1",
		"session_id": s.id, "is_anonymous": false,
		"app_metadata": appMetadata(), "user_metadata": u.metadata(u.verified),
		"amr": []map[string]any{{"method": "password", "timestamp": s.signIn.Unix()}},
	}
	if iss := f.issuer(); iss != "" {
		c["iss"] = iss
	}
	return c
}
