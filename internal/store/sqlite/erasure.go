package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/google/uuid"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

// EraseCandidate deletes a candidate, their interviews and everything
// that hangs off them in one write transaction, clears the data of audit
// events about them, and stores e as the tombstone.
func (s *Store) EraseCandidate(ctx context.Context, e *interview.Erasure) error {
	if err := store.PrepareErasure(e, uuid.NewString(), now()); err != nil {
		return err
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		email, ids, err := candidateInterviews(ctx, tx, e.TenantID, e.CandidateID)
		if err != nil {
			return err
		}
		e.InterviewIDs = ids
		idList, err := jsonText(ids)
		if err != nil {
			return err
		}
		given := e.Counts
		if e.Counts, err = eraseCounts(ctx, tx, e.TenantID, idList); err != nil {
			return err
		}
		store.KeepGivenCounts(e.Counts, given)
		e.Counts["interviews"], e.Counts["candidates"] = int64(len(ids)), 1
		if err := eraseAround(ctx, tx, e, idList, email); err != nil {
			return err
		}
		return insertErasure(ctx, tx, e, idList)
	})
	if err != nil {
		return fmt.Errorf("erase candidate %s: %w", e.CandidateID, err)
	}
	return nil
}

// candidateInterviews returns the candidate's e-mail and interviews;
// ErrNotFound when the candidate is not in the tenant, ErrConflict when
// an interview of theirs is in progress.
func candidateInterviews(ctx context.Context, tx *sql.Tx, tenantID, candidateID string) (string, []string, error) {
	var email string
	if err := tx.QueryRowContext(ctx, `SELECT email FROM candidates WHERE tenant_id = ? AND id = ?`,
		tenantID, candidateID).Scan(&email); err != nil {
		return "", nil, dbErr(err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, status FROM interview_sessions
		WHERE tenant_id = ? AND candidate_id = ? ORDER BY created_at, id`, tenantID, candidateID)
	type row struct{ id, status string }
	list, err := collect(rows, err, func(r *sql.Rows, v *row) error { return r.Scan(&v.id, &v.status) })
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

// eraseCounts counts the rows about the interviews (a JSON array) that
// will go with them, and the bytes of their recordings.
func eraseCounts(ctx context.Context, tx *sql.Tx, tenantID, idList string) (map[string]int64, error) {
	counts := map[string]int64{}
	for _, r := range store.ErasedRows {
		var n int64
		err := tx.QueryRowContext(ctx, `SELECT count(*) FROM `+r.Table+` WHERE tenant_id = ?
			AND `+r.Column+` IN (SELECT value FROM json_each(?))`, tenantID, idList).Scan(&n)
		if err != nil {
			return nil, dbErr(err)
		}
		counts[r.Kind] = n
	}
	var bytes int64
	err := tx.QueryRowContext(ctx, `SELECT coalesce(sum(bytes), 0) FROM video_segments WHERE tenant_id = ?
		AND interview_session_id IN (SELECT value FROM json_each(?))`, tenantID, idList).Scan(&bytes)
	counts["recordingBytes"] = bytes
	return counts, dbErr(err)
}

// eraseAround clears the data of audit events about the candidate or
// their interviews (their action stays), deletes stored API answers that
// name them, then the interviews (everything about them cascades) and
// the candidate.
func eraseAround(ctx context.Context, tx *sql.Tx, e *interview.Erasure, idList, email string) error {
	steps := []struct {
		kind, query string
		args        []any
	}{
		{"auditEvents", `UPDATE audit_log SET data = '{}' WHERE tenant_id = ? AND data <> '{}'
			AND (target_id = ? OR actor_id = ? OR target_id IN (SELECT value FROM json_each(?))
				OR actor_id IN (SELECT value FROM json_each(?)))`,
			[]any{e.TenantID, e.CandidateID, e.CandidateID, idList, idList}},
		{"idempotencyKeys", `DELETE FROM idempotency_keys WHERE tenant_id = ?
			AND (instr(CAST(body AS TEXT), ?) > 0 OR instr(CAST(body AS TEXT), ?) > 0
				OR EXISTS (SELECT 1 FROM json_each(?) j WHERE instr(CAST(body AS TEXT), j.value) > 0))`,
			[]any{e.TenantID, e.CandidateID, email, idList}},
		{"", `DELETE FROM interview_sessions WHERE tenant_id = ? AND candidate_id = ?`, []any{e.TenantID, e.CandidateID}},
		{"", `DELETE FROM candidates WHERE tenant_id = ? AND id = ?`, []any{e.TenantID, e.CandidateID}},
	}
	for _, st := range steps {
		res, err := tx.ExecContext(ctx, st.query, st.args...)
		if err != nil {
			return dbErr(err)
		}
		if st.kind != "" {
			if e.Counts[st.kind], err = res.RowsAffected(); err != nil {
				return err
			}
		}
	}
	return nil
}

func insertErasure(ctx context.Context, tx *sql.Tx, e *interview.Erasure, idList string) error {
	counts, err := jsonText(e.Counts)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO erasures (id, tenant_id, candidate_id, interview_ids,
		actor_type, actor_id, counts, erased_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		e.ID, e.TenantID, e.CandidateID, idList, e.ActorType, e.ActorID, counts, ts(e.ErasedAt))
	return dbErr(err)
}

// ListErasures returns a tenant's tombstones, newest first.
func (s *Store) ListErasures(ctx context.Context, tenantID string) ([]interview.Erasure, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, tenant_id, candidate_id, interview_ids, actor_type,
		actor_id, counts, erased_at FROM erasures WHERE tenant_id = ? ORDER BY erased_at DESC, id DESC`, tenantID)
	list, err := collect(rows, err, func(r *sql.Rows, e *interview.Erasure) error {
		return r.Scan(&e.ID, &e.TenantID, &e.CandidateID, jsonDest{&e.InterviewIDs}, &e.ActorType,
			&e.ActorID, jsonDest{&e.Counts}, timeDest{&e.ErasedAt})
	})
	if err != nil {
		return nil, fmt.Errorf("list erasures: %w", err)
	}
	return list, nil
}

// ListCandidateInterviews returns the IDs of a candidate's interviews,
// oldest first; ErrNotFound when the candidate is not in tenantID.
func (s *Store) ListCandidateInterviews(ctx context.Context, tenantID, candidateID string) ([]string, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id FROM interview_sessions
		WHERE tenant_id = ? AND candidate_id = ? ORDER BY created_at, id`, tenantID, candidateID)
	list, err := collect(rows, err, func(r *sql.Rows, id *string) error { return r.Scan(id) })
	if err == nil && len(list) == 0 {
		err = s.exists(ctx, `SELECT 1 FROM candidates WHERE tenant_id = ? AND id = ?`, tenantID, candidateID)
	}
	if err != nil {
		return nil, fmt.Errorf("list interviews of candidate %s: %w", candidateID, err)
	}
	return list, nil
}
