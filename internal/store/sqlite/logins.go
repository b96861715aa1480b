package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
)

const loginCols = `id, user_id, tenant_id, token_hash, created_at, expires_at, last_seen_at`

func scanLogin(row scanner) (interview.Login, error) {
	var l interview.Login
	err := row.Scan(&l.ID, &l.UserID, &l.TenantID, &l.TokenHash, timeDest{&l.CreatedAt},
		timeDest{&l.ExpiresAt}, timeDest{&l.LastSeenAt})
	if err != nil {
		return interview.Login{}, dbErr(err)
	}
	return l, nil
}

// CreateLogin stores l, filling ID, CreatedAt and LastSeenAt; an unknown
// user or tenant is ErrNotFound.
func (s *Store) CreateLogin(ctx context.Context, l *interview.Login) error {
	if err := checkLogin(*l); err != nil {
		return err
	}
	fillID(&l.ID)
	fillTime(&l.CreatedAt, now())
	fillTime(&l.LastSeenAt, l.CreatedAt)
	truncate(&l.ExpiresAt)
	_, err := s.w.ExecContext(ctx, `INSERT INTO logins (`+loginCols+`) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		l.ID, l.UserID, l.TenantID, l.TokenHash, ts(l.CreatedAt), ts(l.ExpiresAt), ts(l.LastSeenAt))
	if err != nil {
		return fmt.Errorf("create login of user %s: %w", l.UserID, dbErr(err))
	}
	return nil
}

// checkLogin refuses a login that could never be found or never expires.
func checkLogin(l interview.Login) error {
	if l.TokenHash == "" || l.ExpiresAt.IsZero() {
		return interview.Errorf(interview.CodeInvalid, "a login needs a token hash and an expiry")
	}
	return nil
}

// GetLoginByHash returns the login whose token hashes to hash, expired or not.
func (s *Store) GetLoginByHash(ctx context.Context, hash string) (interview.Login, error) {
	l, err := scanLogin(s.r.QueryRowContext(ctx, `SELECT `+loginCols+` FROM logins
		WHERE token_hash = ?`, hash))
	if err != nil {
		return l, fmt.Errorf("get login by hash: %w", err)
	}
	return l, nil
}

// TouchLogin records that a login was seen and slides its expiry.
func (s *Store) TouchLogin(ctx context.Context, id string, seen, expiresAt time.Time) error {
	fillTime(&seen, now())
	err := affected(s.w.ExecContext(ctx, `UPDATE logins SET last_seen_at = ?, expires_at = ?
		WHERE id = ?`, ts(seen), ts(expiresAt), id))
	if err != nil {
		return fmt.Errorf("touch login %s: %w", id, err)
	}
	return nil
}

// SwitchLoginTenant moves a login to tenantID, if its user is a member of
// it; otherwise nothing matches and it is ErrNotFound.
func (s *Store) SwitchLoginTenant(ctx context.Context, id, tenantID string) error {
	err := affected(s.w.ExecContext(ctx, `UPDATE logins SET tenant_id = ?1
		WHERE id = ?2 AND EXISTS (SELECT 1 FROM tenant_users tu
			WHERE tu.tenant_id = ?1 AND tu.user_id = logins.user_id)`, tenantID, id))
	if err != nil {
		return fmt.Errorf("switch login %s to tenant %s: %w", id, tenantID, err)
	}
	return nil
}

// DeleteLogin signs one login out.
func (s *Store) DeleteLogin(ctx context.Context, id string) error {
	if err := affected(s.w.ExecContext(ctx, `DELETE FROM logins WHERE id = ?`, id)); err != nil {
		return fmt.Errorf("delete login %s: %w", id, err)
	}
	return nil
}

// DeleteUserLogins signs a user out everywhere; none is not an error.
func (s *Store) DeleteUserLogins(ctx context.Context, userID string) error {
	if _, err := s.w.ExecContext(ctx, `DELETE FROM logins WHERE user_id = ?`, userID); err != nil {
		return fmt.Errorf("delete logins of user %s: %w", userID, dbErr(err))
	}
	return nil
}

// DeleteExpiredLogins deletes the logins of every tenant that expired at or
// before at, and returns how many.
func (s *Store) DeleteExpiredLogins(ctx context.Context, at time.Time) (int64, error) {
	n, err := deletedRows(s.w.ExecContext(ctx, `DELETE FROM logins WHERE expires_at <= ?`, ts(at)))
	if err != nil {
		return 0, fmt.Errorf("delete expired logins: %w", err)
	}
	return n, nil
}

// deletedRows is how many rows a DELETE of many matched; none is not an
// error.
func deletedRows(res sql.Result, err error) (int64, error) {
	if err != nil {
		return 0, dbErr(err)
	}
	return res.RowsAffected()
}
