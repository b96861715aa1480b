package storetest

import (
	"database/sql"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

// Leftovers scans every column of every table of the database db
// (dialect "sqlite" or "postgres") for each needle, ignoring case, and
// returns where it found one, as "table.column: needle". SQLite: every
// table of sqlite_master, every column cast to text; PostgreSQL: every
// text, character varying, jsonb and json column of the public schema.
// It is the "nothing left" check after an erasure; the whole-app test
// reuses it (a *sql.DB: the SQLite file opened again, or
// sql.Open("pgx", url) with github.com/jackc/pgx/v5/stdlib).
func Leftovers(t testing.TB, db *sql.DB, dialect string, needles ...string) []string {
	t.Helper()
	ctx := t.Context()
	listCols, match := `SELECT m.name, '"' || p.name || '"' FROM sqlite_master m, pragma_table_info(m.name) p
		WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY m.name, p.cid`,
		`SELECT count(*) FROM "%s" WHERE instr(lower(CAST(%s AS TEXT)), lower(?)) > 0`
	if dialect == "postgres" {
		// bytea (stored API answers) is read as text by encode(…, 'escape').
		listCols = `SELECT table_name, CASE WHEN data_type = 'bytea'
				THEN 'encode("' || column_name || '", ''escape'')' ELSE '"' || column_name || '"::text' END
			FROM information_schema.columns
			WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', 'jsonb', 'json', 'bytea')
			ORDER BY table_name, ordinal_position`
		match = `SELECT count(*) FROM public."%s" WHERE strpos(lower(%s), lower($1)) > 0`
	}
	rows, err := db.QueryContext(ctx, listCols)
	if err != nil {
		t.Fatalf("list columns: %v", err)
	}
	var cols [][2]string
	for rows.Next() {
		var c [2]string
		if err := rows.Scan(&c[0], &c[1]); err != nil {
			t.Fatal(err)
		}
		cols = append(cols, c)
	}
	rows.Close()
	if len(cols) == 0 {
		t.Fatal("no columns to scan")
	}
	var found []string
	for _, c := range cols {
		for _, needle := range needles {
			var n int
			if err := db.QueryRowContext(ctx, fmt.Sprintf(match, c[0], c[1]), needle).Scan(&n); err != nil {
				t.Fatalf("scan %s.%s: %v", c[0], c[1], err)
			}
			if n > 0 {
				found = append(found, fmt.Sprintf("%s.%s: %s", c[0], c[1], needle))
			}
		}
	}
	return found
}

// RunErasureScan runs the erasure's "nothing left" test: open returns a
// store and the database under it, which Leftovers scans.
func RunErasureScan(t *testing.T, open func(t *testing.T) (store.Store, *sql.DB)) {
	s, db := open(t)
	f := newTenant(t, s)
	p := personOf(t, s, f)
	other := personOf(t, s, f)
	needles := []string{p.name, p.email, p.phrase}
	if found := Leftovers(t, db, s.Dialect(), needles...); len(found) < 5 {
		t.Fatalf("before the erasure the scan finds only %v: it does not look everywhere", found)
	}
	must(t, s.EraseCandidate(t.Context(), &interview.Erasure{TenantID: f.Tenant.ID, CandidateID: p.candidate.ID,
		ActorType: "user", ActorID: f.Owner.ID}))
	if found := Leftovers(t, db, s.Dialect(), needles...); len(found) > 0 {
		t.Errorf("left after the erasure: %v", found)
	}
	if found := Leftovers(t, db, s.Dialect(), other.name, other.email, other.phrase); len(found) < 5 {
		t.Errorf("another candidate's data went too: only %v left", found)
	}
}

// person is a candidate with one of everything an interview leaves.
type person struct {
	candidate           interview.Candidate
	name, email, phrase string
	ended, pending      interview.Session
}

// personOf stores a candidate whose name, e-mail and words are unique,
// with two interviews: one ended with a transcript, a recording, a
// consent, feedback, problems, a scorecard, an assessment, a decision,
// question marks, a lease, e-mail, a webhook delivery, audit events and a
// stored API answer; one still pending.
func personOf(t *testing.T, s store.Store, f fixture) person {
	t.Helper()
	ctx, tn, tag := t.Context(), f.Tenant.ID, unique()[:8]
	p := person{name: "Zed Erasable" + tag, email: "erase-" + tag + "@example.com", phrase: "purple elephant " + tag}
	p.candidate = interview.Candidate{TenantID: tn, Name: p.name, Email: p.email}
	must(t, s.CreateCandidate(ctx, &p.candidate))
	hook := interview.WebhookEndpoint{TenantID: tn, URL: "https://hooks.example.com/" + tag, Secret: "whsec_" + tag}
	must(t, s.CreateWebhookEndpoint(ctx, &hook))
	v := interview.Session{TenantID: tn, PositionID: f.Position.ID, CandidateID: p.candidate.ID,
		JoinTokenHash: unique(), JoinExpiresAt: at(60)}
	must(t, s.CreateSession(ctx, &v))
	must(t, s.EnqueueMail(ctx, &store.Mail{TenantID: tn, Kind: store.MailInvitation, InterviewID: v.ID, To: p.email}))
	must(t, s.RecordConsent(ctx, &interview.Consent{TenantID: tn, InterviewID: v.ID, TextVersion: "v1", UserAgent: "Agent " + tag}))
	_, err := s.AcquireLease(ctx, interview.CallLease{TenantID: tn, InterviewID: v.ID, Owner: "inst-" + tag}, time.Now(), time.Minute)
	must(t, err)
	v = driveTo(t, s, v, interview.StatusInProgress)
	_, err = s.AppendTranscript(ctx, tn, v.ID, []interview.TranscriptEntry{{ItemID: "e-1", Speaker: interview.SpeakerCandidate,
		Text: "I once saw a " + p.phrase + ".", Timestamp: at(2), Source: interview.SourceSideband}})
	must(t, err)
	must(t, s.UpdateSessionProgress(ctx, tn, v.ID, 1, at(2)))
	seg := beginSegment(t, s, v)
	addChunk(t, s, chunk(seg, 0, "bytes"), 0)
	_, err = s.AddCandidateProblem(ctx, &interview.CandidateProblem{TenantID: tn, InterviewID: v.ID, Code: interview.ProblemMicDenied})
	must(t, err)
	v = endAt(t, s, v, 3)
	must(t, s.AddFeedback(ctx, &interview.Feedback{TenantID: tn, InterviewID: v.ID, Rating: 4, Comment: "About the " + p.phrase}))
	must(t, s.SaveScorecard(ctx, &interview.Scorecard{TenantID: tn, InterviewID: v.ID, ReviewerID: f.Owner.ID,
		Recommendation: interview.RecommendYes, Notes: p.name + " on the " + p.phrase}))
	must(t, s.EnqueueAssessment(ctx, &interview.Assessment{TenantID: tn, InterviewID: v.ID, NextAttempt: at(100000)}))
	_, err = s.SetHiringStatus(ctx, &interview.HiringDecision{TenantID: tn, InterviewID: v.ID,
		Status: interview.HiringShortlisted, ActorKind: "user", ActorID: f.Owner.ID})
	must(t, err)
	for _, e := range []interview.AuditEvent{
		{Action: "interview.created", TargetType: "interview", TargetID: v.ID, Data: map[string]string{"candidate": p.email}},
		{Action: "interview.consented", ActorType: "candidate", ActorID: v.ID, TargetType: "interview", TargetID: v.ID,
			Data: map[string]string{"name": p.name}},
	} {
		e.TenantID = tn
		if e.ActorType == "" {
			e.ActorType = "user"
		}
		must(t, s.AppendAudit(ctx, &e))
	}
	key := "idem-" + tag
	_, err = s.ReserveIdempotencyKey(ctx, &interview.IdempotentRequest{TenantID: tn, Key: key, Fingerprint: "f"})
	must(t, err)
	must(t, s.CompleteIdempotencyKey(ctx, tn, key, 201, []byte(`{"id":"`+v.ID+`","candidate":{"email":"`+p.email+`"}}`)))
	p.ended, p.pending = v, f.sessionOf(t, s, p.candidate)
	return p
}

// sessionOf creates an interview of c for the fixture's position.
func (f fixture) sessionOf(t *testing.T, s store.Store, c interview.Candidate) interview.Session {
	t.Helper()
	g := f
	g.Candidate = c
	return g.session(t, s)
}

// EraseCandidate deletes the candidate, their interviews and all about
// them, clears the audit events' data, counts what went and leaves a
// tombstone; another candidate's interviews stay.
func testErase(t *testing.T, s store.Store) {
	ctx := t.Context()
	f := newTenant(t, s)
	p, other := personOf(t, s, f), personOf(t, s, f)
	ids, err := s.ListCandidateInterviews(ctx, f.Tenant.ID, p.candidate.ID)
	must(t, err)
	same(t, "the candidate's interviews", ids, []string{p.ended.ID, p.pending.ID})

	e := interview.Erasure{TenantID: f.Tenant.ID, CandidateID: p.candidate.ID, ActorType: "api_key", ActorID: "key-1",
		ErasedAt: noisy(at(50))}
	must(t, s.EraseCandidate(ctx, &e))
	same(t, "tombstone", []any{e.InterviewIDs, e.ErasedAt, e.ID != ""}, []any{ids, at(50), true})
	for kind, want := range map[string]int64{"interviews": 2, "candidates": 1, "transcriptEntries": 1, "segments": 1,
		"chunks": 1, "recordingBytes": 5, "consents": 1, "feedback": 1, "problems": 1, "scorecards": 1,
		"assessments": 1, "decisions": 1, "questionMarks": 1, "leases": 1, "mails": 1, "auditEvents": 2,
		"idempotencyKeys": 1} {
		if e.Counts[kind] != want {
			t.Errorf("count of %s = %d, want %d (all: %v)", kind, e.Counts[kind], want, e.Counts)
		}
	}
	if e.Counts["webhookDeliveries"] < 2 {
		t.Errorf("webhook deliveries counted %d, want the started and completed ones", e.Counts["webhookDeliveries"])
	}
	list, err := s.ListErasures(ctx, f.Tenant.ID)
	must(t, err)
	same(t, "listed tombstones", list, []interview.Erasure{e})

	_, err = s.GetCandidate(ctx, f.Tenant.ID, p.candidate.ID)
	wantErr(t, "the candidate", err, store.ErrNotFound)
	for _, id := range ids {
		_, err = s.GetSession(ctx, f.Tenant.ID, id)
		wantErr(t, "an interview", err, store.ErrNotFound)
	}
	_, err = s.ListCandidateInterviews(ctx, f.Tenant.ID, p.candidate.ID)
	wantErr(t, "interviews of an erased candidate", err, store.ErrNotFound)
	events, err := s.ListAuditPage(ctx, f.Tenant.ID, interview.AuditFilter{Actions: []string{"interview.created", "interview.consented"}})
	must(t, err)
	for _, ev := range events {
		erased := slices.Contains(ids, ev.TargetID)
		if erased != (len(ev.Data) == 0) {
			t.Errorf("audit %s of %s: data %v (erased interview: %v)", ev.Action, ev.TargetID, ev.Data, erased)
		}
	}
	same(t, "audit events kept", len(events), 4)
	if _, err := s.GetSession(ctx, f.Tenant.ID, other.ended.ID); err != nil {
		t.Errorf("the other candidate's interview: %v", err)
	}
	wantErr(t, "again", s.EraseCandidate(ctx, &interview.Erasure{TenantID: f.Tenant.ID, CandidateID: p.candidate.ID, ActorType: "user"}), store.ErrNotFound)
}

// What EraseCandidate refuses, with nothing deleted: a candidate in
// another tenant, one whose interview is in progress, a bad actor.
func testEraseRefusals(t *testing.T, s store.Store) {
	ctx := t.Context()
	f, g := newTenant(t, s), newTenant(t, s)
	live := driveTo(t, s, f.session(t, s), interview.StatusInProgress)
	for name, tc := range map[string]struct {
		e    interview.Erasure
		want error
	}{
		"another tenant": {interview.Erasure{TenantID: g.Tenant.ID, CandidateID: f.Candidate.ID, ActorType: "user"}, store.ErrNotFound},
		"in progress":    {interview.Erasure{TenantID: f.Tenant.ID, CandidateID: f.Candidate.ID, ActorType: "user"}, store.ErrConflict},
		"a system actor": {interview.Erasure{TenantID: f.Tenant.ID, CandidateID: f.Candidate.ID, ActorType: "system"}, store.ErrInvalid},
		"nobody at all":  {interview.Erasure{TenantID: f.Tenant.ID, CandidateID: unique(), ActorType: "user"}, store.ErrNotFound},
		"no such tenant": {interview.Erasure{TenantID: unique(), CandidateID: f.Candidate.ID, ActorType: "user"}, store.ErrNotFound},
	} {
		t.Run(name, func(t *testing.T) {
			e := tc.e
			wantErr(t, name, s.EraseCandidate(ctx, &e), tc.want)
		})
	}
	if _, err := s.GetSession(ctx, f.Tenant.ID, live.ID); err != nil {
		t.Errorf("the interview in progress: %v", err)
	}
	list, err := s.ListErasures(ctx, f.Tenant.ID)
	must(t, err)
	same(t, "tombstones", list, []interview.Erasure{})
	_, err = s.ListCandidateInterviews(ctx, g.Tenant.ID, f.Candidate.ID)
	wantErr(t, "another tenant's candidate's interviews", err, store.ErrNotFound)
}
