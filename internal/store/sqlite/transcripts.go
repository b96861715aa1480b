package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

const transcriptCols = `id, tenant_id, interview_session_id, seq, item_id, speaker, text,
	timestamp, source, confidence, created_at`

func scanEntry(row scanner) (interview.TranscriptEntry, error) {
	var e interview.TranscriptEntry
	err := row.Scan(&e.ID, &e.TenantID, &e.InterviewID, &e.Seq, &e.ItemID, &e.Speaker,
		&e.Text, timeDest{&e.Timestamp}, &e.Source, &e.Confidence, timeDest{&e.CreatedAt})
	if err != nil {
		return interview.TranscriptEntry{}, dbErr(err)
	}
	return e, nil
}

// appendSQL are AppendTranscript's statements. They are prepared once on
// the writer's single connection, because parsing them costs more than
// running them.
var appendSQL = [...]string{
	`SELECT status, transcript_seq FROM interview_sessions WHERE tenant_id = ? AND id = ?`,
	`INSERT INTO transcript_entries (` + transcriptCols + `, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (interview_session_id, item_id) DO NOTHING`,
	`SELECT ` + transcriptCols + ` FROM transcript_entries
		WHERE interview_session_id = ? AND item_id = ?`,
	`UPDATE interview_sessions SET transcript_seq = ? WHERE tenant_id = ? AND id = ?`,
}

// Indexes into appendSQL and Store.appendStmts.
const (
	stmtSessionSeq = iota
	stmtInsertEntry
	stmtStoredEntry
	stmtSetSeq
)

// prepareAppend prepares appendSQL on the writer.
func prepareAppend(ctx context.Context, db *sql.DB) ([]*sql.Stmt, error) {
	stmts := make([]*sql.Stmt, len(appendSQL))
	for i, q := range appendSQL {
		st, err := db.PrepareContext(ctx, q)
		if err != nil {
			closeAll(stmts)
			return nil, fmt.Errorf("prepare transcript statements: %w", err)
		}
		stmts[i] = st
	}
	return stmts, nil
}

// AppendTranscript writes entries to an open interview in one transaction.
// The writer's single connection and BEGIN IMMEDIATE serialise appends, so
// reading transcript_seq and writing it back cannot interleave: Seq stays
// gap-free and an item stored by a concurrent writer is seen, not repeated.
func (s *Store) AppendTranscript(ctx context.Context, tenantID, interviewID string, entries []interview.TranscriptEntry) ([]interview.TranscriptEntry, error) {
	for i := range entries {
		if err := entries[i].Validate(); err != nil {
			return nil, fmt.Errorf("append to transcript of %s: entry %d: %w", interviewID, i, err)
		}
	}
	var out []interview.TranscriptEntry
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		a := appender{ctx: ctx, tx: tx, stmts: s.appendStmts, at: now()}
		var err error
		out, err = a.append(tenantID, interviewID, entries)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("append to transcript of %s: %w", interviewID, err)
	}
	return out, nil
}

// appender is one AppendTranscript transaction.
type appender struct {
	ctx   context.Context
	tx    *sql.Tx
	stmts []*sql.Stmt
	at    time.Time // CreatedAt of the new entries
	seq   int64     // the last Seq handed out
}

// stmt returns the prepared statement i bound to the transaction.
func (a *appender) stmt(i int) *sql.Stmt { return a.tx.StmtContext(a.ctx, a.stmts[i]) }

func (a *appender) append(tenantID, interviewID string, entries []interview.TranscriptEntry) ([]interview.TranscriptEntry, error) {
	var status interview.Status
	err := a.stmt(stmtSessionSeq).QueryRowContext(a.ctx, tenantID, interviewID).Scan(&status, &a.seq)
	if err != nil {
		return nil, dbErr(err)
	}
	if !status.Open() {
		return nil, store.ErrClosed
	}
	last := a.seq
	out := make([]interview.TranscriptEntry, len(entries))
	for i, e := range entries {
		e.TenantID, e.InterviewID = tenantID, interviewID
		if out[i], err = a.insert(e); err != nil {
			return nil, err
		}
	}
	if a.seq != last {
		_, err = a.stmt(stmtSetSeq).ExecContext(a.ctx, a.seq, tenantID, interviewID)
	}
	return out, dbErr(err)
}

// insert stores e with the next Seq unless its item is already stored, in
// which case it returns the stored entry and hands out no Seq.
func (a *appender) insert(e interview.TranscriptEntry) (interview.TranscriptEntry, error) {
	fillID(&e.ID)
	fillTime(&e.CreatedAt, a.at)
	e.Timestamp = e.Timestamp.UTC().Truncate(time.Microsecond)
	e.Seq = a.seq + 1
	res, err := a.stmt(stmtInsertEntry).ExecContext(a.ctx,
		e.ID, e.TenantID, e.InterviewID, e.Seq, e.ItemID, string(e.Speaker), e.Text,
		ts(e.Timestamp), string(e.Source), e.Confidence, ts(e.CreatedAt), ts(e.CreatedAt))
	if err != nil {
		return interview.TranscriptEntry{}, dbErr(err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return scanEntry(a.stmt(stmtStoredEntry).QueryRowContext(a.ctx, e.InterviewID, e.ItemID))
	}
	a.seq = e.Seq
	return e, nil
}

// ListTranscript returns an interview's entries with Seq > afterSeq, in Seq
// order; ErrNotFound if the interview is not in tenantID.
func (s *Store) ListTranscript(ctx context.Context, tenantID, interviewID string, afterSeq int64) ([]interview.TranscriptEntry, error) {
	if err := s.sessionExists(ctx, tenantID, interviewID); err != nil {
		return nil, fmt.Errorf("list transcript of %s: %w", interviewID, err)
	}
	rows, err := s.r.QueryContext(ctx, `SELECT `+transcriptCols+` FROM transcript_entries
		WHERE tenant_id = ? AND interview_session_id = ? AND seq > ? ORDER BY seq`,
		tenantID, interviewID, afterSeq)
	if err != nil {
		return nil, fmt.Errorf("list transcript of %s: %w", interviewID, dbErr(err))
	}
	defer rows.Close()
	list := []interview.TranscriptEntry{}
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return nil, fmt.Errorf("list transcript of %s: %w", interviewID, err)
		}
		list = append(list, e)
	}
	return list, rows.Err()
}

// sessionExists is ErrNotFound unless interview id is in tenantID, so that
// lists under an interview tell "none yet" from "not yours".
func (s *Store) sessionExists(ctx context.Context, tenantID, id string) error {
	var one int
	err := s.r.QueryRowContext(ctx, `SELECT 1 FROM interview_sessions
		WHERE tenant_id = ? AND id = ?`, tenantID, id).Scan(&one)
	return dbErr(err)
}
