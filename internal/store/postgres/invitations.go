package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/interviewd/interviewd/internal/interview"
)

const invitationCols = `id, tenant_id, email, role, token_hash, invited_by, created_at,
	expires_at, accepted_at, revoked_at`

func scanInvitation(r interface{ Scan(...any) error }, inv *interview.Invitation) error {
	return r.Scan(&inv.ID, &inv.TenantID, &inv.Email, &inv.Role, &inv.TokenHash, &inv.InvitedBy,
		&inv.CreatedAt, &inv.ExpiresAt, &inv.AcceptedAt, &inv.RevokedAt)
}

// CreateInvitation stores inv with its email normalised, filling ID and
// CreatedAt; an unknown tenant is ErrNotFound.
func (s *Store) CreateInvitation(ctx context.Context, inv *interview.Invitation) error {
	if err := prepareInvitation(inv); err != nil {
		return err
	}
	fillID(&inv.ID)
	fillTime(&inv.CreatedAt, now())
	_, err := s.q().Exec(ctx, `INSERT INTO invitations (`+invitationCols+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		inv.ID, inv.TenantID, inv.Email, string(inv.Role), inv.TokenHash, inv.InvitedBy,
		inv.CreatedAt, inv.ExpiresAt, inv.AcceptedAt, inv.RevokedAt)
	if err != nil {
		return fmt.Errorf("invite %s: %w", inv.ID, dbErr(err))
	}
	return nil
}

// prepareInvitation normalises inv's email and times and checks what the
// caller must provide.
func prepareInvitation(inv *interview.Invitation) error {
	if err := inv.Prepare(); err != nil {
		return err
	}
	truncate(&inv.ExpiresAt)
	truncate(inv.AcceptedAt)
	truncate(inv.RevokedAt)
	return nil
}

// ListInvitations returns a tenant's pending invitations, newest first.
func (s *Store) ListInvitations(ctx context.Context, tenantID string) ([]interview.Invitation, error) {
	rows, err := s.q().Query(ctx, `SELECT `+invitationCols+` FROM invitations
		WHERE tenant_id = $1 AND accepted_at IS NULL AND revoked_at IS NULL
		ORDER BY created_at DESC, id DESC`, tenantID)
	list, err := collect(rows, err, func(r pgx.Rows, inv *interview.Invitation) error {
		return scanInvitation(r, inv)
	})
	if err != nil {
		return nil, fmt.Errorf("list invitations: %w", err)
	}
	return list, nil
}

// GetInvitationByHash finds an invitation by its token's hash, in any tenant
// (on the privileged path; an owner through As sees only their own).
func (s *Store) GetInvitationByHash(ctx context.Context, hash string) (interview.Invitation, error) {
	var inv interview.Invitation
	err := scanInvitation(s.q().QueryRow(ctx, `SELECT `+invitationCols+` FROM invitations
		WHERE token_hash = $1`, hash), &inv)
	if err != nil {
		return interview.Invitation{}, fmt.Errorf("get invitation by hash: %w", dbErr(err))
	}
	return inv, nil
}

// AcceptInvitation marks the invitation accepted and adds the member in one
// transaction: the UPDATE locks the invitation, so of concurrent accepts
// one wins, and a failed insert (already a member) rolls the mark back.
func (s *Store) AcceptInvitation(ctx context.Context, id, userID string, at time.Time) (interview.Membership, error) {
	fillTime(&at, now())
	m := interview.Membership{UserID: userID, CreatedAt: at}
	err := s.tx(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `UPDATE invitations SET accepted_at = $1
			WHERE id = $2 AND accepted_at IS NULL AND revoked_at IS NULL
			RETURNING tenant_id, role`, at, id).Scan(&m.TenantID, &m.Role)
		if errors.Is(err, pgx.ErrNoRows) {
			return invitationUsed(ctx, tx, id)
		}
		if err != nil {
			return err
		}
		return insertMember(ctx, tx, m)
	})
	if err != nil {
		return interview.Membership{}, fmt.Errorf("accept invitation %s: %w", id, err)
	}
	return m, nil
}

// invitationUsed tells why an invitation could not be accepted: it does not
// exist (ErrNotFound) or it was accepted or revoked (ErrConflict).
func invitationUsed(ctx context.Context, tx pgx.Tx, id string) error {
	var n int
	if err := tx.QueryRow(ctx, `SELECT 1 FROM invitations WHERE id = $1`, id).Scan(&n); err != nil {
		return err
	}
	return interview.Errorf(interview.CodeConflict, "the invitation was already accepted or revoked")
}

// RevokeInvitation revokes an invitation at the given time. Revoking it
// again keeps the first time.
func (s *Store) RevokeInvitation(ctx context.Context, tenantID, id string, at time.Time) error {
	fillTime(&at, now())
	err := affected(s.q().Exec(ctx, `UPDATE invitations SET revoked_at = coalesce(revoked_at, $1)
		WHERE tenant_id = $2 AND id = $3`, at, tenantID, id))
	if err != nil {
		return fmt.Errorf("revoke invitation %s: %w", id, err)
	}
	return nil
}

// DeleteExpiredInvitations deletes the invitations of every tenant that
// expired before before, whatever became of them, and returns how many.
// Only the privileged path may (see serverJob).
func (s *Store) DeleteExpiredInvitations(ctx context.Context, before time.Time) (int64, error) {
	if err := s.serverJob(); err != nil {
		return 0, fmt.Errorf("delete expired invitations: %w", err)
	}
	tag, err := s.q().Exec(ctx, `DELETE FROM invitations WHERE expires_at < $1`, before)
	if err != nil {
		return 0, fmt.Errorf("delete expired invitations: %w", dbErr(err))
	}
	return tag.RowsAffected(), nil
}
