package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

const assessmentCols = `a.id, a.tenant_id, a.interview_id, a.status, a.attempts, a.next_attempt_at,
	a.lease_until, a.model, a.prompt_version, a.rubric_version, a.transcript_hash, a.result,
	a.error, a.requested_by, a.created_at, a.completed_at`

func assessmentDest(a *interview.Assessment) []any {
	return []any{&a.ID, &a.TenantID, &a.InterviewID, &a.Status, &a.Attempts, timeDest{&a.NextAttempt},
		nullTimeDest{&a.LeaseUntil}, &a.Model, &a.PromptVersion, &a.RubricVersion, &a.TranscriptHash,
		resultDest{&a.Result}, &a.Error, &a.RequestedBy, timeDest{&a.CreatedAt}, nullTimeDest{&a.CompletedAt}}
}

func scanAssessment(r *sql.Rows, a *interview.Assessment) error { return r.Scan(assessmentDest(a)...) }

// resultDest scans a nullable JSON result; NULL is nil.
type resultDest struct{ r **interview.AssessmentResult }

// Scan implements sql.Scanner.
func (d resultDest) Scan(src any) error {
	*d.r = nil
	if src == nil {
		return nil
	}
	var res interview.AssessmentResult
	if err := (jsonDest{&res}).Scan(src); err != nil {
		return err
	}
	*d.r = &res
	return nil
}

// resultText is a result for its column: JSON, or NULL for none.
func resultText(r *interview.AssessmentResult) (any, error) {
	if r == nil {
		return nil, nil
	}
	b, err := json.Marshal(r)
	return string(b), err
}

// EnqueueAssessment stores a as a new pending assessment. The partial
// unique index refuses a second open one (ErrConflict).
func (s *Store) EnqueueAssessment(ctx context.Context, a *interview.Assessment) error {
	fillID(&a.ID)
	fillTime(&a.CreatedAt, now())
	fillTime(&a.NextAttempt, a.CreatedAt)
	a.Status, a.Attempts, a.LeaseUntil, a.Result, a.CompletedAt = interview.AssessmentPending, 0, nil, nil, nil
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if err := txSessionExists(ctx, tx, a.TenantID, a.InterviewID); err != nil {
			return err
		}
		return insertAssessment(ctx, tx, a)
	})
	if err != nil {
		return fmt.Errorf("enqueue assessment of interview %s: %w", a.InterviewID, err)
	}
	return nil
}

func insertAssessment(ctx context.Context, tx *sql.Tx, a *interview.Assessment) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO assessments (id, tenant_id, interview_id, status,
		attempts, next_attempt_at, model, prompt_version, rubric_version, transcript_hash, error,
		requested_by, created_at) VALUES (?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.ID, a.TenantID, a.InterviewID, string(a.Status), ts(a.NextAttempt), a.Model, a.PromptVersion,
		a.RubricVersion, a.TranscriptHash, a.Error, a.RequestedBy, ts(a.CreatedAt))
	return dbErr(err)
}

// txSessionExists is ErrNotFound unless the interview id is in tenantID.
func txSessionExists(ctx context.Context, tx *sql.Tx, tenantID, id string) error {
	var one int
	return dbErr(tx.QueryRowContext(ctx, `SELECT 1 FROM interview_sessions WHERE tenant_id = ? AND id = ?`,
		tenantID, id).Scan(&one))
}

// EnqueueMissingAssessments enqueues one assessment for each completed
// interview of every tenant that ended at or after since and has none.
func (s *Store) EnqueueMissingAssessments(ctx context.Context, since, at time.Time, model string) (int, error) {
	at = at.UTC().Truncate(time.Microsecond)
	n := 0
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT s.tenant_id, s.id FROM interview_sessions s
			WHERE s.status = 'completed' AND s.ended_at >= ?
			  AND NOT EXISTS (SELECT 1 FROM assessments a WHERE a.tenant_id = s.tenant_id AND a.interview_id = s.id)
			ORDER BY s.ended_at, s.id`, ts(since))
		missing, err := collect(rows, err, func(r *sql.Rows, a *interview.Assessment) error {
			return r.Scan(&a.TenantID, &a.InterviewID)
		})
		if err != nil {
			return err
		}
		for _, a := range missing {
			a.ID, a.Status, a.Model, a.NextAttempt, a.CreatedAt = newID(), interview.AssessmentPending, model, at, at
			if err := insertAssessment(ctx, tx, &a); err != nil {
				return err
			}
		}
		n = len(missing)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("enqueue missing assessments: %w", err)
	}
	return n, nil
}

// newID is a new UUID.
func newID() string {
	var id string
	fillID(&id)
	return id
}

// ClaimAssessments leases up to limit due assessments of every tenant in
// one write transaction: SQLite's one writer makes concurrent claims take
// turns, so no two take the same job.
func (s *Store) ClaimAssessments(ctx context.Context, at time.Time, lease time.Duration, limit int) ([]interview.Assessment, error) {
	at = at.UTC().Truncate(time.Microsecond)
	until := at.Add(max(lease, 0))
	var list []interview.Assessment
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+assessmentCols+` FROM assessments a
			WHERE (a.status = 'pending' AND a.next_attempt_at <= ?1)
			   OR (a.status = 'running' AND a.lease_until <= ?1)
			ORDER BY CASE a.status WHEN 'pending' THEN a.next_attempt_at ELSE a.lease_until END, a.id
			LIMIT ?2`, ts(at), listLimit(limit))
		if list, err = collect(rows, err, scanAssessment); err != nil {
			return err
		}
		for i := range list {
			a := &list[i]
			a.Status, a.Attempts, a.LeaseUntil = interview.AssessmentRunning, a.Attempts+1, &until
			if _, err := tx.ExecContext(ctx, `UPDATE assessments SET status = 'running', attempts = ?,
				lease_until = ? WHERE id = ?`, a.Attempts, ts(until), a.ID); err != nil {
				return dbErr(err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("claim assessments: %w", err)
	}
	return list, nil
}

// FinishAssessment stores the outcome of the claim a.Attempts of a
// running assessment; ErrConflict if the row moved on meanwhile.
func (s *Store) FinishAssessment(ctx context.Context, a *interview.Assessment) error {
	if err := store.PrepareFinish(a, now()); err != nil {
		return err
	}
	result, err := resultText(a.Result)
	if err != nil {
		return fmt.Errorf("finish assessment %s: %w", a.ID, err)
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE assessments SET status = ?, next_attempt_at = ?,
			lease_until = NULL, model = ?, prompt_version = ?, rubric_version = ?, transcript_hash = ?,
			result = ?, error = ?, completed_at = ?
			WHERE tenant_id = ? AND id = ? AND status = 'running' AND attempts = ?`,
			string(a.Status), ts(a.NextAttempt), a.Model, a.PromptVersion, a.RubricVersion, a.TranscriptHash,
			result, a.Error, nullTS(a.CompletedAt), a.TenantID, a.ID, a.Attempts)
		if err != nil {
			return dbErr(err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 1 {
			return err
		}
		return assessmentMovedOn(ctx, tx, a.TenantID, a.ID)
	})
	if err != nil {
		return fmt.Errorf("finish assessment %s: %w", a.ID, err)
	}
	return nil
}

