package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

// CreateTenant stores t and, when ownerID is not empty, makes that user its
// owner in the same transaction; an unknown owner is ErrNotFound and leaves
// no tenant behind.
func (s *Store) CreateTenant(ctx context.Context, t *interview.Tenant, ownerID string) error {
	if err := t.Validate(); err != nil {
		return err
	}
	if err := store.PrepareTenantRetention(t); err != nil {
		return err
	}
	fillID(&t.ID)
	fillTime(&t.CreatedAt, now())
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		err := insertTenant(ctx, tx, t)
		if err != nil || ownerID == "" {
			return dbErr(err)
		}
		return insertMember(ctx, tx, interview.Membership{
			TenantID: t.ID, UserID: ownerID, Role: interview.RoleOwner, CreatedAt: t.CreatedAt,
		})
	})
	if err != nil {
		return fmt.Errorf("create tenant %s: %w", t.ID, err)
	}
	return nil
}

// GetTenant returns the tenant id.
func (s *Store) GetTenant(ctx context.Context, id string) (interview.Tenant, error) {
	var t interview.Tenant
	err := s.r.QueryRowContext(ctx,
		`SELECT id, name, created_at, recording_retention_days, transcript_retention_days
		FROM tenants WHERE id = ?`, id,
	).Scan(&t.ID, &t.Name, timeDest{&t.CreatedAt}, &t.Retention.RecordingDays, &t.Retention.TranscriptDays)
	if err != nil {
		return interview.Tenant{}, fmt.Errorf("get tenant %s: %w", id, dbErr(err))
	}
	return t, nil
}

// AddMember stores m; ErrConflict if the user is already a member, ErrNotFound
// if the tenant or the user does not exist.
func (s *Store) AddMember(ctx context.Context, m *interview.Membership) error {
	if !m.Role.Valid() {
		return interview.Errorf(interview.CodeInvalid, "unknown role %q", m.Role)
	}
	fillTime(&m.CreatedAt, now())
	if err := insertMember(ctx, s.w, *m); err != nil {
		return fmt.Errorf("add member %s to tenant %s: %w", m.UserID, m.TenantID, err)
	}
	return nil
}

// execer is what *sql.DB and *sql.Tx share for writing.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func insertMember(ctx context.Context, db execer, m interview.Membership) error {
	_, err := db.ExecContext(ctx,
		`INSERT INTO tenant_users (tenant_id, user_id, role, created_at) VALUES (?, ?, ?, ?)`,
		m.TenantID, m.UserID, string(m.Role), ts(m.CreatedAt))
	return dbErr(err)
}

const membershipCols = `tu.tenant_id, tu.user_id, tu.role, tu.created_at`

func scanMembership(row scanner, m *interview.Membership, extra ...any) error {
	dest := append([]any{&m.TenantID, &m.UserID, &m.Role, timeDest{&m.CreatedAt}}, extra...)
	return row.Scan(dest...)
}

// GetMembership returns userID's membership of tenantID.
func (s *Store) GetMembership(ctx context.Context, tenantID, userID string) (interview.Membership, error) {
	var m interview.Membership
	row := s.r.QueryRowContext(ctx, `SELECT `+membershipCols+` FROM tenant_users tu
		WHERE tu.tenant_id = ? AND tu.user_id = ?`, tenantID, userID)
	if err := scanMembership(row, &m); err != nil {
		return interview.Membership{}, fmt.Errorf("get membership of %s in tenant %s: %w", userID, tenantID, dbErr(err))
	}
	return m, nil
}

// ListMembers returns a tenant's members with their names, oldest first.
func (s *Store) ListMembers(ctx context.Context, tenantID string) ([]interview.Member, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+membershipCols+`, u.email, u.name
		FROM tenant_users tu JOIN users u ON u.id = tu.user_id
		WHERE tu.tenant_id = ? ORDER BY tu.created_at, tu.user_id`, tenantID)
	if err != nil {
		return nil, fmt.Errorf("list members of tenant %s: %w", tenantID, dbErr(err))
	}
	defer rows.Close()
	list := []interview.Member{}
	for rows.Next() {
		var m interview.Member
		if err := scanMembership(rows, &m.Membership, &m.Email, &m.Name); err != nil {
			return nil, fmt.Errorf("list members of tenant %s: %w", tenantID, err)
		}
		list = append(list, m)
	}
	return list, rows.Err()
}

// ListMemberships returns the tenants userID belongs to, oldest first.
func (s *Store) ListMemberships(ctx context.Context, userID string) ([]interview.Membership, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+membershipCols+` FROM tenant_users tu
		WHERE tu.user_id = ? ORDER BY tu.created_at, tu.tenant_id`, userID)
	if err != nil {
		return nil, fmt.Errorf("list memberships of %s: %w", userID, dbErr(err))
	}
	defer rows.Close()
	list := []interview.Membership{}
	for rows.Next() {
		var m interview.Membership
		if err := scanMembership(rows, &m); err != nil {
			return nil, fmt.Errorf("list memberships of %s: %w", userID, err)
		}
		list = append(list, m)
	}
	return list, rows.Err()
}

