package supabasetest

import (
	"maps"
	"time"

	"github.com/google/uuid"
)

// User is a user of the stand-in's project.
type User struct {
	ID, Email string
	Meta      map[string]any // the data given at sign-up, part of user_metadata

	password   string
	identityID string
	verified   bool      // email_verified: confirmed when it signed up
	created    time.Time // created_at
	confirmed  time.Time // email_confirmed_at; zero until confirmed
	mailed     time.Time // confirmation_sent_at; zero if never sent
	signedIn   time.Time // last_sign_in_at; zero if never
}

// newUser registers a user, unconfirmed. f.mu is held.
func (f *GoTrue) newUser(email, password string, meta map[string]any) *User {
	u := &User{ID: uuid.NewString(), Email: normalEmail(email), Meta: meta, password: password,
		identityID: uuid.NewString(), created: f.now()}
	f.users[u.Email] = u
	return u
}

// AddUser creates a confirmed user directly in the project, as the Supabase
// dashboard or another app of the same project would.
func (f *GoTrue) AddUser(email, password string, meta map[string]any) *User {
	f.mu.Lock()
	defer f.mu.Unlock()
	u := f.newUser(email, password, meta)
	u.confirmed, u.verified = f.now(), true
	return u
}

// User returns the user with email (in any case), or nil.
func (f *GoTrue) User(email string) *User {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.users[normalEmail(email)]
}

// ConfirmAll confirms every user's email, as RealAuth.ConfirmAll does (in
// the database: email_verified in their metadata stays false).
func (f *GoTrue) ConfirmAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, u := range f.users {
		if u.confirmed.IsZero() {
			u.confirmed = f.now()
		}
	}
}

// metadata is u's user_metadata, and its identity's data: what sign-up gave,
// and what Auth adds; verified is email_verified.
func (u *User) metadata(verified bool) map[string]any {
	m := maps.Clone(u.Meta)
	if m == nil {
		m = map[string]any{}
	}
	m["email"], m["sub"] = u.Email, u.ID
	m["email_verified"], m["phone_verified"] = verified, false
	return m
}

// userJSON is u as Auth answers it. Auth answers a user it just created as
// it holds it in memory, and otherwise reads it back (loaded): only then
// comes confirmed_at, which the database computes, and the identity's
// email_verified is what was stored when it was created, before an
// automatic confirmation.
func (u *User) userJSON(loaded bool) map[string]any {
	j := map[string]any{
		"id": u.ID, "aud": "authenticated", "role": "authenticated", "email": u.Email, "phone": "",
		"app_metadata": appMetadata(), "user_metadata": u.metadata(u.verified), "is_anonymous": false,
		"created_at": u.created, "updated_at": u.created,
		"identities": []any{map[string]any{
			"identity_id": u.identityID, "id": u.ID, "user_id": u.ID, "identity_data": u.metadata(u.verified && !loaded),
			"provider": "email", "email": u.Email, "last_sign_in_at": u.created,
			"created_at": u.created, "updated_at": u.created,
		}},
	}
	for name, at := range map[string]time.Time{"email_confirmed_at": u.confirmed,
		"confirmation_sent_at": u.mailed, "last_sign_in_at": u.signedIn} {
		if !at.IsZero() {
			j[name] = at
		}
	}
	if loaded && !u.confirmed.IsZero() {
		j["confirmed_at"] = u.confirmed
	}
	return j
}

// madeUpUser is Auth's answer to a repeated sign-up of a confirmed address
// when confirmation is on: a user with a new ID and no identities, so that
// the answer does not tell whether the address is registered.
func (f *GoTrue) madeUpUser(email string, meta map[string]any) map[string]any {
	if meta == nil {
		meta = map[string]any{}
	}
	now := f.now()
	return map[string]any{
		"id": uuid.NewString(), "aud": "authenticated", "role": "", "email": normalEmail(email), "phone": "",
		"confirmation_sent_at": now, "created_at": now, "updated_at": now,
		"app_metadata": appMetadata(), "user_metadata": meta, "identities": []any{}, "is_anonymous": false,
	}
}

func appMetadata() map[string]any {
	return map[string]any{"provider": "email", "providers": []string{"email"}}
}
