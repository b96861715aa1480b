package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

const transcriptCols = `e.id, e.tenant_id, e.interview_session_id, e.seq, e.item_id, e.speaker,
	e.text, e.timestamp, e.source, e.confidence, e.created_at`

func scanEntry(r interface{ Scan(...any) error }, e *interview.TranscriptEntry) error {
	return r.Scan(&e.ID, &e.TenantID, &e.InterviewID, &e.Seq, &e.ItemID, &e.Speaker,
		&e.Text, &e.Timestamp, &e.Source, &e.Confidence, &e.CreatedAt)
}

// AppendTranscript writes entries to an open interview in one transaction.
// The interview row is locked FOR UPDATE first, so concurrent appends to one
// interview queue there: each sees the items and transcript_seq the one
// before it committed, so Seq stays gap-free and no item is stored twice.
func (s *Store) AppendTranscript(ctx context.Context, tenantID, interviewID string, entries []interview.TranscriptEntry) ([]interview.TranscriptEntry, error) {
	for i := range entries {
		if err := entries[i].Validate(); err != nil {
			return nil, fmt.Errorf("append to transcript of %s: entry %d: %w", interviewID, i, err)
		}
	}
	var out []interview.TranscriptEntry
	err := s.tx(ctx, func(tx pgx.Tx) error {
		var err error
		out, err = appendEntries(ctx, tx, tenantID, interviewID, entries)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("append to transcript of %s: %w", interviewID, err)
	}
	return out, nil
}

// appendEntries is AppendTranscript's transaction: lock, look up the items
// already stored, insert the rest in one statement, move transcript_seq.
func appendEntries(ctx context.Context, tx pgx.Tx, tenantID, interviewID string, entries []interview.TranscriptEntry) ([]interview.TranscriptEntry, error) {
	var status interview.Status
	var seq int64
	err := tx.QueryRow(ctx, `SELECT status, transcript_seq FROM interview_sessions
		WHERE tenant_id = $1 AND id = $2 FOR UPDATE`, tenantID, interviewID).Scan(&status, &seq)
	if err != nil {
		return nil, err
	}
	if !status.Open() {
		return nil, store.ErrClosed
	}
	stored, err := storedEntries(ctx, tx, interviewID, entries)
	if err != nil {
		return nil, err
	}
	at := now()
	out := make([]interview.TranscriptEntry, len(entries))
	var fresh []interview.TranscriptEntry
	for i, e := range entries {
		if old, ok := stored[e.ItemID]; ok {
			out[i] = old
			continue
		}
		seq++
		e.TenantID, e.InterviewID, e.Seq = tenantID, interviewID, seq
		fillID(&e.ID)
		fillTime(&e.CreatedAt, at)
		e.Timestamp = e.Timestamp.UTC().Truncate(time.Microsecond)
		stored[e.ItemID] = e // a repeated item in one call is stored once
		out[i] = e
		fresh = append(fresh, e)
	}
	if len(fresh) == 0 {
		return out, nil
	}
	if err := insertEntries(ctx, tx, tenantID, interviewID, fresh); err != nil {
		return nil, err
	}
	_, err = tx.Exec(ctx, `UPDATE interview_sessions SET transcript_seq = $1
		WHERE tenant_id = $2 AND id = $3`, seq, tenantID, interviewID)
	return out, err
}

// storedEntries returns the entries already stored for the items of entries.
func storedEntries(ctx context.Context, tx pgx.Tx, interviewID string, entries []interview.TranscriptEntry) (map[string]interview.TranscriptEntry, error) {
	items := make([]string, len(entries))
	for i, e := range entries {
		items[i] = e.ItemID
	}
	rows, err := tx.Query(ctx, `SELECT `+transcriptCols+` FROM transcript_entries e
		WHERE e.interview_session_id = $1 AND e.item_id = ANY($2)`, interviewID, items)
	list, err := collect(rows, err, func(r pgx.Rows, e *interview.TranscriptEntry) error {
		return scanEntry(r, e)
	})
	if err != nil {
		return nil, err
	}
	stored := make(map[string]interview.TranscriptEntry, len(entries))
	for _, e := range list {
		stored[e.ItemID] = e
	}
	return stored, nil
}

// insertEntries stores entries with one INSERT over unnest'ed arrays: one
// round trip for a whole batch. (COPY would be faster still, but PostgreSQL
// refuses it under row-level security for the authenticated role.)
func insertEntries(ctx context.Context, tx pgx.Tx, tenantID, interviewID string, entries []interview.TranscriptEntry) error {
	n := len(entries)
	var (
		ids, items, speakers, texts, sources = make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		seqs                                 = make([]int64, n)
		stamps, created                      = make([]time.Time, n), make([]time.Time, n)
		conf                                 = make([]*float64, n)
	)
	for i, e := range entries {
		ids[i], items[i], speakers[i], texts[i], sources[i] = e.ID, e.ItemID, string(e.Speaker), e.Text, string(e.Source)
		seqs[i], stamps[i], created[i], conf[i] = e.Seq, e.Timestamp, e.CreatedAt, e.Confidence
	}
	_, err := tx.Exec(ctx, `INSERT INTO transcript_entries (id, tenant_id, interview_session_id,
		seq, item_id, speaker, text, timestamp, source, confidence, created_at, updated_at)
		SELECT u.id::uuid, $1, $2, u.seq, u.item_id, u.speaker, u.text, u.ts, u.source,
			u.confidence, u.created, u.created
		FROM unnest($3::text[], $4::bigint[], $5::text[], $6::text[], $7::text[],
			$8::timestamptz[], $9::text[], $10::float8[], $11::timestamptz[])
			AS u(id, seq, item_id, speaker, text, ts, source, confidence, created)`,
		tenantID, interviewID, ids, seqs, items, speakers, texts, stamps, sources, conf, created)
	return err
}

// ListTranscript returns an interview's entries with Seq > afterSeq, in Seq
// order; ErrNotFound if the interview is not in tenantID. One statement: the
// interview joined to its entries, so that "none yet" (one row of NULLs)
// differs from "not yours" (no row).
func (s *Store) ListTranscript(ctx context.Context, tenantID, interviewID string, afterSeq int64) ([]interview.TranscriptEntry, error) {
	rows, err := s.q().Query(ctx, `SELECT e.id IS NOT NULL, `+nullableEntryCols+`
		FROM interview_sessions s
		LEFT JOIN transcript_entries e ON e.tenant_id = s.tenant_id
			AND e.interview_session_id = s.id AND e.seq > $3
		WHERE s.tenant_id = $1 AND s.id = $2
		ORDER BY e.seq`, tenantID, interviewID, afterSeq)
	var found bool
	list, err := collect(rows, err, func(r pgx.Rows, e *nullableEntry) error {
		found = true
		return r.Scan(e.dest()...)
	})
	if err == nil && !found {
		err = store.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("list transcript of %s: %w", interviewID, err)
	}
	out := make([]interview.TranscriptEntry, 0, len(list))
	for _, e := range list {
		if e.ok {
			out = append(out, e.e)
		}
	}
	return out, nil
}

// nullableEntryCols are transcriptCols made safe to scan from the NULLs of
// a LEFT JOIN with no match.
const nullableEntryCols = `coalesce(e.id::text, ''), coalesce(e.tenant_id::text, ''),
	coalesce(e.interview_session_id::text, ''), coalesce(e.seq, 0), coalesce(e.item_id, ''),
	coalesce(e.speaker, ''), coalesce(e.text, ''), e.timestamp, coalesce(e.source, ''),
	e.confidence, e.created_at`

// nullableEntry is one row of ListTranscript's join: ok is false for the
// row of NULLs of an interview with no entries after afterSeq.
type nullableEntry struct {
	ok bool
	e  interview.TranscriptEntry
}

func (n *nullableEntry) dest() []any {
	e := &n.e
	return []any{&n.ok, &e.ID, &e.TenantID, &e.InterviewID, &e.Seq, &e.ItemID, &e.Speaker,
		&e.Text, zeroTime{&e.Timestamp}, &e.Source, &e.Confidence, zeroTime{&e.CreatedAt}}
}
