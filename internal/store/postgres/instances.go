package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/interviewd/interviewd/internal/interview"
)

// serverOnly refuses the shared state of instances (heartbeats, leases,
// locks, throttles, notifications) through As: it is no user's.
func (s *Store) serverOnly(what string) error {
	if s.claims != "" {
		return fmt.Errorf("%s: %w", what, interview.Errorf(interview.CodeForbidden, "%s runs on the privileged path only", what))
	}
	return nil
}

// Heartbeat creates or refreshes inst's row; StartedAt and Host are kept
// from the first call. A zero HeartbeatAt is now, a zero StartedAt the
// heartbeat's time.
func (s *Store) Heartbeat(ctx context.Context, inst interview.Instance) error {
	if err := s.serverOnly("heartbeat"); err != nil {
		return err
	}
	fillTime(&inst.HeartbeatAt, now())
	fillTime(&inst.StartedAt, inst.HeartbeatAt)
	_, err := s.pool.Exec(ctx, `INSERT INTO instances (id, host, started_at, heartbeat_at, draining)
		VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at, draining = excluded.draining`,
		inst.ID, inst.Host, inst.StartedAt, inst.HeartbeatAt, inst.Draining)
	if err != nil {
		return fmt.Errorf("heartbeat %s: %w", inst.ID, dbErr(err))
	}
	return nil
}

// RemoveInstance deletes an instance's row, if it is there.
func (s *Store) RemoveInstance(ctx context.Context, id string) error {
	if err := s.serverOnly("remove instance"); err != nil {
		return err
	}
	if _, err := s.pool.Exec(ctx, `DELETE FROM instances WHERE id = $1`, id); err != nil {
		return fmt.Errorf("remove instance %s: %w", id, dbErr(err))
	}
	return nil
}

