package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/interviewd/interviewd/internal/interview"
)

// SetHiringStatus sets an interview's hiring status and appends d to its
// history in one write transaction; the status it has already changes
// nothing.
func (s *Store) SetHiringStatus(ctx context.Context, d *interview.HiringDecision) (interview.Session, error) {
	if !d.Status.Valid() {
		return interview.Session{}, interview.Errorf(interview.CodeInvalid, "unknown hiring status %q", d.Status)
	}
	fillTime(&d.At, now())
	var v interview.Session
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		if v, err = getSession(ctx, tx, d.TenantID, d.InterviewID); err != nil || v.HiringStatus == d.Status {
			return err
		}
		v.HiringStatus = d.Status
		if _, err := tx.ExecContext(ctx, `UPDATE interview_sessions SET hiring_status = ?
			WHERE tenant_id = ? AND id = ?`, string(d.Status), d.TenantID, d.InterviewID); err != nil {
			return dbErr(err)
		}
		fillID(&d.ID)
		_, err = tx.ExecContext(ctx, `INSERT INTO hiring_decisions (id, tenant_id, interview_id, status,
			actor_kind, actor_id, actor_name, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			d.ID, d.TenantID, d.InterviewID, string(d.Status), d.ActorKind, d.ActorID, d.ActorName, ts(d.At))
		return dbErr(err)
	})
	if err != nil {
		return interview.Session{}, fmt.Errorf("set hiring status of interview %s: %w", d.InterviewID, err)
	}
	return v, nil
}

// ListHiringDecisions returns an interview's decisions, oldest first.
func (s *Store) ListHiringDecisions(ctx context.Context, tenantID, interviewID string) ([]interview.HiringDecision, error) {
	if err := s.sessionExists(ctx, tenantID, interviewID); err != nil {
		return nil, fmt.Errorf("list hiring decisions of interview %s: %w", interviewID, err)
	}
	rows, err := s.r.QueryContext(ctx, `SELECT id, tenant_id, interview_id, status, actor_kind, actor_id,
		actor_name, decided_at FROM hiring_decisions
		WHERE tenant_id = ? AND interview_id = ? ORDER BY decided_at, rowid`, tenantID, interviewID)
	list, err := collect(rows, err, func(r *sql.Rows, d *interview.HiringDecision) error {
		return r.Scan(&d.ID, &d.TenantID, &d.InterviewID, &d.Status, &d.ActorKind, &d.ActorID,
			&d.ActorName, timeDest{&d.At})
	})
	if err != nil {
		return nil, fmt.Errorf("list hiring decisions of interview %s: %w", interviewID, err)
	}
	return list, nil
}
