package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
)

// Sign-in sessions are read before anyone is known, so only the privileged
// path reaches the logins table: through As every method is ErrForbidden
// (the authenticated role has no privilege on it).

const loginCols = `id, user_id, tenant_id, token_hash, created_at, expires_at, last_seen_at`

// CreateLogin stores l, filling ID, CreatedAt and LastSeenAt; an unknown
// user or tenant is ErrNotFound.
func (s *Store) CreateLogin(ctx context.Context, l *interview.Login) error {
	if l.TokenHash == "" || l.ExpiresAt.IsZero() {
		return interview.Errorf(interview.CodeInvalid, "a login needs a token hash and an expiry")
	}
	fillID(&l.ID)
	fillTime(&l.CreatedAt, now())
	fillTime(&l.LastSeenAt, l.CreatedAt)
	truncate(&l.ExpiresAt)
	_, err := s.q().Exec(ctx, `INSERT INTO logins (`+loginCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		l.ID, l.UserID, l.TenantID, l.TokenHash, l.CreatedAt, l.ExpiresAt, l.LastSeenAt)
	if err != nil {
		return fmt.Errorf("create login of user %s: %w", l.UserID, dbErr(err))
	}
	return nil
}

// GetLoginByHash returns the login whose token hashes to hash, expired or not.
func (s *Store) GetLoginByHash(ctx context.Context, hash string) (interview.Login, error) {
	var l interview.Login
	err := s.q().QueryRow(ctx, `SELECT `+loginCols+` FROM logins WHERE token_hash = $1`, hash).
		Scan(&l.ID, &l.UserID, &l.TenantID, &l.TokenHash, &l.CreatedAt, &l.ExpiresAt, &l.LastSeenAt)
	if err != nil {
		return interview.Login{}, fmt.Errorf("get login by hash: %w", dbErr(err))
	}
	return l, nil
}

// TouchLogin records that a login was seen and slides its expiry.
func (s *Store) TouchLogin(ctx context.Context, id string, seen, expiresAt time.Time) error {
	fillTime(&seen, now())
	err := affected(s.q().Exec(ctx, `UPDATE logins SET last_seen_at = $1, expires_at = $2
		WHERE id = $3`, seen, expiresAt.UTC().Truncate(time.Microsecond), id))
	if err != nil {
		return fmt.Errorf("touch login %s: %w", id, err)
	}
	return nil
}

// SwitchLoginTenant moves a login to tenantID, if its user is a member of
// it; otherwise nothing matches and it is ErrNotFound.
func (s *Store) SwitchLoginTenant(ctx context.Context, id, tenantID string) error {
	err := affected(s.q().Exec(ctx, `UPDATE logins SET tenant_id = $1
		WHERE id = $2 AND EXISTS (SELECT 1 FROM tenant_users tu
			WHERE tu.tenant_id = $1 AND tu.user_id = logins.user_id)`, tenantID, id))
	if err != nil {
		return fmt.Errorf("switch login %s to tenant %s: %w", id, tenantID, err)
	}
	return nil
}

// DeleteLogin signs one login out.
func (s *Store) DeleteLogin(ctx context.Context, id string) error {
	if err := affected(s.q().Exec(ctx, `DELETE FROM logins WHERE id = $1`, id)); err != nil {
		return fmt.Errorf("delete login %s: %w", id, err)
	}
	return nil
}

// DeleteUserLogins signs a user out everywhere; none is not an error.
func (s *Store) DeleteUserLogins(ctx context.Context, userID string) error {
	if _, err := s.q().Exec(ctx, `DELETE FROM logins WHERE user_id = $1`, userID); err != nil {
		return fmt.Errorf("delete logins of user %s: %w", userID, dbErr(err))
	}
	return nil
}

// DeleteExpiredLogins deletes the logins of every tenant that expired at or
// before at, and returns how many.
func (s *Store) DeleteExpiredLogins(ctx context.Context, at time.Time) (int64, error) {
	tag, err := s.q().Exec(ctx, `DELETE FROM logins WHERE expires_at <= $1`, at)
	if err != nil {
		return 0, fmt.Errorf("delete expired logins: %w", dbErr(err))
	}
	return tag.RowsAffected(), nil
}
