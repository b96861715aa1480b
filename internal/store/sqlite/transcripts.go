package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

const transcriptCols = `id, tenant_id, interview_session_id, seq, item_id, speaker, text,
	timestamp, source, confidence, interrupted, created_at`

func scanEntry(row scanner) (interview.TranscriptEntry, error) {
	var e interview.TranscriptEntry
	err := row.Scan(&e.ID, &e.TenantID, &e.InterviewID, &e.Seq, &e.ItemID, &e.Speaker,
		&e.Text, timeDest{&e.Timestamp}, &e.Source, &e.Confidence, &e.Interrupted, timeDest{&e.CreatedAt})
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
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (interview_session_id, item_id) DO NOTHING`,
	`SELECT ` + transcriptCols + ` FROM transcript_entries
		WHERE interview_session_id = ? AND item_id = ?`,
	`UPDATE interview_sessions SET transcript_seq = ? WHERE tenant_id = ? AND id = ?`,
	`SELECT timestamp FROM transcript_entries WHERE interview_session_id = ? AND seq = ?`,
	`SELECT coalesce(max(seq), 0) FROM (SELECT seq FROM transcript_entries
		WHERE interview_session_id = ? AND timestamp <= ? ORDER BY seq DESC LIMIT 1)`,
	`UPDATE transcript_entries SET seq = seq + ?, updated_at = ? WHERE interview_session_id = ? AND seq >= ?`,
	`UPDATE transcript_entries SET text = ?, speaker = ?, source = ?, confidence = ?, interrupted = ?, updated_at = ?
		WHERE interview_session_id = ? AND item_id = ? AND source <> 'sideband'`,
}

// Indexes into appendSQL and Store.appendStmts.
const (
	stmtSessionSeq = iota
	stmtInsertEntry
	stmtStoredEntry
	stmtSetSeq
	stmtLastTime
	stmtPlace
	stmtShift
	stmtOverride
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
// Seq is the spoken order: an entry earlier than the last one stored goes
// after the entries with a timestamp up to its own, and those after it move
// up by one, in the same transaction.
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
	last  time.Time // the timestamp of the entry with Seq seq
	out   []interview.TranscriptEntry
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
	if a.seq > 0 {
		err = a.stmt(stmtLastTime).QueryRowContext(a.ctx, interviewID, a.seq).Scan(timeDest{&a.last})
		if err != nil {
			return nil, dbErr(err)
		}
	}
	last := a.seq
	a.out = make([]interview.TranscriptEntry, 0, len(entries))
	for _, e := range entries {
		e.TenantID, e.InterviewID = tenantID, interviewID
		e.Timestamp = e.Timestamp.UTC().Truncate(time.Microsecond)
		stored, err := a.insert(e)
		if err != nil {
			return nil, err
		}
		a.out = append(a.out, stored)
	}
	if a.seq != last {
		_, err = a.stmt(stmtSetSeq).ExecContext(a.ctx, a.seq, tenantID, interviewID)
	}
	return a.out, dbErr(err)
}

// insert stores e unless its item is already stored, in which case it
// returns the stored entry. An entry not earlier than the last one goes at
// the end; an earlier one at its place.
func (a *appender) insert(e interview.TranscriptEntry) (interview.TranscriptEntry, error) {
	fillID(&e.ID)
	fillTime(&e.CreatedAt, a.at)
	if e.Timestamp.Before(a.last) {
		return a.insertAt(e)
	}
	e.Seq = a.seq + 1
	ok, err := a.write(e)
	if err != nil || !ok {
		old, err := a.stored(e, err)
		if err != nil {
			return old, err
		}
		return a.override(e, old)
	}
	a.seq, a.last = e.Seq, e.Timestamp
	return e, nil
}

// insertAt stores e after the entries whose timestamp is not later than
// its own, moving the later ones up by one.
func (a *appender) insertAt(e interview.TranscriptEntry) (interview.TranscriptEntry, error) {
	if old, err := a.stored(e, nil); err == nil {
		return a.override(e, old)
	} else if !errors.Is(err, store.ErrNotFound) {
		return interview.TranscriptEntry{}, err
	}
	var before int64 // the last entry not later than e: a late entry is near the end
	if err := a.stmt(stmtPlace).QueryRowContext(a.ctx, e.InterviewID, ts(e.Timestamp)).Scan(&before); err != nil {
		return interview.TranscriptEntry{}, dbErr(err)
	}
	e.Seq = before + 1
	// Up by a.seq+1 first, then back by a.seq: UNIQUE (interview, seq) is
	// checked row by row and holds at every step.
	if err := a.shift(e.InterviewID, a.seq+1, e.Seq); err != nil {
		return interview.TranscriptEntry{}, err
	}
	if err := a.shift(e.InterviewID, -a.seq, a.seq+1+e.Seq); err != nil {
		return interview.TranscriptEntry{}, err
	}
	if _, err := a.write(e); err != nil {
		return interview.TranscriptEntry{}, err
	}
	a.seq++
	for i := range a.out { // entries this call already returned that moved
		if a.out[i].Seq >= e.Seq {
			a.out[i].Seq++
		}
	}
	return e, nil
}

// override lets the server's own line win: a sideband entry for an item
// stored from a browser or an integration replaces that entry's text,
// speaker, source, confidence and mark, keeping its place. Anything else
// leaves the stored entry as it is.
func (a *appender) override(e, old interview.TranscriptEntry) (interview.TranscriptEntry, error) {
	if !store.Overrides(e, old) {
		return old, nil
	}
	_, err := a.stmt(stmtOverride).ExecContext(a.ctx, e.Text, string(e.Speaker), string(e.Source),
		e.Confidence, e.Interrupted, ts(a.at), e.InterviewID, e.ItemID)
	if err != nil {
		return old, dbErr(err)
	}
	return store.Overridden(old, e), nil
}

// shift adds by to the Seq of the interview's entries from Seq from on.
func (a *appender) shift(interviewID string, by, from int64) error {
	_, err := a.stmt(stmtShift).ExecContext(a.ctx, by, ts(a.at), interviewID, from)
	return dbErr(err)
}

// write inserts e and reports whether it did: false when its item is
// already stored.
func (a *appender) write(e interview.TranscriptEntry) (bool, error) {
	res, err := a.stmt(stmtInsertEntry).ExecContext(a.ctx,
		e.ID, e.TenantID, e.InterviewID, e.Seq, e.ItemID, string(e.Speaker), e.Text,
		ts(e.Timestamp), string(e.Source), e.Confidence, e.Interrupted, ts(e.CreatedAt), ts(e.CreatedAt))
	if err != nil {
		return false, dbErr(err)
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// stored returns the entry stored for e's item, unless err is not nil.
func (a *appender) stored(e interview.TranscriptEntry, err error) (interview.TranscriptEntry, error) {
	if err != nil {
		return interview.TranscriptEntry{}, err
	}
	return scanEntry(a.stmt(stmtStoredEntry).QueryRowContext(a.ctx, e.InterviewID, e.ItemID))
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
