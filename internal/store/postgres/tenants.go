package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

// CreateTenant stores t and, when ownerID is not empty, makes that user its
// owner in the same transaction; an unknown owner is ErrNotFound and leaves
// no tenant behind. For an actor the policies refuse it (ErrForbidden):
// organisations are created by sign-up, on the privileged path.
func (s *Store) CreateTenant(ctx context.Context, t *interview.Tenant, ownerID string) error {
	if err := t.Validate(); err != nil {
		return err
	}
	if err := store.PrepareTenantRetention(t); err != nil {
		return err
	}
	fillID(&t.ID)
	fillTime(&t.CreatedAt, now())
	err := s.tx(ctx, func(tx pgx.Tx) error {
		err := insertTenant(ctx, tx, t)
		if err != nil || ownerID == "" {
			return err
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
	err := s.q().QueryRow(ctx, `SELECT id, name, created_at, recording_retention_days,
		transcript_retention_days FROM tenants WHERE id = $1`, id).
		Scan(&t.ID, &t.Name, &t.CreatedAt, &t.Retention.RecordingDays, &t.Retention.TranscriptDays)
	if err != nil {
		return interview.Tenant{}, fmt.Errorf("get tenant %s: %w", id, dbErr(err))
	}
	return t, nil
}

// AddMember stores m; ErrConflict if the user is already a member,
// ErrNotFound if the tenant or the user does not exist.
func (s *Store) AddMember(ctx context.Context, m *interview.Membership) error {
	if !m.Role.Valid() {
		return interview.Errorf(interview.CodeInvalid, "unknown role %q", m.Role)
	}
	fillTime(&m.CreatedAt, now())
	if err := insertMember(ctx, s.q(), *m); err != nil {
		return fmt.Errorf("add member %s to tenant %s: %w", m.UserID, m.TenantID, dbErr(err))
	}
	return nil
}

func insertMember(ctx context.Context, q db, m interview.Membership) error {
	_, err := q.Exec(ctx, `INSERT INTO tenant_users (tenant_id, user_id, role, created_at)
		VALUES ($1, $2, $3, $4)`, m.TenantID, m.UserID, string(m.Role), m.CreatedAt)
	return err
}

const membershipCols = `tu.tenant_id, tu.user_id, tu.role, tu.created_at`

// GetMembership returns userID's membership of tenantID.
func (s *Store) GetMembership(ctx context.Context, tenantID, userID string) (interview.Membership, error) {
	var m interview.Membership
	err := s.q().QueryRow(ctx, `SELECT `+membershipCols+` FROM tenant_users tu
		WHERE tu.tenant_id = $1 AND tu.user_id = $2`, tenantID, userID).
		Scan(&m.TenantID, &m.UserID, &m.Role, &m.CreatedAt)
	if err != nil {
		return interview.Membership{}, fmt.Errorf("get membership of %s in tenant %s: %w", userID, tenantID, dbErr(err))
	}
	return m, nil
}

// ListMembers returns a tenant's members with their names, oldest first.
func (s *Store) ListMembers(ctx context.Context, tenantID string) ([]interview.Member, error) {
	rows, err := s.q().Query(ctx, `SELECT `+membershipCols+`, u.email, u.name
		FROM tenant_users tu JOIN users u ON u.id = tu.user_id
		WHERE tu.tenant_id = $1 ORDER BY tu.created_at, tu.user_id`, tenantID)
	list, err := collect(rows, err, func(r pgx.Rows, m *interview.Member) error {
		return r.Scan(&m.TenantID, &m.UserID, &m.Role, &m.CreatedAt, &m.Email, &m.Name)
	})
	if err != nil {
		return nil, fmt.Errorf("list members of tenant %s: %w", tenantID, err)
	}
	return list, nil
}

// ListMemberships returns the tenants userID belongs to, oldest first.
func (s *Store) ListMemberships(ctx context.Context, userID string) ([]interview.Membership, error) {
	rows, err := s.q().Query(ctx, `SELECT `+membershipCols+` FROM tenant_users tu
		WHERE tu.user_id = $1 ORDER BY tu.created_at, tu.tenant_id`, userID)
	list, err := collect(rows, err, func(r pgx.Rows, m *interview.Membership) error {
		return r.Scan(&m.TenantID, &m.UserID, &m.Role, &m.CreatedAt)
	})
	if err != nil {
		return nil, fmt.Errorf("list memberships of %s: %w", userID, err)
	}
	return list, nil
}

// UpdateMemberRole changes userID's role in tenantID.
func (s *Store) UpdateMemberRole(ctx context.Context, tenantID, userID string, role interview.Role) error {
	if !role.Valid() {
		return interview.Errorf(interview.CodeInvalid, "unknown role %q", role)
	}
	err := affected(s.q().Exec(ctx, `UPDATE tenant_users SET role = $1
		WHERE tenant_id = $2 AND user_id = $3`, string(role), tenantID, userID))
	if err != nil {
		return fmt.Errorf("set role of %s in tenant %s: %w", userID, tenantID, err)
	}
	return nil
}

// RemoveMember ends userID's membership of tenantID and, in the same
// transaction, revokes the API keys the user created there and, on the
// privileged path, deletes the user's logins working in it (an actor has
// no privilege on logins: the caller deletes them).
func (s *Store) RemoveMember(ctx context.Context, tenantID, userID string) error {
	at := now()
	err := s.tx(ctx, func(tx pgx.Tx) error {
		err := affected(tx.Exec(ctx, `DELETE FROM tenant_users WHERE tenant_id = $1 AND user_id = $2`,
			tenantID, userID))
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE api_keys SET revoked_at = coalesce(revoked_at, $1)
			WHERE tenant_id = $2 AND created_by = $3`, at, tenantID, userID); err != nil {
			return err
		}
		if s.claims != "" {
			return nil
		}
		_, err = tx.Exec(ctx, `DELETE FROM logins WHERE tenant_id = $1 AND user_id = $2`, tenantID, userID)
		return err
	})
	if err != nil {
		return fmt.Errorf("remove member %s from tenant %s: %w", userID, tenantID, dbErr(err))
	}
	return nil
}

// CreateUserWithTenant stores u, the tenant t and u's ownership of it in one
// transaction, after validating both: a failed sign-up leaves nothing. For
// an actor the policies refuse it (ErrForbidden), as for CreateTenant.
func (s *Store) CreateUserWithTenant(ctx context.Context, u *interview.User, t *interview.Tenant) error {
	return s.createUserWithTenant(ctx, u, t, false)
}

// CreateFirstUserWithTenant is CreateUserWithTenant on an empty instance
// only. A transaction-scoped advisory lock serialises first sign-ups, and
// the check runs after it is granted, so under READ COMMITTED it sees a
// parallel sign-up that committed while it waited.
func (s *Store) CreateFirstUserWithTenant(ctx context.Context, u *interview.User, t *interview.Tenant) error {
	return s.createUserWithTenant(ctx, u, t, true)
}

// Empty reports whether the instance has no user and no tenant yet.
func (s *Store) Empty(ctx context.Context) (bool, error) {
	var some bool
	if err := s.q().QueryRow(ctx, anyAccount).Scan(&some); err != nil {
		return false, fmt.Errorf("empty: %w", dbErr(err))
	}
	return !some, nil
}

// anyAccount is true once a user or a tenant exists.
const anyAccount = `SELECT EXISTS (SELECT 1 FROM users) OR EXISTS (SELECT 1 FROM tenants)`

// firstSignUpLock is the advisory lock key of first sign-ups.
const firstSignUpLock = 0x696e7669657764 // "inviewd"

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
	err := s.tx(ctx, func(tx pgx.Tx) error {
		if first {
			if err := checkEmpty(ctx, tx); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `INSERT INTO users (`+userCols+`) VALUES ($1, $2, $3, $4, $5)`,
			u.ID, u.Email, u.Name, u.PasswordHash, u.CreatedAt); err != nil {
			return err
		}
		if err := insertTenant(ctx, tx, t); err != nil {
			return err
		}
		return insertMember(ctx, tx, interview.Membership{
			TenantID: t.ID, UserID: u.ID, Role: interview.RoleOwner, CreatedAt: t.CreatedAt,
		})
	})
	if err != nil {
		return fmt.Errorf("create user %s with tenant %s: %w", u.ID, t.ID, dbErr(err))
	}
	return nil
}

// checkEmpty takes the first sign-up lock, then is store.ErrNotEmpty once
// a user or a tenant exists.
func checkEmpty(ctx context.Context, tx pgx.Tx) error {
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(firstSignUpLock)); err != nil {
		return err
	}
	var some bool
	if err := tx.QueryRow(ctx, anyAccount).Scan(&some); err != nil {
		return err
	}
	if some {
		return store.ErrNotEmpty
	}
	return nil
}

// insertTenant stores t with its retention settings.
func insertTenant(ctx context.Context, tx pgx.Tx, t *interview.Tenant) error {
	_, err := tx.Exec(ctx, `INSERT INTO tenants (id, name, created_at, recording_retention_days,
		transcript_retention_days) VALUES ($1, $2, $3, $4, $5)`,
		t.ID, t.Name, t.CreatedAt, t.Retention.RecordingDays, t.Retention.TranscriptDays)
	return err
}
