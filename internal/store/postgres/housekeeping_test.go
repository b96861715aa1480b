package postgres

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

// The housekeeping deletes sweep every tenant, so they are the privileged
// path's alone: through As, even for an owner whose own tenant has rows
// due, each is refused, deletes nothing and counts nothing. Row-level
// security would otherwise let a member's call delete its tenants' keys and
// invitations.
func TestAsHousekeepingIsServerOnly(t *testing.T) {
	t.Parallel()
	s := openStore(t)
	w := newWorld(t, s)
	ctx := context.Background()
	a := w.a
	later := time.Now().Add(365 * 24 * time.Hour) // every fixture row is due by then
	as := s.As(actorOf(a.owner))
	for name, sweep := range map[string]func(context.Context, time.Time) (int64, error){
		"DeleteExpiredLogins":      as.DeleteExpiredLogins,
		"DeleteIdempotencyKeys":    as.DeleteIdempotencyKeys,
		"DeleteExpiredInvitations": as.DeleteExpiredInvitations,
	} {
		n, err := sweep(ctx, later)
		if !errors.Is(err, interview.ErrForbidden) || n != 0 {
			t.Errorf("%s through As: %d, %v; want 0, ErrForbidden", name, n, err)
		}
	}
	if got, err := s.GetLoginByHash(ctx, a.login.TokenHash); err != nil || got != a.login {
		t.Errorf("login after the attempts: %+v, %v; want %+v", got, err, a.login)
	}
	if got, err := s.GetInvitationByHash(ctx, a.invitation.TokenHash); err != nil || got.ID != a.invitation.ID {
		t.Errorf("invitation after the attempts: %+v, %v", got, err)
	}
	got, err := s.ReserveIdempotencyKey(ctx, &interview.IdempotentRequest{TenantID: a.tenant.ID, Key: a.idempotencyKey})
	if !errors.Is(err, store.ErrConflict) || got.Status != 201 {
		t.Errorf("idempotency key after the attempts: %+v, %v; want the stored record", got, err)
	}

	// The privileged path, given the same cutoff, does delete them.
	for name, sweep := range map[string]func(context.Context, time.Time) (int64, error){
		"DeleteExpiredLogins":      s.DeleteExpiredLogins,
		"DeleteIdempotencyKeys":    s.DeleteIdempotencyKeys,
		"DeleteExpiredInvitations": s.DeleteExpiredInvitations,
	} {
		if n, err := sweep(ctx, later); err != nil || n != 2 {
			t.Errorf("%s on the privileged path: %d, %v; want both tenants' rows", name, n, err)
		}
	}
}
