package supabasee2e

import (
	"errors"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

// candidateEmail is the address of the candidate whose transcript the
// impostor is after.
const candidateEmail = "alice@example.com"

// outsider signs email up at Auth directly, with only the public anon key,
// as anyone can, and returns the claims of the access token Auth gives
// them. With confirmation off Auth confirms the address without asking its
// owner; with it on Auth issues nothing until the address is confirmed,
// which happens here too: the candidate may sign up herself.
func (p *project) outsider(t *testing.T, email string) (claims string, sub string) {
	t.Helper()
	s := p.directSignUp(t, email, map[string]any{"name": "Not Alice"})
	if p.confirm {
		if s.AccessToken != "" {
			t.Fatalf("Auth issued a session to an unconfirmed sign-up of %s", email)
		}
		p.confirmAll(t)
		s = p.directSignIn(t, email)
	}
	claims, m := claimsOf(t, s.AccessToken)
	if m["email"] != email || m["role"] != "authenticated" || m["sub"] == "" {
		t.Fatalf("the outsider's claims %s", claims)
	}
	return claims, m["sub"].(string)
}

// THE IMPOSTOR (finding 1): someone signs up a candidate's email address
// at Auth and, with the token Auth gives them, reads nothing of the
// organisation that interviews her: not her interview, not its transcript,
// no row of any tenant-owned table, neither as PostgREST would query nor
// through interviewd's store. Nor does the anon key alone.
func testImpostor(t *testing.T, p *project) {
	ctx := t.Context()
	o := p.newOrg(t, p.accounts(t, nil), "Victims Ltd", candidateEmail)
	// The owner's own token reads the interview and its transcript in the
	// same way, so the zeros below are not for want of a working set-up.
	ownerClaims, _ := claimsOf(t, p.directSignIn(t, o.owner.User.Email).AccessToken)
	p.asUser(t, ownerClaims, func(tx pgx.Tx) {
		if n, _ := visible(t, tx, "interview_sessions"); n != 1 {
			t.Fatalf("the owner reads %d interviews, want 1", n)
		}
		if n, _ := visible(t, tx, "transcript_entries"); n != o.lines {
			t.Fatalf("the owner reads %d transcript entries, want %d", n, o.lines)
		}
	})
	claims, sub := p.outsider(t, candidateEmail)
	p.asUser(t, claims, func(tx pgx.Tx) {
		for _, table := range p.tenantOwned(t) {
			n, refused := visible(t, tx, table)
			if n != 0 {
				t.Errorf("the impostor reads %d rows of %s", n, table)
			} else if refused && table != "logins" { // logins is the server's alone
				t.Logf("%s: refused to the impostor", table)
			}
		}
	})
	p.asRole(t, "anon", func(tx pgx.Tx) { // the anon key alone, as the Data API serves it
		for _, table := range p.tenantOwned(t) {
			if n, _ := visible(t, tx, table); n != 0 {
				t.Errorf("anon reads %d rows of %s", n, table)
			}
		}
	})
	as := p.store.As(store.Actor{UserID: sub, Email: candidateEmail})
	if s, err := as.GetSession(ctx, o.tenant(), o.session.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the impostor gets the interview through the store: %+v, %v", s, err)
	}
	if es, err := as.ListTranscript(ctx, o.tenant(), o.session.ID, 0); len(es) != 0 {
		t.Errorf("the impostor lists %d transcript entries through the store (%v)", len(es), err)
	}
	if ss, err := as.ListSessions(ctx, o.tenant(), interview.SessionFilter{}); len(ss) != 0 {
		t.Errorf("the impostor lists %d interviews through the store (%v)", len(ss), err)
	}
	if es, err := p.store.ListTranscript(ctx, o.tenant(), o.session.ID, 0); err != nil || len(es) != o.lines {
		t.Fatalf("the transcript is gone: %d entries, %v", len(es), err)
	}
}

// TRUNCATE, which row-level security does not govern, is refused to a
// signed-in outsider on every table of public, for lack of the privilege;
// and anon cannot advance any sequence of public (finding 3).
func testTruncate(t *testing.T, p *project) {
	ctx := t.Context()
	o := p.newOrg(t, p.accounts(t, nil), "Truncated Ltd", "cand-t@example.com")
	claims, _ := p.outsider(t, p.email("mallory"))
	rows, _ := p.sql.Query(ctx, `SELECT tablename::text FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`)
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil || len(tables) < 10 {
		t.Fatalf("public tables %v, %v", tables, err)
	}
	p.asUser(t, claims, func(tx pgx.Tx) {
		for _, table := range tables {
			sp, err := tx.Begin(ctx)
			if err != nil {
				t.Fatal(err)
			}
			_, err = sp.Exec(ctx, "TRUNCATE public."+pgx.Identifier{table}.Sanitize())
			sp.Rollback(ctx)
			if code := pgCode(err); code != "42501" {
				t.Errorf("TRUNCATE %s as authenticated: %v (SQLSTATE %q), want refused for lack of privilege", table, err, code)
			}
		}
	})
	// From pg_class: information_schema leaves out identity columns'
	// sequences, such as goose's.
	rows, _ = p.sql.Query(ctx, `SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = 'public' AND c.relkind = 'S' ORDER BY 1`)
	sequences, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil || len(sequences) == 0 {
		t.Fatalf("public sequences %v, %v; want goose's at least", sequences, err)
	}
	for _, seq := range sequences {
		p.asRole(t, "anon", func(tx pgx.Tx) {
			if _, err := tx.Exec(ctx, "SELECT nextval($1::regclass)", "public."+pgx.Identifier{seq}.Sanitize()); pgCode(err) != "42501" {
				t.Errorf("nextval(%s) as anon: %v, want refused", seq, err)
			}
		})
	}
	if es, err := p.store.ListTranscript(ctx, o.tenant(), o.session.ID, 0); err != nil || len(es) != o.lines {
		t.Fatalf("the transcript after the attempts: %d entries, %v", len(es), err)
	}
}
