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
	e.text, e.timestamp, e.source, e.confidence, e.interrupted, e.created_at`

func scanEntry(r interface{ Scan(...any) error }, e *interview.TranscriptEntry) error {
	return r.Scan(&e.ID, &e.TenantID, &e.InterviewID, &e.Seq, &e.ItemID, &e.Speaker,
		&e.Text, &e.Timestamp, &e.Source, &e.Confidence, &e.Interrupted, &e.CreatedAt)
}

// AppendTranscript writes entries to an open interview in one transaction.
// The interview row is locked FOR UPDATE first, so concurrent appends to one
// interview queue there: each sees the items and transcript_seq the one
// before it committed, so Seq stays gap-free and no item is stored twice.
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
// already stored, insert the entries not earlier than the last one in one
// statement, then each earlier one at its place; move transcript_seq.
func appendEntries(ctx context.Context, tx pgx.Tx, tenantID, interviewID string, entries []interview.TranscriptEntry) ([]interview.TranscriptEntry, error) {
	a := pgAppend{ctx: ctx, tx: tx, tenant: tenantID, interview: interviewID}
	var status interview.Status
	err := tx.QueryRow(ctx, `SELECT status, transcript_seq FROM interview_sessions
		WHERE tenant_id = $1 AND id = $2 FOR UPDATE`, tenantID, interviewID).Scan(&status, &a.seq)
	if err != nil {
		return nil, err
	}
	if !status.Open() {
		return nil, store.ErrClosed
	}
	// A statement of its own: its snapshot, taken after the lock, sees what
	// the append before this one committed.
	stored, err := a.storedEntries(entries)
	if err != nil {
		return nil, err
	}
	seq := a.seq
	fresh, late := a.plan(entries, stored)
	if err := a.overrideStored(entries, stored); err != nil {
		return nil, err
	}
	if len(fresh) > 0 {
		if err := insertEntries(ctx, tx, tenantID, interviewID, fresh); err != nil {
			return nil, err
		}
	}
	for _, i := range late {
		if err := a.insertAt(i); err != nil {
			return nil, err
		}
	}
	a.copyRepeats()
	if a.seq == seq {
		return a.out, nil
	}
	_, err = tx.Exec(ctx, `UPDATE interview_sessions SET transcript_seq = $1
		WHERE tenant_id = $2 AND id = $3`, a.seq, tenantID, interviewID)
	return a.out, err
}

// pgAppend is one AppendTranscript transaction.
type pgAppend struct {
	ctx       context.Context
	tx        pgx.Tx
	tenant    string
	interview string
	seq       int64     // the last Seq handed out
	last      time.Time // the timestamp of the entry with Seq seq
	out       []interview.TranscriptEntry
	repeats   map[int]int // index in out → index of the same item's first entry
}

// plan fills out: entries already stored as they are, entries not earlier
// than the last one with the next Seqs (returned as fresh, to insert in one
// statement), and returns the indexes of the earlier ones, to insert at
// their place. An item repeated within entries is stored once.
func (a *pgAppend) plan(entries []interview.TranscriptEntry, stored map[string]interview.TranscriptEntry) (fresh []interview.TranscriptEntry, late []int) {
	at := now()
	a.out = make([]interview.TranscriptEntry, len(entries))
	a.repeats = map[int]int{}
	first := map[string]int{}
	for i, e := range entries {
		if old, ok := stored[e.ItemID]; ok {
			a.out[i] = old
			continue
		}
		if j, ok := first[e.ItemID]; ok {
			a.repeats[i] = j
			continue
		}
		first[e.ItemID] = i
		e.TenantID, e.InterviewID = a.tenant, a.interview
		fillID(&e.ID)
		fillTime(&e.CreatedAt, at)
		e.Timestamp = e.Timestamp.UTC().Truncate(time.Microsecond)
		a.out[i] = e
		if e.Timestamp.Before(a.last) {
			late = append(late, i)
			continue
		}
		a.seq++
		a.out[i].Seq, a.last = a.seq, e.Timestamp
		fresh = append(fresh, a.out[i])
	}
	return fresh, late
}

// insertAt stores out[i] after the entries whose timestamp is not later
// than its own, moving the later ones up by one: first up by seq+1, then
// back by seq, since UNIQUE (interview, seq) is checked row by row.
func (a *pgAppend) insertAt(i int) error {
	e := &a.out[i]
	var before int64 // the last entry not later than e: a late entry is near the end
	err := a.tx.QueryRow(a.ctx, `SELECT coalesce(max(seq), 0) FROM (SELECT seq FROM transcript_entries
		WHERE interview_session_id = $1 AND timestamp <= $2 ORDER BY seq DESC LIMIT 1) AS x`,
		a.interview, e.Timestamp).Scan(&before)
	if err != nil {
		return err
	}
	e.Seq = before + 1
	_, err = a.tx.Exec(a.ctx, `UPDATE transcript_entries SET seq = seq + $1, updated_at = $2
		WHERE interview_session_id = $3 AND seq >= $4`, a.seq+1, e.CreatedAt, a.interview, e.Seq)
	if err == nil {
		_, err = a.tx.Exec(a.ctx, `UPDATE transcript_entries SET seq = seq - $1
			WHERE interview_session_id = $2 AND seq >= $3`, a.seq, a.interview, a.seq+1+e.Seq)
	}
	if err == nil {
		err = insertEntries(a.ctx, a.tx, a.tenant, a.interview, []interview.TranscriptEntry{*e})
	}
	if err != nil {
		return err
	}
	a.seq++
	for j := range a.out { // entries already placed that moved
		if j != i && a.out[j].Seq >= e.Seq {
			a.out[j].Seq++
		}
	}
	return nil
}

// overrideStored lets the server's own line win: each sideband entry for
// an item stored from a browser or an integration replaces that entry's
// text, speaker, source, confidence and mark, keeping its place
// (store.Overrides).
func (a *pgAppend) overrideStored(entries []interview.TranscriptEntry, stored map[string]interview.TranscriptEntry) error {
	for i, e := range entries {
		old, ok := stored[e.ItemID]
		if !ok || !store.Overrides(e, old) {
			continue
		}
		_, err := a.tx.Exec(a.ctx, `UPDATE transcript_entries SET text = $1, speaker = $2, source = $3,
			confidence = $4, interrupted = $5, updated_at = $6
			WHERE interview_session_id = $7 AND item_id = $8`,
			e.Text, string(e.Speaker), string(e.Source), e.Confidence, e.Interrupted, now(), a.interview, e.ItemID)
		if err != nil {
			return err
		}
		a.out[i] = store.Overridden(old, e)
		stored[e.ItemID] = a.out[i]
	}
	return nil
}

// copyRepeats returns an item repeated within one call as its first entry.
func (a *pgAppend) copyRepeats() {
	for i, j := range a.repeats {
		a.out[i] = a.out[j]
	}
}

// storedEntries returns the entries already stored for the items of
// entries, and sets a.last from the last entry, in one query.
func (a *pgAppend) storedEntries(entries []interview.TranscriptEntry) (map[string]interview.TranscriptEntry, error) {
	items := make([]string, len(entries))
	for i, e := range entries {
		items[i] = e.ItemID
	}
	rows, err := a.tx.Query(a.ctx, `SELECT `+transcriptCols+` FROM transcript_entries e
		WHERE e.interview_session_id = $1 AND (e.item_id = ANY($2) OR e.seq = $3)`, a.interview, items, a.seq)
	list, err := collect(rows, err, func(r pgx.Rows, e *interview.TranscriptEntry) error {
		return scanEntry(r, e)
	})
	if err != nil {
		return nil, err
	}
	asked := make(map[string]bool, len(items))
	for _, item := range items {
		asked[item] = true
	}
	stored := make(map[string]interview.TranscriptEntry, len(entries))
	for _, e := range list {
		if e.Seq == a.seq {
			a.last = e.Timestamp
		}
		if asked[e.ItemID] {
			stored[e.ItemID] = e
		}
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
		cut                                  = make([]bool, n)
	)
	for i, e := range entries {
		ids[i], items[i], speakers[i], texts[i], sources[i] = e.ID, e.ItemID, string(e.Speaker), e.Text, string(e.Source)
		seqs[i], stamps[i], created[i], conf[i], cut[i] = e.Seq, e.Timestamp, e.CreatedAt, e.Confidence, e.Interrupted
	}
	_, err := tx.Exec(ctx, `INSERT INTO transcript_entries (id, tenant_id, interview_session_id,
		seq, item_id, speaker, text, timestamp, source, confidence, interrupted, created_at, updated_at)
		SELECT u.id::uuid, $1, $2, u.seq, u.item_id, u.speaker, u.text, u.ts, u.source,
			u.confidence, u.interrupted, u.created, u.created
		FROM unnest($3::text[], $4::bigint[], $5::text[], $6::text[], $7::text[],
			$8::timestamptz[], $9::text[], $10::float8[], $11::timestamptz[], $12::boolean[])
			AS u(id, seq, item_id, speaker, text, ts, source, confidence, created, interrupted)`,
		tenantID, interviewID, ids, seqs, items, speakers, texts, stamps, sources, conf, created, cut)
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
	e.confidence, coalesce(e.interrupted, false), e.created_at`

// nullableEntry is one row of ListTranscript's join: ok is false for the
// row of NULLs of an interview with no entries after afterSeq.
type nullableEntry struct {
	ok bool
	e  interview.TranscriptEntry
}

func (n *nullableEntry) dest() []any {
	e := &n.e
	return []any{&n.ok, &e.ID, &e.TenantID, &e.InterviewID, &e.Seq, &e.ItemID, &e.Speaker,
		&e.Text, zeroTime{&e.Timestamp}, &e.Source, &e.Confidence, &e.Interrupted, zeroTime{&e.CreatedAt}}
}
