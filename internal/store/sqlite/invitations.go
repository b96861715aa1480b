package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
)

const invitationCols = `id, tenant_id, email, role, token_hash, invited_by, created_at,
	expires_at, accepted_at, revoked_at`

func scanInvitation(row scanner) (interview.Invitation, error) {
	var inv interview.Invitation
	err := row.Scan(&inv.ID, &inv.TenantID, &inv.Email, &inv.Role, &inv.TokenHash, &inv.InvitedBy,
		timeDest{&inv.CreatedAt}, timeDest{&inv.ExpiresAt}, nullTimeDest{&inv.AcceptedAt},
		nullTimeDest{&inv.RevokedAt})
	if err != nil {
		return interview.Invitation{}, dbErr(err)
	}
	return inv, nil
}

// CreateInvitation stores inv with its email normalised, filling ID and
// CreatedAt; an unknown tenant is ErrNotFound.
func (s *Store) CreateInvitation(ctx context.Context, inv *interview.Invitation) error {
	if err := prepareInvitation(inv); err != nil {
		return err
	}
	fillID(&inv.ID)
	fillTime(&inv.CreatedAt, now())
	_, err := s.w.ExecContext(ctx, `INSERT INTO invitations (`+invitationCols+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		inv.ID, inv.TenantID, inv.Email, string(inv.Role), inv.TokenHash, inv.InvitedBy,
		ts(inv.CreatedAt), ts(inv.ExpiresAt), nullTS(inv.AcceptedAt), nullTS(inv.RevokedAt))
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
	rows, err := s.r.QueryContext(ctx, `SELECT `+invitationCols+` FROM invitations
		WHERE tenant_id = ? AND accepted_at IS NULL AND revoked_at IS NULL
		ORDER BY created_at DESC, id DESC`, tenantID)
	if err != nil {
		return nil, fmt.Errorf("list invitations: %w", dbErr(err))
	}
	defer rows.Close()
	list := []interview.Invitation{}
	for rows.Next() {
		inv, err := scanInvitation(rows)
		if err != nil {
			return nil, fmt.Errorf("list invitations: %w", err)
		}
		list = append(list, inv)
	}
	return list, rows.Err()
}

// GetInvitationByHash finds an invitation by its token's hash, in any tenant.
func (s *Store) GetInvitationByHash(ctx context.Context, hash string) (interview.Invitation, error) {
	inv, err := scanInvitation(s.r.QueryRowContext(ctx, `SELECT `+invitationCols+`
		FROM invitations WHERE token_hash = ?`, hash))
	if err != nil {
		return inv, fmt.Errorf("get invitation by hash: %w", err)
	}
	return inv, nil
}

// AcceptInvitation marks the invitation accepted and adds the member in one
// write transaction: a failed insert (already a member) rolls the mark back.
func (s *Store) AcceptInvitation(ctx context.Context, id, userID string, at time.Time) (interview.Membership, error) {
	fillTime(&at, now())
	m := interview.Membership{UserID: userID, CreatedAt: at}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `UPDATE invitations SET accepted_at = ?
			WHERE id = ? AND accepted_at IS NULL AND revoked_at IS NULL
			RETURNING tenant_id, role`, ts(at), id).Scan(&m.TenantID, &m.Role)
		if errors.Is(err, sql.ErrNoRows) {
			return invitationUsed(ctx, tx, id)
		}
		if err != nil {
			return dbErr(err)
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
func invitationUsed(ctx context.Context, tx *sql.Tx, id string) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT 1 FROM invitations WHERE id = ?`, id).Scan(&n); err != nil {
		return dbErr(err)
	}
	return interview.Errorf(interview.CodeConflict, "the invitation was already accepted or revoked")
}

// RevokeInvitation revokes an invitation at the given time. Revoking it
// again keeps the first time.
func (s *Store) RevokeInvitation(ctx context.Context, tenantID, id string, at time.Time) error {
	fillTime(&at, now())
	err := affected(s.w.ExecContext(ctx, `UPDATE invitations SET revoked_at = COALESCE(revoked_at, ?)
		WHERE tenant_id = ? AND id = ?`, ts(at), tenantID, id))
	if err != nil {
		return fmt.Errorf("revoke invitation %s: %w", id, err)
	}
	return nil
}

// DeleteExpiredInvitations deletes the invitations of every tenant that
// expired before before, whatever became of them, and returns how many.
func (s *Store) DeleteExpiredInvitations(ctx context.Context, before time.Time) (int64, error) {
	n, err := deletedRows(s.w.ExecContext(ctx, `DELETE FROM invitations WHERE expires_at < ?`, ts(before)))
	if err != nil {
		return 0, fmt.Errorf("delete expired invitations: %w", err)
	}
	return n, nil
}