// UpdateMemberRole changes userID's role in tenantID.
func (s *Store) UpdateMemberRole(ctx context.Context, tenantID, userID string, role interview.Role) error {
	if !role.Valid() {
		return interview.Errorf(interview.CodeInvalid, "unknown role %q", role)
	}
	err := affected(s.w.ExecContext(ctx,
		`UPDATE tenant_users SET role = ? WHERE tenant_id = ? AND user_id = ?`,
		string(role), tenantID, userID))
	if err != nil {
		return fmt.Errorf("set role of %s in tenant %s: %w", userID, tenantID, err)
	}
	return nil
}

// RemoveMember ends userID's membership of tenantID and, in the same
// transaction, revokes the API keys the user created there and deletes the
// user's logins working in it, so that nothing they held outlives them.
func (s *Store) RemoveMember(ctx context.Context, tenantID, userID string) error {
	at := ts(now())
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		err := affected(tx.ExecContext(ctx,
			`DELETE FROM tenant_users WHERE tenant_id = ? AND user_id = ?`, tenantID, userID))
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?)
			WHERE tenant_id = ? AND created_by = ?`, at, tenantID, userID); err != nil {
			return dbErr(err)
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM logins WHERE tenant_id = ? AND user_id = ?`, tenantID, userID)
		return dbErr(err)
	})
	if err != nil {
		return fmt.Errorf("remove member %s from tenant %s: %w", userID, tenantID, err)
	}
	return nil
}

// CreateUserWithTenant stores u, the tenant t and u's ownership of it in one
// transaction, after validating both: a failed sign-up leaves nothing.
func (s *Store) CreateUserWithTenant(ctx context.Context, u *interview.User, t *interview.Tenant) error {
	return s.createUserWithTenant(ctx, u, t, false)
}

// CreateFirstUserWithTenant is CreateUserWithTenant on an empty instance
// only. The writer's one connection and BEGIN IMMEDIATE serialise it with
// every other write, so the check and the inserts cannot interleave with a
// parallel sign-up.
func (s *Store) CreateFirstUserWithTenant(ctx context.Context, u *interview.User, t *interview.Tenant) error {
	return s.createUserWithTenant(ctx, u, t, true)
}

// Empty reports whether the instance has no user and no tenant yet.
func (s *Store) Empty(ctx context.Context) (bool, error) {
	var some bool
	if err := s.r.QueryRowContext(ctx, anyAccount).Scan(&some); err != nil {
		return false, fmt.Errorf("empty: %w", dbErr(err))
	}
	return !some, nil
}

// anyAccount is true once a user or a tenant exists.
const anyAccount = `SELECT EXISTS (SELECT 1 FROM users) OR EXISTS (SELECT 1 FROM tenants)`

func (s *Store) createUserWithTenant(ctx context.Context, u *interview.User, t *interview.Tenant, first bool) error {
	u.Email = interview.NormalizeEmail(u.Email)
	if err := u.Validate(); err != nil {
		return err
	}
	if err := t.Validate(); err != nil {
		return err
	}
	if err := store.PrepareTenantRetention(t); err != nil {
		return err
	}
	fillID(&u.ID)
	fillTime(&u.CreatedAt, now())
	fillID(&t.ID)
	fillTime(&t.CreatedAt, u.CreatedAt)
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if first {
			if err := checkEmpty(ctx, tx); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO users (`+userCols+`) VALUES (?, ?, ?, ?, ?)`,
			u.ID, u.Email, u.Name, u.PasswordHash, ts(u.CreatedAt)); err != nil {
			return dbErr(err)
		}
		if err := insertTenant(ctx, tx, t); err != nil {
			return err
		}
		return insertMember(ctx, tx, interview.Membership{
			TenantID: t.ID, UserID: u.ID, Role: interview.RoleOwner, CreatedAt: t.CreatedAt,
		})
	})
	if err != nil {
		return fmt.Errorf("create user %s with tenant %s: %w", u.ID, t.ID, err)
	}
	return nil
}

// checkEmpty is store.ErrNotEmpty once a user or a tenant exists.
func checkEmpty(ctx context.Context, tx *sql.Tx) error {
	var some bool
	if err := tx.QueryRowContext(ctx, anyAccount).Scan(&some); err != nil {
		return dbErr(err)
	}
	if some {
		return store.ErrNotEmpty
	}
	return nil
}

// insertTenant stores t with its retention settings.
func insertTenant(ctx context.Context, db execer, t *interview.Tenant) error {
	_, err := db.ExecContext(ctx, `INSERT INTO tenants (id, name, created_at, recording_retention_days,
		transcript_retention_days) VALUES (?, ?, ?, ?, ?)`,
		t.ID, t.Name, ts(t.CreatedAt), t.Retention.RecordingDays, t.Retention.TranscriptDays)
	return dbErr(err)
}
