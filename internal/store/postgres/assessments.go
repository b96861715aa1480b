package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

const assessmentCols = `a.id, a.tenant_id, a.interview_id, a.status, a.attempts, a.next_attempt_at,
	a.lease_until, a.model, a.prompt_version, a.rubric_version, a.transcript_hash, a.result,
	a.error, a.requested_by, a.created_at, a.completed_at`

func scanAssessment(r pgx.Rows, a *interview.Assessment) error {
	return r.Scan(&a.ID, &a.TenantID, &a.InterviewID, &a.Status, &a.Attempts, &a.NextAttempt,
		&a.LeaseUntil, &a.Model, &a.PromptVersion, &a.RubricVersion, &a.TranscriptHash, &a.Result,
		&a.Error, &a.RequestedBy, &a.CreatedAt, &a.CompletedAt)
}

// EnqueueAssessment stores a as a new pending assessment. The partial
// unique index refuses a second open one (ErrConflict); another tenant's
// interview fails the composite foreign key (ErrNotFound).
func (s *Store) EnqueueAssessment(ctx context.Context, a *interview.Assessment) error {
	fillID(&a.ID)
	fillTime(&a.CreatedAt, now())
	fillTime(&a.NextAttempt, a.CreatedAt)
	a.Status, a.Attempts, a.LeaseUntil, a.Result, a.CompletedAt = interview.AssessmentPending, 0, nil, nil, nil
	err := insertAssessment(ctx, s.q(), a)
	if err != nil {
		return fmt.Errorf("enqueue assessment of interview %s: %w", a.InterviewID, err)
	}
	return nil
}

func insertAssessment(ctx context.Context, q db, a *interview.Assessment) error {
	_, err := q.Exec(ctx, `INSERT INTO assessments (id, tenant_id, interview_id, status, attempts,
		next_attempt_at, model, prompt_version, rubric_version, transcript_hash, error, requested_by,
		created_at) VALUES ($1, $2, $3, $4, 0, $5, $6, $7, $8, $9, $10, $11, $12)`,
		a.ID, a.TenantID, a.InterviewID, string(a.Status), a.NextAttempt, a.Model, a.PromptVersion,
		a.RubricVersion, a.TranscriptHash, a.Error, a.RequestedBy, a.CreatedAt)
	return dbErr(err)
}

// EnqueueMissingAssessments enqueues one assessment for each completed
// interview of every tenant that ended at or after since and has none.
// ON CONFLICT leaves an interview that a parallel call or a person
// enqueued meanwhile to them. Privileged path only.
func (s *Store) EnqueueMissingAssessments(ctx context.Context, since, at time.Time, model string) (int, error) {
	if err := s.worker(); err != nil {
		return 0, fmt.Errorf("enqueue missing assessments: %w", err)
	}
	at = at.UTC().Truncate(time.Microsecond)
	tag, err := s.q().Exec(ctx, `INSERT INTO assessments (tenant_id, interview_id, status, attempts,
			next_attempt_at, model, created_at)
		SELECT s.tenant_id, s.id, 'pending', 0, $2, $3, $2 FROM interview_sessions s
		WHERE s.status = 'completed' AND s.ended_at >= $1
		  AND NOT EXISTS (SELECT 1 FROM assessments a WHERE a.tenant_id = s.tenant_id AND a.interview_id = s.id)
		ON CONFLICT DO NOTHING`, since, at, model)
	if err != nil {
		return 0, fmt.Errorf("enqueue missing assessments: %w", dbErr(err))
	}
	return int(tag.RowsAffected()), nil
}

// ClaimAssessments leases up to limit due assessments of every tenant.
// FOR UPDATE SKIP LOCKED lets concurrent workers each take other jobs.
// Privileged path only.
func (s *Store) ClaimAssessments(ctx context.Context, at time.Time, lease time.Duration, limit int) ([]interview.Assessment, error) {
	if err := s.worker(); err != nil {
		return nil, fmt.Errorf("claim assessments: %w", err)
	}
	at = at.UTC().Truncate(time.Microsecond)
	rows, err := s.q().Query(ctx, `WITH due AS (
			SELECT id, CASE status WHEN 'pending' THEN next_attempt_at ELSE lease_until END AS due
			FROM assessments
			WHERE (status = 'pending' AND next_attempt_at <= $1)
			   OR (status = 'running' AND lease_until <= $1)
			ORDER BY due, id LIMIT $3
			FOR UPDATE SKIP LOCKED),
		a AS (
			UPDATE assessments x SET status = 'running', attempts = x.attempts + 1, lease_until = $2
			FROM due WHERE x.id = due.id
			RETURNING x.*, due.due)
		SELECT `+assessmentCols+` FROM a ORDER BY a.due, a.id`, at, at.Add(max(lease, 0)), listLimit(limit))
	list, err := collect(rows, err, scanAssessment)
	if err != nil {
		return nil, fmt.Errorf("claim assessments: %w", err)
	}
	return list, nil
}

