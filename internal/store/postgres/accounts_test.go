package postgres

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

// Logins are the privileged path's alone: through As, even for the login's
// own user, every method is refused, and the login is untouched.
func TestAsLoginsAreServerOnly(t *testing.T) {
	t.Parallel()
	s := openStore(t)
	w := newWorld(t, s)
	ctx := context.Background()
	l := w.a.login
	as := s.As(actorOf(w.a.owner))
	_, getErr := as.GetLoginByHash(ctx, l.TokenHash)
	for name, err := range map[string]error{
		"GetLoginByHash": getErr,
		"CreateLogin": as.CreateLogin(ctx, &interview.Login{UserID: w.a.owner.ID, TenantID: w.a.tenant.ID,
			TokenHash: "mine", ExpiresAt: time.Now().Add(time.Hour)}),
		"TouchLogin":        as.TouchLogin(ctx, l.ID, time.Now(), time.Now().Add(time.Hour)),
		"SwitchLoginTenant": as.SwitchLoginTenant(ctx, l.ID, w.a.tenant.ID),
		"DeleteLogin":       as.DeleteLogin(ctx, l.ID),
		"DeleteUserLogins":  as.DeleteUserLogins(ctx, w.a.owner.ID),
	} {
		if !errors.Is(err, interview.ErrForbidden) {
			t.Errorf("%s through As: %v, want ErrForbidden", name, err)
		}
	}
	got, err := s.GetLoginByHash(ctx, l.TokenHash)
	if err != nil || got != l {
		t.Errorf("login after the attempts: %+v, %v; want %+v", got, err, l)
	}
}

// Owners manage their tenant's invitations through As; nobody else sees or
// touches them.
func TestAsInvitations(t *testing.T) {
	t.Parallel()
	s := openStore(t)
	w := newWorld(t, s)
	ctx := context.Background()
	a := w.a
	owner := s.As(actorOf(a.owner))
	list, err := owner.ListInvitations(ctx, a.tenant.ID)
	if err != nil || len(list) != 1 || list[0].ID != a.invitation.ID {
		t.Fatalf("owner lists invitations: %+v, %v", list, err)
	}
	inv := interview.Invitation{TenantID: a.tenant.ID, Email: "new@example.com", Role: interview.RoleRecruiter,
		TokenHash: "owner-made", InvitedBy: a.owner.ID, ExpiresAt: time.Now().Add(time.Hour)}
	if err := owner.CreateInvitation(ctx, &inv); err != nil {
		t.Fatalf("owner invites: %v", err)
	}
	if err := owner.RevokeInvitation(ctx, a.tenant.ID, inv.ID, time.Time{}); err != nil {
		t.Fatalf("owner revokes: %v", err)
	}
	for _, u := range []interview.User{a.recruiter, a.viewer, w.b.owner, w.nobody} {
		as := s.As(actorOf(u))
		list, err := as.ListInvitations(ctx, a.tenant.ID)
		if err != nil || len(list) != 0 {
			t.Errorf("%s lists invitations: %d, %v; want none", u.Email, len(list), err)
		}
		if _, err := as.GetInvitationByHash(ctx, a.invitation.TokenHash); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s reads an invitation: %v, want ErrNotFound", u.Email, err)
		}
		if err := as.RevokeInvitation(ctx, a.tenant.ID, a.invitation.ID, time.Time{}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s revokes an invitation: %v, want ErrNotFound", u.Email, err)
		}
		v := interview.Invitation{TenantID: a.tenant.ID, Email: "x@example.com", Role: interview.RoleOwner,
			TokenHash: "by-" + u.ID, ExpiresAt: time.Now().Add(time.Hour)}
		if err := as.CreateInvitation(ctx, &v); !errors.Is(err, interview.ErrForbidden) {
			t.Errorf("%s invites: %v, want ErrForbidden", u.Email, err)
		}
	}
}

