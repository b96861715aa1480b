package postgres

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/interviewd/interviewd/internal/interview"
)

// Limits of ListSessions.
const (
	defaultListLimit = 50
	maxListLimit     = 500
)

const sessionCols = `s.id, s.tenant_id, s.position_id, s.candidate_id, s.status,
	s.webrtc_status, s.webrtc_server_url, s.webrtc_session_id, s.call_id, s.current_question,
	coalesce(s.join_token_hash, ''), s.join_version, s.join_expires_at, s.join_revoked_at, s.hiring_status,
	s.started_at, s.ended_at, s.end_reason, s.created_at, s.updated_at`

func sessionDest(v *interview.Session) []any {
	return []any{&v.ID, &v.TenantID, &v.PositionID, &v.CandidateID, &v.Status,
		&v.WebRTCStatus, &v.WebRTCServerURL, &v.WebRTCSessionID, &v.CallID, &v.CurrentQuestion,
		&v.JoinTokenHash, &v.JoinVersion, zeroTime{&v.JoinExpiresAt}, &v.JoinRevokedAt, &v.HiringStatus,
		&v.StartedAt, &v.EndedAt, &v.EndReason, &v.CreatedAt, &v.UpdatedAt}
}

// CreateSession stores v in v.TenantID with status pending. A position or
// candidate outside the tenant fails the composite foreign keys: ErrNotFound.
func (s *Store) CreateSession(ctx context.Context, v *interview.Session) error {
	fillID(&v.ID)
	fillTime(&v.CreatedAt, now())
	fillTime(&v.UpdatedAt, v.CreatedAt)
	v.Status, v.HiringStatus = interview.StatusPending, interview.HiringNew
	if v.WebRTCStatus == "" {
		v.WebRTCStatus = "pending"
	}
	if !v.JoinExpiresAt.IsZero() {
		v.JoinExpiresAt = v.JoinExpiresAt.UTC().Truncate(time.Microsecond)
	}
	truncate(v.JoinRevokedAt)
	_, err := s.q().Exec(ctx, `INSERT INTO interview_sessions (id, tenant_id, position_id,
		candidate_id, status, webrtc_status, webrtc_server_url, webrtc_session_id, call_id,
		join_token_hash, join_version, join_expires_at, join_revoked_at, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
		v.ID, v.TenantID, v.PositionID, v.CandidateID, string(v.Status), v.WebRTCStatus,
		v.WebRTCServerURL, v.WebRTCSessionID, v.CallID, nullString(v.JoinTokenHash),
		v.JoinVersion, nullTime(v.JoinExpiresAt), v.JoinRevokedAt, v.CreatedAt, v.UpdatedAt)
	if err != nil {
		return fmt.Errorf("create interview: %w", dbErr(err))
	}
	return nil
}

// GetSession returns the interview id of tenantID.
func (s *Store) GetSession(ctx context.Context, tenantID, id string) (interview.Session, error) {
	v, err := getSession(ctx, s.q(), tenantID, id, "")
	if err != nil {
		return v, fmt.Errorf("get interview %s: %w", id, err)
	}
	return v, nil
}

// getSession reads one interview; lock is "" or a locking clause.
func getSession(ctx context.Context, q db, tenantID, id, lock string) (interview.Session, error) {
	var v interview.Session
	err := q.QueryRow(ctx, `SELECT `+sessionCols+` FROM interview_sessions s
		WHERE s.tenant_id = $1 AND s.id = $2 `+lock, tenantID, id).Scan(sessionDest(&v)...)
	if err != nil {
		return interview.Session{}, dbErr(err)
	}
	return v, nil
}

// GetSessionByJoinHash finds the interview whose join token hashes to hash,
// in any tenant (on the privileged path; an actor sees only its own).
func (s *Store) GetSessionByJoinHash(ctx context.Context, hash string) (interview.Session, error) {
	var v interview.Session
	err := s.q().QueryRow(ctx, `SELECT `+sessionCols+` FROM interview_sessions s
		WHERE s.join_token_hash = $1`, hash).Scan(sessionDest(&v)...)
	if err != nil {
		return interview.Session{}, fmt.Errorf("get interview by join link: %w", dbErr(err))
	}
	return v, nil
}

// ListSessions returns a tenant's interviews with their candidate's and
// position's names, newest first.
func (s *Store) ListSessions(ctx context.Context, tenantID string, f interview.SessionFilter) ([]interview.SessionSummary, error) {
	where, args := sessionFilter(tenantID, f)
	n := len(args)
	rows, err := s.q().Query(ctx, `SELECT `+sessionCols+`, c.name, c.email, p.title
		FROM interview_sessions s
		JOIN candidates c ON c.tenant_id = s.tenant_id AND c.id = s.candidate_id
		JOIN positions p ON p.tenant_id = s.tenant_id AND p.id = s.position_id
		WHERE `+where+` ORDER BY s.created_at DESC, s.id DESC
		LIMIT $`+strconv.Itoa(n+1)+` OFFSET $`+strconv.Itoa(n+2),
		append(args, listLimit(f.Limit), max(f.Offset, 0))...)
	list, err := collect(rows, err, func(r pgx.Rows, v *interview.SessionSummary) error {
		return r.Scan(append(sessionDest(&v.Session), &v.CandidateName, &v.CandidateEmail, &v.PositionTitle)...)
	})
	if err != nil {
		return nil, fmt.Errorf("list interviews: %w", err)
	}
	return list, nil
}

// ListInProgress returns the interviews in progress of tenantID, or of
// every tenant when tenantID is empty, oldest start first (on the
// privileged path; an actor sees only its own tenants').
func (s *Store) ListInProgress(ctx context.Context, tenantID string) ([]interview.Session, error) {
	rows, err := s.q().Query(ctx, `SELECT `+sessionCols+` FROM interview_sessions s
		WHERE s.status = 'in_progress' AND ($1 = '' OR s.tenant_id::text = $1)
		ORDER BY s.started_at, s.id`, tenantID)
	if err != nil {
		return nil, fmt.Errorf("list interviews in progress: %w", dbErr(err))
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (interview.Session, error) {
		var v interview.Session
		err := row.Scan(sessionDest(&v)...)
		return v, err
	})
	if err != nil {
		return nil, fmt.Errorf("list interviews in progress: %w", dbErr(err))
	}
	return list, nil
}

// sessionFilter builds ListSessions' WHERE clause from f.
func sessionFilter(tenantID string, f interview.SessionFilter) (string, []any) {
	conds, args := []string{"s.tenant_id = $1"}, []any{tenantID}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if f.Status != "" {
		conds = append(conds, "s.status = "+arg(string(f.Status)))
	}
	if f.PositionID != "" {
		// Compared as text: a filter that is not a UUID matches nothing
		// instead of failing, as on SQLite.
		conds = append(conds, "s.position_id::text = "+arg(f.PositionID))
	}
	if f.HiringStatus != "" {
		conds = append(conds, "s.hiring_status = "+arg(string(f.HiringStatus)))
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		p := arg("%" + likeEscaper.Replace(q) + "%")
		conds = append(conds, "(c.name ILIKE "+p+" OR c.email ILIKE "+p+")")
	}
	return strings.Join(conds, " AND "), args
}

// likeEscaper makes a search term match literally inside a LIKE pattern
// (backslash is LIKE's default escape).
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// listLimit applies the default and the ceiling to a requested page size.
func listLimit(n int) int {
	if n <= 0 {
		return defaultListLimit
	}
	return min(n, maxListLimit)
}

// TransitionSession moves an interview to status to. The row is locked
// FOR UPDATE, so the check against the stored status and the change cannot
// interleave with another writer.
func (s *Store) TransitionSession(ctx context.Context, tenantID, id string, to interview.Status, reason string, at time.Time) (interview.Session, error) {
	fillTime(&at, now())
	var v interview.Session
	err := s.tx(ctx, func(tx pgx.Tx) error {
		var err error
		if v, err = getSession(ctx, tx, tenantID, id, "FOR UPDATE"); err != nil {
			return err
		}
		if v.Status == to {
			return nil
		}
		if _, err := v.Status.Transition(to); err != nil {
			return err
		}
		v.Apply(to, reason, at)
		_, err = tx.Exec(ctx, `UPDATE interview_sessions SET status = $1, started_at = $2,
			ended_at = $3, end_reason = $4, updated_at = $5 WHERE tenant_id = $6 AND id = $7`,
			string(v.Status), v.StartedAt, v.EndedAt, v.EndReason, v.UpdatedAt, v.TenantID, v.ID)
		return err
	})
	if err != nil {
		return interview.Session{}, fmt.Errorf("move interview %s to %s: %w", id, to, err)
	}
	return v, nil
}

// UpdateSessionCall records the WebRTC signalling state of an interview.
func (s *Store) UpdateSessionCall(ctx context.Context, tenantID, id string, call interview.CallInfo) error {
	err := affected(s.q().Exec(ctx, `UPDATE interview_sessions SET webrtc_status = $1,
		webrtc_server_url = $2, webrtc_session_id = $3, call_id = $4, updated_at = $5
		WHERE tenant_id = $6 AND id = $7`,
		call.WebRTCStatus, call.WebRTCServerURL, call.WebRTCSessionID, call.CallID, now(),
		tenantID, id))
	if err != nil {
		return fmt.Errorf("update call of interview %s: %w", id, err)
	}
	return nil
}

// UpdateSessionProgress records the question the interviewer asked last
// and, in the same transaction, the first time it was asked; the column's
// CHECK refuses a negative question (ErrInvalid). Through As the mark is
// refused (ErrForbidden): only the calls manager writes marks.
func (s *Store) UpdateSessionProgress(ctx context.Context, tenantID, id string, question int, at time.Time) error {
	fillTime(&at, now())
	err := s.tx(ctx, func(tx pgx.Tx) error {
		err := affected(tx.Exec(ctx, `UPDATE interview_sessions SET current_question = $1, updated_at = $2
			WHERE tenant_id = $3 AND id = $4`, question, now(), tenantID, id))
		if err != nil || question == 0 {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO question_marks (tenant_id, interview_id, question, asked_at)
			VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, tenantID, id, question, at)
		return err
	})
	if err != nil {
		return fmt.Errorf("update progress of interview %s: %w", id, err)
	}
	return nil
}

// ListQuestionMarks returns the questions of an interview that were asked,
// in question order; ErrNotFound if the interview is not in tenantID.
func (s *Store) ListQuestionMarks(ctx context.Context, tenantID, interviewID string) ([]interview.QuestionMark, error) {
	list, err := listIn(ctx, s, "interview_sessions", tenantID, interviewID, `SELECT question, asked_at
		FROM question_marks WHERE tenant_id = $1 AND interview_id = $2 ORDER BY question`,
		func(r pgx.Rows, m *interview.QuestionMark) error { return r.Scan(&m.Question, &m.AskedAt) })
	if err != nil {
		return nil, fmt.Errorf("list question marks of interview %s: %w", interviewID, err)
	}
	return list, nil
}

// exists is ErrNotFound unless table has the row id in tenantID, so that a
// list under another tenant's record is refused, not empty. table is one
// of the store's own names, never input.
func exists(ctx context.Context, q db, table, tenantID, id string) error {
	var one int
	return dbErr(q.QueryRow(ctx, `SELECT 1 FROM `+table+` WHERE tenant_id = $1 AND id = $2`,
		tenantID, id).Scan(&one))
}

// SetJoinToken replaces the join link's version, hash and expiry and clears
// a revocation.
func (s *Store) SetJoinToken(ctx context.Context, tenantID, id string, version int, hash string, expiresAt time.Time) error {
	err := affected(s.q().Exec(ctx, `UPDATE interview_sessions SET join_token_hash = $1,
		join_version = $2, join_expires_at = $3, join_revoked_at = NULL, updated_at = $4
		WHERE tenant_id = $5 AND id = $6`,
		nullString(hash), version, nullTime(expiresAt), now(), tenantID, id))
	if err != nil {
		return fmt.Errorf("set join link of interview %s: %w", id, err)
	}
	return nil
}

// RevokeJoinToken makes the join link unusable from at.
func (s *Store) RevokeJoinToken(ctx context.Context, tenantID, id string, at time.Time) error {
	fillTime(&at, now())
	err := affected(s.q().Exec(ctx, `UPDATE interview_sessions SET join_revoked_at = $1,
		updated_at = $2 WHERE tenant_id = $3 AND id = $4`, at, now(), tenantID, id))
	if err != nil {
		return fmt.Errorf("revoke join link of interview %s: %w", id, err)
	}
	return nil
}