// worker refuses the worker's methods through As: they work across
// tenants, and the authenticated role may not change assessments.
func (s *Store) worker() error {
	if s.claims != "" {
		return interview.Errorf(interview.CodeForbidden, "the assessment worker runs on the privileged path only")
	}
	return nil
}

// FinishAssessment stores the outcome of the claim a.Attempts of a
// running assessment; ErrConflict if the row moved on meanwhile.
func (s *Store) FinishAssessment(ctx context.Context, a *interview.Assessment) error {
	if err := store.PrepareFinish(a, now()); err != nil {
		return err
	}
	err := s.tx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE assessments SET status = $1, next_attempt_at = $2,
			lease_until = NULL, model = $3, prompt_version = $4, rubric_version = $5, transcript_hash = $6,
			result = $7, error = $8, completed_at = $9
			WHERE tenant_id = $10 AND id = $11 AND status = 'running' AND attempts = $12`,
			string(a.Status), a.NextAttempt, a.Model, a.PromptVersion, a.RubricVersion, a.TranscriptHash,
			a.Result, a.Error, a.CompletedAt, a.TenantID, a.ID, a.Attempts)
		if err != nil || tag.RowsAffected() == 1 {
			return err
		}
		if err := exists(ctx, tx, "assessments", a.TenantID, a.ID); err != nil {
			return err
		}
		return interview.Errorf(interview.CodeConflict, "the assessment was claimed again or finished meanwhile")
	})
	if err != nil {
		return fmt.Errorf("finish assessment %s: %w", a.ID, err)
	}
	return nil
}

// GetAssessment returns the assessment id of tenantID.
func (s *Store) GetAssessment(ctx context.Context, tenantID, id string) (interview.Assessment, error) {
	rows, err := s.q().Query(ctx, `SELECT `+assessmentCols+` FROM assessments a
		WHERE a.tenant_id = $1 AND a.id = $2`, tenantID, id)
	list, err := collect(rows, err, scanAssessment)
	if err == nil && len(list) == 0 {
		err = store.ErrNotFound
	}
	if err != nil {
		return interview.Assessment{}, fmt.Errorf("get assessment %s: %w", id, err)
	}
	return list[0], nil
}

// ListAssessments returns an interview's assessments, newest first.
func (s *Store) ListAssessments(ctx context.Context, tenantID, interviewID string) ([]interview.Assessment, error) {
	list, err := listIn(ctx, s, "interview_sessions", tenantID, interviewID, `SELECT `+assessmentCols+`
		FROM assessments a WHERE a.tenant_id = $1 AND a.interview_id = $2
		ORDER BY a.created_at DESC, a.id DESC`, scanAssessment)
	if err != nil {
		return nil, fmt.Errorf("list assessments of interview %s: %w", interviewID, err)
	}
	return list, nil
}

// ListPositionAssessments returns the newest done assessment of each
// interview of a position, oldest first.
func (s *Store) ListPositionAssessments(ctx context.Context, tenantID, positionID string) ([]interview.Assessment, error) {
	list, err := listIn(ctx, s, "positions", tenantID, positionID, `SELECT `+assessmentCols+` FROM (
			SELECT DISTINCT ON (d.interview_id) d.*
			FROM assessments d JOIN interview_sessions s ON s.tenant_id = d.tenant_id AND s.id = d.interview_id
			WHERE d.tenant_id = $1 AND s.position_id = $2 AND d.status = 'done'
			ORDER BY d.interview_id, d.created_at DESC, d.id DESC) a
		ORDER BY a.created_at, a.id`, scanAssessment)
	if err != nil {
		return nil, fmt.Errorf("list assessments of position %s: %w", positionID, err)
	}
	return list, nil
}
