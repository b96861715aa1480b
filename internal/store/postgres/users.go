package postgres

import (
	"context"
	"fmt"

	"github.com/interviewd/interviewd/internal/interview"
)

const userCols = `id, email, name, password_hash, created_at`

// userReadCols is what a user is read with. The authenticated role may not
// read password_hash (co-members can see each other's rows), so through As
// the hash comes back empty; it is the privileged path's business.
func (s *Store) userReadCols() string {
	if s.claims != "" {
		return `id, email, name, ''::text, created_at`
	}
	return userCols
}

func scanUser(r interface{ Scan(...any) error }) (interview.User, error) {
	var u interview.User
	if err := r.Scan(&u.ID, &u.Email, &u.Name, &u.PasswordHash, &u.CreatedAt); err != nil {
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
	_, err := s.q().Exec(ctx, `INSERT INTO users (`+userCols+`) VALUES ($1, $2, $3, $4, $5)`,
		u.ID, u.Email, u.Name, u.PasswordHash, u.CreatedAt)
	if err != nil {
		return fmt.Errorf("create user %s: %w", u.ID, dbErr(err))
	}
	return nil
}

// GetUser returns the user id; through As, with an empty PasswordHash.
func (s *Store) GetUser(ctx context.Context, id string) (interview.User, error) {
	u, err := scanUser(s.q().QueryRow(ctx, `SELECT `+s.userReadCols()+` FROM users WHERE id = $1`, id))
	if err != nil {
		return u, fmt.Errorf("get user %s: %w", id, err)
	}
	return u, nil
}

// GetUserByEmail returns the user with email, compared normalised.
func (s *Store) GetUserByEmail(ctx context.Context, email string) (interview.User, error) {
	email = interview.NormalizeEmail(email)
	u, err := scanUser(s.q().QueryRow(ctx, `SELECT `+s.userReadCols()+` FROM users WHERE email = $1`, email))
	if err != nil {
		return u, fmt.Errorf("get user by email: %w", err)
	}
	return u, nil
}

// SetPasswordHash replaces a user's password hash. Through As it is
// ErrForbidden: the authenticated role may not write the column.
func (s *Store) SetPasswordHash(ctx context.Context, userID, hash string) error {
	err := affected(s.q().Exec(ctx, `UPDATE users SET password_hash = $1 WHERE id = $2`, hash, userID))
	if err != nil {
		return fmt.Errorf("set password of user %s: %w", userID, err)
	}
	return nil
}