// Every member, a viewer too, uses the tenant's idempotency keys through
// As; another tenant's member neither reads nor writes them.
func TestAsIdempotencyKeys(t *testing.T) {
	t.Parallel()
	s := openStore(t)
	w := newWorld(t, s)
	ctx := context.Background()
	a := w.a
	viewer := s.As(actorOf(a.viewer))
	got, err := viewer.ReserveIdempotencyKey(ctx, &interview.IdempotentRequest{TenantID: a.tenant.ID, Key: a.idempotencyKey})
	if !errors.Is(err, store.ErrConflict) || got.Status != 201 || got.Fingerprint != "fp-a" {
		t.Fatalf("viewer reserves a taken key: %+v, %v; want the stored record and ErrConflict", got, err)
	}
	key := "viewer-key"
	if _, err := viewer.ReserveIdempotencyKey(ctx, &interview.IdempotentRequest{TenantID: a.tenant.ID, Key: key}); err != nil {
		t.Fatalf("viewer reserves: %v", err)
	}
	if err := viewer.CompleteIdempotencyKey(ctx, a.tenant.ID, key, 403, []byte("{}")); err != nil {
		t.Fatalf("viewer completes: %v", err)
	}
	if err := viewer.ReleaseIdempotencyKey(ctx, a.tenant.ID, key); err != nil {
		t.Fatalf("viewer releases: %v", err)
	}
	other := s.As(actorOf(w.b.owner))
	_, err = other.ReserveIdempotencyKey(ctx, &interview.IdempotentRequest{TenantID: a.tenant.ID, Key: "theirs"})
	if !errors.Is(err, interview.ErrForbidden) {
		t.Errorf("other tenant reserves in A: %v, want ErrForbidden", err)
	}
	if err := other.CompleteIdempotencyKey(ctx, a.tenant.ID, a.idempotencyKey, 200, nil); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("other tenant completes A's key: %v, want ErrNotFound", err)
	}
	if err := other.ReleaseIdempotencyKey(ctx, a.tenant.ID, a.idempotencyKey); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("other tenant releases A's key: %v, want ErrNotFound", err)
	}
	got, err = s.ReserveIdempotencyKey(ctx, &interview.IdempotentRequest{TenantID: a.tenant.ID, Key: a.idempotencyKey})
	if !errors.Is(err, store.ErrConflict) || got.Status != 201 || string(got.Body) != `{"id":"x"}` {
		t.Errorf("A's key after the attempts: %+v, %v", got, err)
	}
}

// Co-members read each other's names and emails, never a password hash:
// through As, GetUser returns it empty, raw SQL for it is refused, and a
// user cannot write it either.
func TestAsPasswordHashHidden(t *testing.T) {
	t.Parallel()
	s := openStore(t)
	w := newWorld(t, s)
	ctx := context.Background()
	a := w.a
	if err := s.SetPasswordHash(ctx, a.owner.ID, "secret-hash"); err != nil {
		t.Fatal(err)
	}
	as := s.As(actorOf(a.recruiter))
	u, err := as.GetUser(ctx, a.owner.ID)
	if err != nil || u.Email != a.owner.Email || u.PasswordHash != "" {
		t.Errorf("co-member reads the owner: %+v, %v; want the email and no hash", u, err)
	}
	u, err = s.As(actorOf(a.owner)).GetUserByEmail(ctx, a.owner.Email)
	if err != nil || u.ID != a.owner.ID || u.PasswordHash != "" {
		t.Errorf("owner reads self: %+v, %v; want no hash", u, err)
	}
	if members, err := as.ListMembers(ctx, a.tenant.ID); err != nil || len(members) != 3 || members[0].Email != a.owner.Email {
		t.Errorf("co-member lists members: %+v, %v", members, err)
	}
	if err := s.As(actorOf(a.owner)).SetPasswordHash(ctx, a.owner.ID, "mine"); !errors.Is(err, interview.ErrForbidden) {
		t.Errorf("owner sets own hash through As: %v, want ErrForbidden", err)
	}
	_, err = runCell(ctx, s.pool, newMatrixActor(a.recruiter.ID, a.recruiter.Email), func(tx pgx.Tx) (bool, error) {
		var hash string
		return false, tx.QueryRow(ctx, `SELECT password_hash FROM users WHERE id = $1`, a.owner.ID).Scan(&hash)
	})
	if !refused(err) {
		t.Errorf("raw SELECT of password_hash as a co-member: %v, want a refusal", err)
	}
	if u, err := s.GetUser(ctx, a.owner.ID); err != nil || u.PasswordHash != "secret-hash" {
		t.Errorf("privileged read: %+v, %v; want the hash", u, err)
	}
}
