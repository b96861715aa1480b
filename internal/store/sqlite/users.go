package sqlite

import (
	"context"
	"fmt"

	"github.com/interviewd/interviewd/internal/interview"
)

const userCols = `id, email, name, password_hash, created_at`

func scanUser(row scanner) (interview.User, error) {
	var u interview.User
	if err := row.Scan(&u.ID, &u.Email, &u.Name, &u.PasswordHash, timeDest{&u.CreatedAt}); err != nil {
		return interview.User{}, dbErr(err)
	}
	return u, nil
}

// CreateUser stores u with its email normalised; ErrConflict if the email is
// taken.
func (s *Store) CreateUser(ctx context.Context, u *interview.User) error {
	u.Email = interview.NormalizeEmail(u.Email)
	if err := u.Validate(); err != nil {
		return err
	}
	fillID(&u.ID)
	fillTime(&u.CreatedAt, now())
	_, err := s.w.ExecContext(ctx, `INSERT INTO users (`+userCols+`) VALUES (?, ?, ?, ?, ?)`,
		u.ID, u.Email, u.Name, u.PasswordHash, ts(u.CreatedAt))
	if err != nil {
		return fmt.Errorf("create user %s: %w", u.ID, dbErr(err))
	}
	return nil
}

// GetUser returns the user id.
func (s *Store) GetUser(ctx context.Context, id string) (interview.User, error) {
	u, err := scanUser(s.r.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE id = ?`, id))
	if err != nil {
		return u, fmt.Errorf("get user %s: %w", id, err)
	}
	return u, nil
}

// GetUserByEmail returns the user with email, compared normalised.
func (s *Store) GetUserByEmail(ctx context.Context, email string) (interview.User, error) {
	email = interview.NormalizeEmail(email)
	u, err := scanUser(s.r.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE email = ?`, email))
	if err != nil {
		return u, fmt.Errorf("get user by email: %w", err)
	}
	return u, nil
}

// SetPasswordHash replaces a user's password hash.
func (s *Store) SetPasswordHash(ctx context.Context, userID, hash string) error {
	err := affected(s.w.ExecContext(ctx, `UPDATE users SET password_hash = ? WHERE id = ?`, hash, userID))
	if err != nil {
		return fmt.Errorf("set password of user %s: %w", userID, err)
	}
	return nil
}