// assessmentMovedOn tells why a finish matched no running claim: there is
// no such assessment in the tenant (ErrNotFound) or another claim or
// outcome superseded this one (ErrConflict).
func assessmentMovedOn(ctx context.Context, tx *sql.Tx, tenantID, id string) error {
	var one int
	if err := tx.QueryRowContext(ctx, `SELECT 1 FROM assessments WHERE tenant_id = ? AND id = ?`,
		tenantID, id).Scan(&one); err != nil {
		return dbErr(err)
	}
	return interview.Errorf(interview.CodeConflict, "the assessment was claimed again or finished meanwhile")
}

// GetAssessment returns the assessment id of tenantID.
func (s *Store) GetAssessment(ctx context.Context, tenantID, id string) (interview.Assessment, error) {
	var a interview.Assessment
	err := s.r.QueryRowContext(ctx, `SELECT `+assessmentCols+` FROM assessments a
		WHERE a.tenant_id = ? AND a.id = ?`, tenantID, id).Scan(assessmentDest(&a)...)
	if err != nil {
		return interview.Assessment{}, fmt.Errorf("get assessment %s: %w", id, dbErr(err))
	}
	return a, nil
}

// ListAssessments returns an interview's assessments, newest first.
func (s *Store) ListAssessments(ctx context.Context, tenantID, interviewID string) ([]interview.Assessment, error) {
	if err := s.sessionExists(ctx, tenantID, interviewID); err != nil {
		return nil, fmt.Errorf("list assessments of interview %s: %w", interviewID, err)
	}
	rows, err := s.r.QueryContext(ctx, `SELECT `+assessmentCols+` FROM assessments a
		WHERE a.tenant_id = ? AND a.interview_id = ? ORDER BY a.created_at DESC, a.id DESC`,
		tenantID, interviewID)
	list, err := collect(rows, err, scanAssessment)
	if err != nil {
		return nil, fmt.Errorf("list assessments of interview %s: %w", interviewID, err)
	}
	return list, nil
}

// ListPositionAssessments returns the newest done assessment of each
// interview of a position, oldest first.
func (s *Store) ListPositionAssessments(ctx context.Context, tenantID, positionID string) ([]interview.Assessment, error) {
	if err := s.positionExists(ctx, tenantID, positionID); err != nil {
		return nil, fmt.Errorf("list assessments of position %s: %w", positionID, err)
	}
	rows, err := s.r.QueryContext(ctx, `SELECT `+assessmentCols+` FROM (
			SELECT d.*, row_number() OVER (PARTITION BY d.interview_id ORDER BY d.created_at DESC, d.id DESC) AS n
			FROM assessments d JOIN interview_sessions s ON s.tenant_id = d.tenant_id AND s.id = d.interview_id
			WHERE d.tenant_id = ? AND s.position_id = ? AND d.status = 'done') a
		WHERE a.n = 1 ORDER BY a.created_at, a.id`, tenantID, positionID)
	list, err := collect(rows, err, scanAssessment)
	if err != nil {
		return nil, fmt.Errorf("list assessments of position %s: %w", positionID, err)
	}
	return list, nil
}

// positionExists is ErrNotFound unless the position id is in tenantID.
func (s *Store) positionExists(ctx context.Context, tenantID, id string) error {
	var one int
	return dbErr(s.r.QueryRowContext(ctx, `SELECT 1 FROM positions WHERE tenant_id = ? AND id = ?`,
		tenantID, id).Scan(&one))
}
