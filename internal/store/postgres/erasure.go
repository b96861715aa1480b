package postgres

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

// EraseCandidate deletes a candidate, their interviews and everything
// that hangs off them in one transaction, clears the data of audit events
// about them, and stores e as the tombstone. The candidate's interviews
// are locked first, so that none starts while it runs. Privileged path
// only: the caller has checked that the actor is an owner (or an API key).
func (s *Store) EraseCandidate(ctx context.Context, e *interview.Erasure) error {
	if err := s.serverOnly("erase candidate"); err != nil {
		return err
	}
	if err := store.PrepareErasure(e, uuid.NewString(), now()); err != nil {
		return err
	}
	err := s.tx(ctx, func(tx pgx.Tx) error {
		email, ids, err := candidateInterviews(ctx, tx, e.TenantID, e.CandidateID)
		if err != nil {
			return err
		}
		e.InterviewIDs = ids
		given := e.Counts
		if e.Counts, err = eraseCounts(ctx, tx, e.TenantID, ids); err != nil {
			return err
		}
		store.KeepGivenCounts(e.Counts, given)
		e.Counts["interviews"], e.Counts["candidates"] = int64(len(ids)), 1
		if err := eraseAround(ctx, tx, e, email); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO erasures (id, tenant_id, candidate_id, interview_ids,
			actor_type, actor_id, counts, erased_at) VALUES ($1, $2, $3, $4::uuid[], $5, $6, $7, $8)`,
			e.ID, e.TenantID, e.CandidateID, ids, e.ActorType, e.ActorID, e.Counts, e.ErasedAt)
		return err
	})
	if err != nil {
		return fmt.Errorf("erase candidate %s: %w", e.CandidateID, err)
	}
	return nil
}

// candidateInterviews returns the candidate's e-mail and interviews,
// locked; ErrNotFound when the candidate is not in the tenant,
// ErrConflict when an interview of theirs is in progress.
func candidateInterviews(ctx context.Context, tx pgx.Tx, tenantID, candidateID string) (string, []string, error) {
	var email string
	if err := tx.QueryRow(ctx, `SELECT email FROM candidates WHERE tenant_id = $1 AND id = $2 FOR UPDATE`,
		tenantID, candidateID).Scan(&email); err != nil {
		return "", nil, err
	}
	rows, err := tx.Query(ctx, `SELECT id, status FROM interview_sessions
		WHERE tenant_id = $1 AND candidate_id = $2 ORDER BY created_at, id FOR UPDATE`, tenantID, candidateID)
	type row struct{ id, status string }
	list, err := collect(rows, err, func(r pgx.Rows, v *row) error { return r.Scan(&v.id, &v.status) })
	if err != nil {
		return "", nil, err
	}
	var ids, statuses []string
	for _, v := range list {
		ids, statuses = append(ids, v.id), append(statuses, v.status)
	}
	ids, err = store.ErasableInterviews(ids, statuses)
	return email, ids, err
}

// eraseCounts counts the rows about the interviews that will go with
// them, and the bytes of their recordings.
func eraseCounts(ctx context.Context, tx pgx.Tx, tenantID string, ids []string) (map[string]int64, error) {
	counts := map[string]int64{}
	for _, r := range store.ErasedRows {
		var n int64
		err := tx.QueryRow(ctx, `SELECT count(*) FROM `+r.Table+` WHERE tenant_id = $1
			AND `+r.Column+` = ANY ($2::uuid[])`, tenantID, ids).Scan(&n)
		if err != nil {
			return nil, err
		}
		counts[r.Kind] = n
	}
	var bytes int64
	err := tx.QueryRow(ctx, `SELECT coalesce(sum(bytes), 0) FROM video_segments WHERE tenant_id = $1
		AND interview_session_id = ANY ($2::uuid[])`, tenantID, ids).Scan(&bytes)
	counts["recordingBytes"] = bytes
	return counts, err
}

// eraseAround clears the data of audit events about the candidate or
// their interviews (their action stays), deletes stored API answers that
// name them, then the interviews (everything about them cascades) and
// the candidate.
func eraseAround(ctx context.Context, tx pgx.Tx, e *interview.Erasure, email string) error {
	steps := []struct {
		kind, query string
		args        []any
	}{
		{"auditEvents", `UPDATE audit_log SET data = '{}' WHERE tenant_id = $1 AND data <> '{}'
			AND (target_id = $2 OR actor_id = $2 OR target_id = ANY ($3::text[]) OR actor_id = ANY ($3::text[]))`,
			[]any{e.TenantID, e.CandidateID, e.InterviewIDs}},
		{"idempotencyKeys", `DELETE FROM idempotency_keys WHERE tenant_id = $1
			AND EXISTS (SELECT 1 FROM unnest($2::text[]) AS x(s) WHERE position(convert_to(x.s, 'UTF8') IN body) > 0)`,
			[]any{e.TenantID, append([]string{e.CandidateID, email}, e.InterviewIDs...)}},
		{"", `DELETE FROM interview_sessions WHERE tenant_id = $1 AND candidate_id = $2`, []any{e.TenantID, e.CandidateID}},
		{"", `DELETE FROM candidates WHERE tenant_id = $1 AND id = $2`, []any{e.TenantID, e.CandidateID}},
	}
	for _, st := range steps {
		tag, err := tx.Exec(ctx, st.query, st.args...)
		if err != nil {
			return err
		}
		if st.kind != "" {
			e.Counts[st.kind] = tag.RowsAffected()
		}
	}
	return nil
}

// ListErasures returns a tenant's tombstones, newest first.
func (s *Store) ListErasures(ctx context.Context, tenantID string) ([]interview.Erasure, error) {
	rows, err := s.q().Query(ctx, `SELECT id, tenant_id, candidate_id, interview_ids::text[], actor_type,
		actor_id, counts, erased_at FROM erasures WHERE tenant_id = $1 ORDER BY erased_at DESC, id DESC`, tenantID)
	list, err := collect(rows, err, func(r pgx.Rows, e *interview.Erasure) error {
		return r.Scan(&e.ID, &e.TenantID, &e.CandidateID, &e.InterviewIDs, &e.ActorType,
			&e.ActorID, &e.Counts, &e.ErasedAt)
	})
	if err != nil {
		return nil, fmt.Errorf("list erasures: %w", err)
	}
	return list, nil
}

// ListCandidateInterviews returns the IDs of a candidate's interviews,
// oldest first; ErrNotFound when the candidate is not in tenantID.
func (s *Store) ListCandidateInterviews(ctx context.Context, tenantID, candidateID string) ([]string, error) {
	list, err := listIn(ctx, s, "candidates", tenantID, candidateID, `SELECT id FROM interview_sessions
		WHERE tenant_id = $1 AND candidate_id = $2 ORDER BY created_at, id`,
		func(r pgx.Rows, id *string) error { return r.Scan(id) })
	if err != nil {
		return nil, fmt.Errorf("list interviews of candidate %s: %w", candidateID, err)
	}
	return list, nil
}
