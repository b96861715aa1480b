package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
)

// Limits of ListSessions.
const (
	defaultListLimit = 50
	maxListLimit     = 500
)

const sessionCols = `s.id, s.tenant_id, s.position_id, s.candidate_id, s.status,
	s.webrtc_status, s.webrtc_server_url, s.webrtc_session_id, s.call_id, s.current_question,
	s.join_token_hash, s.join_version, s.join_expires_at, s.join_revoked_at, s.hiring_status,
	s.started_at, s.ended_at, s.end_reason, s.created_at, s.updated_at`

func sessionDest(v *interview.Session) []any {
	return []any{&v.ID, &v.TenantID, &v.PositionID, &v.CandidateID, &v.Status,
		&v.WebRTCStatus, &v.WebRTCServerURL, &v.WebRTCSessionID, &v.CallID, &v.CurrentQuestion,
		stringDest(&v.JoinTokenHash), &v.JoinVersion, timeDest{&v.JoinExpiresAt}, nullTimeDest{&v.JoinRevokedAt},
		&v.HiringStatus, nullTimeDest{&v.StartedAt}, nullTimeDest{&v.EndedAt}, &v.EndReason,
		timeDest{&v.CreatedAt}, timeDest{&v.UpdatedAt}}
}

func scanSession(row scanner) (interview.Session, error) {
	var v interview.Session
	if err := row.Scan(sessionDest(&v)...); err != nil {
		return interview.Session{}, dbErr(err)
	}
	return v, nil
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
	_, err := s.w.ExecContext(ctx, `INSERT INTO interview_sessions (id, tenant_id,
		position_id, candidate_id, status, webrtc_status, webrtc_server_url, webrtc_session_id,
		call_id, join_token_hash, join_version, join_expires_at, join_revoked_at, created_at,
		updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		v.ID, v.TenantID, v.PositionID, v.CandidateID, string(v.Status), v.WebRTCStatus,
		v.WebRTCServerURL, v.WebRTCSessionID, v.CallID, nullString(v.JoinTokenHash),
		v.JoinVersion, nullTS(&v.JoinExpiresAt), nullTS(v.JoinRevokedAt), ts(v.CreatedAt), ts(v.UpdatedAt))
	if err != nil {
		return fmt.Errorf("create interview: %w", dbErr(err))
	}
	return nil
}

// GetSession returns the interview id of tenantID.
func (s *Store) GetSession(ctx context.Context, tenantID, id string) (interview.Session, error) {
	return getSession(ctx, s.r, tenantID, id)
}

// querier is what *sql.DB and *sql.Tx share for reading.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func getSession(ctx context.Context, db querier, tenantID, id string) (interview.Session, error) {
	v, err := scanSession(db.QueryRowContext(ctx, `SELECT `+sessionCols+`
		FROM interview_sessions s WHERE s.tenant_id = ? AND s.id = ?`, tenantID, id))
	if err != nil {
		return v, fmt.Errorf("get interview %s: %w", id, err)
	}
	return v, nil
}

// GetSessionByJoinHash finds the interview whose join token hashes to hash,
// in any tenant.
func (s *Store) GetSessionByJoinHash(ctx context.Context, hash string) (interview.Session, error) {
	v, err := scanSession(s.r.QueryRowContext(ctx, `SELECT `+sessionCols+`
		FROM interview_sessions s WHERE s.join_token_hash = ?`, hash))
	if err != nil {
		return v, fmt.Errorf("get interview by join link: %w", err)
	}
	return v, nil
}

// ListSessions returns a tenant's interviews with their candidate's and
// position's names, newest first.
func (s *Store) ListSessions(ctx context.Context, tenantID string, f interview.SessionFilter) ([]interview.SessionSummary, error) {
	where, args := sessionFilter(tenantID, f)
	rows, err := s.r.QueryContext(ctx, `SELECT `+sessionCols+`, c.name, c.email, p.title
		FROM interview_sessions s
		JOIN candidates c ON c.tenant_id = s.tenant_id AND c.id = s.candidate_id
		JOIN positions p ON p.tenant_id = s.tenant_id AND p.id = s.position_id
		WHERE `+where+` ORDER BY s.created_at DESC, s.id DESC LIMIT ? OFFSET ?`,
		append(args, listLimit(f.Limit), max(f.Offset, 0))...)
	if err != nil {
		return nil, fmt.Errorf("list interviews: %w", dbErr(err))
	}
	defer rows.Close()
	list := []interview.SessionSummary{}
	for rows.Next() {
		var v interview.SessionSummary
		dest := append(sessionDest(&v.Session), &v.CandidateName, &v.CandidateEmail, &v.PositionTitle)
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("list interviews: %w", err)
		}
		list = append(list, v)
	}
	return list, rows.Err()
}

// ListInProgress returns the interviews in progress of tenantID, or of
// every tenant when tenantID is empty, oldest start first.
func (s *Store) ListInProgress(ctx context.Context, tenantID string) ([]interview.Session, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+sessionCols+` FROM interview_sessions s
		WHERE s.status = 'in_progress' AND (? = '' OR s.tenant_id = ?)
		ORDER BY s.started_at, s.id`, tenantID, tenantID)
	if err != nil {
		return nil, fmt.Errorf("list interviews in progress: %w", dbErr(err))
	}
	defer rows.Close()
	list := []interview.Session{}
	for rows.Next() {
		var v interview.Session
		if err := rows.Scan(sessionDest(&v)...); err != nil {
			return nil, fmt.Errorf("list interviews in progress: %w", err)
		}
		list = append(list, v)
	}
	return list, rows.Err()
}

// sessionFilter builds ListSessions' WHERE clause from f.
func sessionFilter(tenantID string, f interview.SessionFilter) (string, []any) {
	conds, args := []string{"s.tenant_id = ?"}, []any{tenantID}
	if f.Status != "" {
		conds, args = append(conds, "s.status = ?"), append(args, string(f.Status))
	}
	if f.PositionID != "" {
		conds, args = append(conds, "s.position_id = ?"), append(args, f.PositionID)
	}
	if f.HiringStatus != "" {
		conds, args = append(conds, "s.hiring_status = ?"), append(args, string(f.HiringStatus))
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		// lower() on both sides: SQLite's LIKE folds ASCII only.
		pat := "%" + likeEscaper.Replace(strings.ToLower(q)) + "%"
		conds = append(conds, `(lower(c.name) LIKE ? ESCAPE '\' OR lower(c.email) LIKE ? ESCAPE '\')`)
		args = append(args, pat, pat)
	}
	return strings.Join(conds, " AND "), args
}

// likeEscaper makes a search term match literally inside a LIKE pattern.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// listLimit applies the default and the ceiling to a requested page size.
func listLimit(n int) int {
	if n <= 0 {
		return defaultListLimit
	}
	return min(n, maxListLimit)
}

// UpdateSessionCall records the WebRTC signalling state of an interview.
func (s *Store) UpdateSessionCall(ctx context.Context, tenantID, id string, call interview.CallInfo) error {
	err := affected(s.w.ExecContext(ctx, `UPDATE interview_sessions SET webrtc_status = ?,
		webrtc_server_url = ?, webrtc_session_id = ?, call_id = ?, updated_at = ?
		WHERE tenant_id = ? AND id = ?`,
		call.WebRTCStatus, call.WebRTCServerURL, call.WebRTCSessionID, call.CallID,
		ts(now()), tenantID, id))
	if err != nil {
		return fmt.Errorf("update call of interview %s: %w", id, err)
	}
	return nil
}

// UpdateSessionProgress records the question the interviewer asked last
// and, in the same transaction, the first time it was asked; the column's
// CHECK refuses a negative question (ErrInvalid).
func (s *Store) UpdateSessionProgress(ctx context.Context, tenantID, id string, question int, at time.Time) error {
	fillTime(&at, now())
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		err := affected(tx.ExecContext(ctx, `UPDATE interview_sessions SET current_question = ?, updated_at = ?
			WHERE tenant_id = ? AND id = ?`, question, ts(now()), tenantID, id))
		if err != nil || question == 0 {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO question_marks (tenant_id, interview_id, question, asked_at)
			VALUES (?, ?, ?, ?) ON CONFLICT (tenant_id, interview_id, question) DO NOTHING`, tenantID, id, question, ts(at))
		return dbErr(err)
	})
	if err != nil {
		return fmt.Errorf("update progress of interview %s: %w", id, err)
	}
	return nil
}

// ListQuestionMarks returns the questions of an interview that were asked,
// in question order; ErrNotFound if the interview is not in tenantID.
func (s *Store) ListQuestionMarks(ctx context.Context, tenantID, interviewID string) ([]interview.QuestionMark, error) {
	if err := s.sessionExists(ctx, tenantID, interviewID); err != nil {
		return nil, fmt.Errorf("list question marks of interview %s: %w", interviewID, err)
	}
	rows, err := s.r.QueryContext(ctx, `SELECT question, asked_at FROM question_marks
		WHERE tenant_id = ? AND interview_id = ? ORDER BY question`, tenantID, interviewID)
	list, err := collect(rows, err, func(r *sql.Rows, m *interview.QuestionMark) error {
		return r.Scan(&m.Question, timeDest{&m.AskedAt})
	})
	if err != nil {
		return nil, fmt.Errorf("list question marks of interview %s: %w", interviewID, err)
	}
	return list, nil
}

// SetJoinToken replaces the join link's version, hash and expiry and clears
// a revocation.
func (s *Store) SetJoinToken(ctx context.Context, tenantID, id string, version int, hash string, expiresAt time.Time) error {
	err := affected(s.w.ExecContext(ctx, `UPDATE interview_sessions SET join_token_hash = ?,
		join_version = ?, join_expires_at = ?, join_revoked_at = NULL, updated_at = ?
		WHERE tenant_id = ? AND id = ?`,
		nullString(hash), version, nullTS(&expiresAt), ts(now()), tenantID, id))
	if err != nil {
		return fmt.Errorf("set join link of interview %s: %w", id, err)
	}
	return nil
}

// RevokeJoinToken makes the join link unusable from at.
func (s *Store) RevokeJoinToken(ctx context.Context, tenantID, id string, at time.Time) error {
	fillTime(&at, now())
	err := affected(s.w.ExecContext(ctx, `UPDATE interview_sessions SET join_revoked_at = ?,
		updated_at = ? WHERE tenant_id = ? AND id = ?`, ts(at), ts(now()), tenantID, id))
	if err != nil {
		return fmt.Errorf("revoke join link of interview %s: %w", id, err)
	}
	return nil
}

// TransitionSession moves an interview to status to inside one write
// transaction, so that the check against the stored status and the change
// cannot interleave with another writer.
func (s *Store) TransitionSession(ctx context.Context, tenantID, id string, to interview.Status, reason string, at time.Time) (interview.Session, error) {
	fillTime(&at, now())
	var v interview.Session
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		if v, err = getSession(ctx, tx, tenantID, id); err != nil {
			return err
		}
		if v.Status == to {
			return nil
		}
		if _, err := v.Status.Transition(to); err != nil {
			return err
		}
		v.Apply(to, reason, at)
		return saveTransition(ctx, tx, v)
	})
	if err != nil {
		return interview.Session{}, fmt.Errorf("move interview %s to %s: %w", id, to, err)
	}
	return v, nil
}

func saveTransition(ctx context.Context, tx *sql.Tx, v interview.Session) error {
	_, err := tx.ExecContext(ctx, `UPDATE interview_sessions SET status = ?, started_at = ?,
		ended_at = ?, end_reason = ?, updated_at = ? WHERE tenant_id = ? AND id = ?`,
		string(v.Status), nullTS(v.StartedAt), nullTS(v.EndedAt), v.EndReason,
		ts(v.UpdatedAt), v.TenantID, v.ID)
	return dbErr(err)
}
