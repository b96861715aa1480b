package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
)

// Heartbeat creates or refreshes inst's row; StartedAt and Host are kept
// from the first call. A zero HeartbeatAt is now, a zero StartedAt the
// heartbeat's time.
func (s *Store) Heartbeat(ctx context.Context, inst interview.Instance) error {
	fillTime(&inst.HeartbeatAt, now())
	fillTime(&inst.StartedAt, inst.HeartbeatAt)
	_, err := s.w.ExecContext(ctx, `INSERT INTO instances (id, host, started_at, heartbeat_at, draining)
		VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at, draining = excluded.draining`,
		inst.ID, inst.Host, ts(inst.StartedAt), ts(inst.HeartbeatAt), inst.Draining)
	if err != nil {
		return fmt.Errorf("heartbeat %s: %w", inst.ID, dbErr(err))
	}
	return nil
}

// RemoveInstance deletes an instance's row, if it is there.
func (s *Store) RemoveInstance(ctx context.Context, id string) error {
	if _, err := s.w.ExecContext(ctx, `DELETE FROM instances WHERE id = ?`, id); err != nil {
		return fmt.Errorf("remove instance %s: %w", id, dbErr(err))
	}
	return nil
}

// ListInstances returns every instance, oldest start first.
func (s *Store) ListInstances(ctx context.Context) ([]interview.Instance, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, host, started_at, heartbeat_at, draining
		FROM instances ORDER BY started_at, id`)
	list, err := collect(rows, err, func(r *sql.Rows, v *interview.Instance) error {
		return r.Scan(&v.ID, &v.Host, timeDest{&v.StartedAt}, timeDest{&v.HeartbeatAt}, &v.Draining)
	})
	if err != nil {
		return nil, fmt.Errorf("list instances: %w", err)
	}
	return list, nil
}

// leaseCols are a lease's columns in interview.CallLease's order.
const leaseCols = `tenant_id, interview_id, owner, call_id, expires_at, updated_at`

// leaseDest scans leaseCols into l.
func leaseDest(l *interview.CallLease) []any {
	return []any{&l.TenantID, &l.InterviewID, &l.Owner, &l.CallID,
		timeDest{&l.ExpiresAt}, timeDest{&l.UpdatedAt}}
}

// AcquireLease takes or renews the interview's lease in one statement: the
// upsert's WHERE lets it change the row only when the lease expired at or
// before now or l.Owner holds it. The writer's one connection makes it
// atomic, as the write lock would anyway.
func (s *Store) AcquireLease(ctx context.Context, l interview.CallLease, at time.Time, ttl time.Duration) (interview.CallLease, error) {
	at = at.UTC().Truncate(time.Microsecond)
	var got interview.CallLease
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO call_leases (`+leaseCols+`) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (tenant_id, interview_id) DO UPDATE SET owner = excluded.owner,
				call_id = CASE excluded.call_id WHEN '' THEN call_leases.call_id ELSE excluded.call_id END,
				expires_at = excluded.expires_at, updated_at = excluded.updated_at
			WHERE call_leases.expires_at <= excluded.updated_at OR call_leases.owner = excluded.owner
			RETURNING `+leaseCols,
			l.TenantID, l.InterviewID, l.Owner, l.CallID, ts(at.Add(ttl)), ts(at)).Scan(leaseDest(&got)...)
		if !errors.Is(err, sql.ErrNoRows) {
			return dbErr(err)
		}
		// Held by another instance: report the lease as it stands.
		if err := tx.QueryRowContext(ctx, `SELECT `+leaseCols+` FROM call_leases
			WHERE tenant_id = ? AND interview_id = ?`, l.TenantID, l.InterviewID).Scan(leaseDest(&got)...); err != nil {
			return dbErr(err)
		}
		return interview.Errorf(interview.CodeConflict, "the call is owned by instance %s until %s", got.Owner, ts(got.ExpiresAt))
	})
	if err != nil {
		return got, fmt.Errorf("acquire lease of interview %s: %w", l.InterviewID, err)
	}
	return got, nil
}

// ReleaseLease expires owner's lease of the interview at once; the row
// stays, with its call ID, for the instance that takes the call next.
func (s *Store) ReleaseLease(ctx context.Context, tenantID, interviewID, owner string) error {
	_, err := s.w.ExecContext(ctx, `UPDATE call_leases SET expires_at = ?, updated_at = ?
		WHERE tenant_id = ? AND interview_id = ? AND owner = ?`,
		ts(time.Time{}), ts(now()), tenantID, interviewID, owner)
	if err != nil {
		return fmt.Errorf("release lease of interview %s: %w", interviewID, dbErr(err))
	}
	return nil
}

// HandOverLease makes to the holder of from's lease of the interview.
func (s *Store) HandOverLease(ctx context.Context, tenantID, interviewID, from, to string, at time.Time, ttl time.Duration) error {
	_, err := s.w.ExecContext(ctx, `UPDATE call_leases SET owner = ?, expires_at = ?, updated_at = ?
		WHERE tenant_id = ? AND interview_id = ? AND owner = ?`,
		to, ts(at.Add(ttl)), ts(at), tenantID, interviewID, from)
	if err != nil {
		return fmt.Errorf("hand over lease of interview %s: %w", interviewID, dbErr(err))
	}
	return nil
}

// GetLease returns the interview's lease; ErrNotFound when it has none.
func (s *Store) GetLease(ctx context.Context, tenantID, interviewID string) (interview.CallLease, error) {
	var l interview.CallLease
	err := s.r.QueryRowContext(ctx, `SELECT `+leaseCols+` FROM call_leases
		WHERE tenant_id = ? AND interview_id = ?`, tenantID, interviewID).Scan(leaseDest(&l)...)
	if err != nil {
		return l, fmt.Errorf("get lease of interview %s: %w", interviewID, dbErr(err))
	}
	return l, nil
}

// ListOrphans returns the interviews in progress whose lease expired at or
// before at, or that have none, oldest start first. Without a lease the
// call ID is the interview's own (the call it started with).
func (s *Store) ListOrphans(ctx context.Context, tenantID string, at time.Time) ([]interview.CallLease, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT s.tenant_id, s.id, coalesce(l.owner, ''),
			coalesce(nullif(l.call_id, ''), s.call_id), l.expires_at, l.updated_at
		FROM interview_sessions s
		LEFT JOIN call_leases l ON l.tenant_id = s.tenant_id AND l.interview_id = s.id
		WHERE s.status = 'in_progress' AND (? = '' OR s.tenant_id = ?)
		  AND (l.expires_at IS NULL OR l.expires_at <= ?)
		ORDER BY s.started_at, s.id`, tenantID, tenantID, ts(at))
	list, err := collect(rows, err, func(r *sql.Rows, l *interview.CallLease) error {
		return r.Scan(leaseDest(l)...)
	})
	if err != nil {
		return nil, fmt.Errorf("list orphaned calls: %w", err)
	}
	return list, nil
}

// HoldInstance holds nothing: SQLite serves one process (the DATA_DIR
// lock), whose instances live and die together, so leases expire by time
// alone.
func (s *Store) HoldInstance(_ context.Context, id string) (func(), error) {
	if id == "" {
		return nil, fmt.Errorf("hold instance: %w", interview.Errorf(interview.CodeInvalid, "an instance needs an ID"))
	}
	return func() {}, nil
}
