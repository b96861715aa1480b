package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/interviewd/interviewd/internal/interview"
)

// SetHiringStatus sets an interview's hiring status and appends d to its
// history in one transaction. The UPDATE changes the row only when the
// status differs, and its row lock makes a parallel setter of the same
// status find nothing to change, so the history holds changes only.
func (s *Store) SetHiringStatus(ctx context.Context, d *interview.HiringDecision) (interview.Session, error) {
	if !d.Status.Valid() {
		return interview.Session{}, interview.Errorf(interview.CodeInvalid, "unknown hiring status %q", d.Status)
	}
	fillTime(&d.At, now())
	var v interview.Session
	err := s.tx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE interview_sessions SET hiring_status = $1
			WHERE tenant_id = $2 AND id = $3 AND hiring_status <> $1`, string(d.Status), d.TenantID, d.InterviewID)
		if err != nil {
			return err
		}
		if v, err = getSession(ctx, tx, d.TenantID, d.InterviewID, ""); err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return unchanged(v, d.Status)
		}
		fillID(&d.ID)
		_, err = tx.Exec(ctx, `INSERT INTO hiring_decisions (id, tenant_id, interview_id, status,
			actor_kind, actor_id, actor_name, decided_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			d.ID, d.TenantID, d.InterviewID, string(d.Status), d.ActorKind, d.ActorID, d.ActorName, d.At)
		return err
	})
	if err != nil {
		return interview.Session{}, fmt.Errorf("set hiring status of interview %s: %w", d.InterviewID, err)
	}
	return v, nil
}

// unchanged tells why the UPDATE changed no visible row: the interview
// has the status already (no error), or a policy let the actor read it
// but not change it (ErrForbidden).
func unchanged(v interview.Session, want interview.HiringStatus) error {
	if v.HiringStatus == want {
		return nil
	}
	return interview.Errorf(interview.CodeForbidden, "only owners and recruiters set the hiring status")
}

// ListHiringDecisions returns an interview's decisions, oldest first.
func (s *Store) ListHiringDecisions(ctx context.Context, tenantID, interviewID string) ([]interview.HiringDecision, error) {
	list, err := listIn(ctx, s, "interview_sessions", tenantID, interviewID, `SELECT id, tenant_id,
		interview_id, status, actor_kind, actor_id, actor_name, decided_at FROM hiring_decisions
		WHERE tenant_id = $1 AND interview_id = $2 ORDER BY decided_at, id`,
		func(r pgx.Rows, d *interview.HiringDecision) error {
			return r.Scan(&d.ID, &d.TenantID, &d.InterviewID, &d.Status, &d.ActorKind, &d.ActorID,
				&d.ActorName, &d.At)
		})
	if err != nil {
		return nil, fmt.Errorf("list hiring decisions of interview %s: %w", interviewID, err)
	}
	return list, nil
}