// ListInstances returns every instance, oldest start first.
func (s *Store) ListInstances(ctx context.Context) ([]interview.Instance, error) {
	if err := s.serverOnly("list instances"); err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT id, host, started_at, heartbeat_at, draining
		FROM instances ORDER BY started_at, id`)
	list, err := collect(rows, err, func(r pgx.Rows, v *interview.Instance) error {
		return r.Scan(&v.ID, &v.Host, &v.StartedAt, &v.HeartbeatAt, &v.Draining)
	})
	if err != nil {
		return nil, fmt.Errorf("list instances: %w", err)
	}
	return list, nil
}

// leaseCols are a lease's columns in interview.CallLease's order.
const leaseCols = `tenant_id::text, interview_id::text, owner, call_id, expires_at, updated_at`

// leaseDest scans leaseCols into l.
func leaseDest(l *interview.CallLease) []any {
	return []any{&l.TenantID, &l.InterviewID, &l.Owner, &l.CallID, &l.ExpiresAt, &l.UpdatedAt}
}

// AcquireLease takes or renews the interview's lease in one statement: the
// upsert's WHERE lets it change the row only when the lease expired at or
// before now, its owner holds no instance lock (it died) or l.Owner holds
// it, and the row lock it takes makes two instances acquiring at once see
// each other (one wins, one gets no row).
func (s *Store) AcquireLease(ctx context.Context, l interview.CallLease, at time.Time, ttl time.Duration) (interview.CallLease, error) {
	if err := s.serverOnly("acquire lease"); err != nil {
		return interview.CallLease{}, err
	}
	at = at.UTC().Truncate(time.Microsecond)
	var got interview.CallLease
	err := s.pool.QueryRow(ctx, `INSERT INTO call_leases AS c (tenant_id, interview_id, owner, call_id, expires_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (tenant_id, interview_id) DO UPDATE SET owner = excluded.owner,
			call_id = CASE excluded.call_id WHEN '' THEN c.call_id ELSE excluded.call_id END,
			expires_at = excluded.expires_at, updated_at = excluded.updated_at
		WHERE c.expires_at <= excluded.updated_at OR c.owner = excluded.owner OR NOT `+ownerAlive("c.owner")+`
		RETURNING `+leaseCols,
		l.TenantID, l.InterviewID, l.Owner, l.CallID, at.Add(ttl), at).Scan(leaseDest(&got)...)
	if !errors.Is(err, pgx.ErrNoRows) {
		if err != nil {
			return got, fmt.Errorf("acquire lease of interview %s: %w", l.InterviewID, dbErr(err))
		}
		return got, nil
	}
	// Held by another instance: report the lease as it stands.
	got, err = s.GetLease(ctx, l.TenantID, l.InterviewID)
	if err != nil {
		return got, fmt.Errorf("acquire lease: %w", err)
	}
	return got, fmt.Errorf("acquire lease of interview %s: %w", l.InterviewID,
		interview.Errorf(interview.CodeConflict, "the call is owned by instance %s until %s", got.Owner, got.ExpiresAt.Format(time.RFC3339Nano)))
}

// ReleaseLease expires owner's lease of the interview at once; the row
// stays, with its call ID, for the instance that takes the call next.
func (s *Store) ReleaseLease(ctx context.Context, tenantID, interviewID, owner string) error {
	if err := s.serverOnly("release lease"); err != nil {
		return err
	}
	_, err := s.pool.Exec(ctx, `UPDATE call_leases SET expires_at = $4, updated_at = $5
		WHERE tenant_id = $1 AND interview_id = $2 AND owner = $3`, tenantID, interviewID, owner, time.Time{}, now())
	if err != nil {
		return fmt.Errorf("release lease of interview %s: %w", interviewID, dbErr(err))
	}
	return nil
}

// HandOverLease makes to the holder of from's lease of the interview.
func (s *Store) HandOverLease(ctx context.Context, tenantID, interviewID, from, to string, at time.Time, ttl time.Duration) error {
	if err := s.serverOnly("hand over lease"); err != nil {
		return err
	}
	at = at.UTC().Truncate(time.Microsecond)
	_, err := s.pool.Exec(ctx, `UPDATE call_leases SET owner = $4, expires_at = $5, updated_at = $6
		WHERE tenant_id = $1 AND interview_id = $2 AND owner = $3`, tenantID, interviewID, from, to, at.Add(ttl), at)
	if err != nil {
		return fmt.Errorf("hand over lease of interview %s: %w", interviewID, dbErr(err))
	}
	return nil
}

// GetLease returns the interview's lease; ErrNotFound when it has none.
func (s *Store) GetLease(ctx context.Context, tenantID, interviewID string) (interview.CallLease, error) {
	var l interview.CallLease
	if err := s.serverOnly("get lease"); err != nil {
		return l, err
	}
	err := s.pool.QueryRow(ctx, `SELECT `+leaseCols+` FROM call_leases
		WHERE tenant_id = $1 AND interview_id = $2`, tenantID, interviewID).Scan(leaseDest(&l)...)
	if err != nil {
		return l, fmt.Errorf("get lease of interview %s: %w", interviewID, dbErr(err))
	}
	return l, nil
}

// ListOrphans returns the interviews in progress whose lease expired at or
// before at or whose owner holds no instance lock, or that have none,
// oldest start first (one read of pg_locks for them all). Without a lease the
// call ID is the interview's own (the call it started with).
func (s *Store) ListOrphans(ctx context.Context, tenantID string, at time.Time) ([]interview.CallLease, error) {
	if err := s.serverOnly("list orphaned calls"); err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `WITH alive AS MATERIALIZED (`+aliveLocks+`)
		SELECT s.tenant_id::text, s.id::text, coalesce(l.owner, ''),
			coalesce(nullif(l.call_id, ''), s.call_id), l.expires_at, l.updated_at
		FROM interview_sessions s
		LEFT JOIN call_leases l ON l.tenant_id = s.tenant_id AND l.interview_id = s.id
		WHERE s.status = 'in_progress' AND ($1 = '' OR s.tenant_id::text = $1)
		  AND (l.expires_at IS NULL OR l.expires_at <= $2 OR hashtext(l.owner)::oid NOT IN (SELECT objid FROM alive))
		ORDER BY s.started_at, s.id`, tenantID, at.UTC())
	list, err := collect(rows, err, func(r pgx.Rows, l *interview.CallLease) error {
		var expires, updated *time.Time
		err := r.Scan(&l.TenantID, &l.InterviewID, &l.Owner, &l.CallID, &expires, &updated)
		if expires != nil {
			l.ExpiresAt, l.UpdatedAt = *expires, *updated
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("list orphaned calls: %w", err)
	}
	return list, nil
}
