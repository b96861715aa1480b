package supabasee2e

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/interviewd/interviewd/internal/auth"
	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

// org is an organisation with its owner and one row in every tenant-owned
// table, the interview's candidate having candidateEmail.
type org struct {
	owner     auth.Principal
	position  interview.Position
	candidate interview.Candidate
	session   interview.Session
	lines     int // transcript entries of session
}

func (o org) tenant() string { return o.owner.Membership.TenantID }

// newOrg signs up an owner through interviewd and fills their organisation
// on the store's privileged path, as interviewd's server jobs write.
func (p *project) newOrg(t *testing.T, acc *auth.SupabaseAccounts, name, candidateEmail string) org {
	t.Helper()
	ctx := t.Context()
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %s: %v", name, what, err)
		}
	}
	var o org
	_, o.owner = p.newOwner(t, acc, name, p.email("owner"))
	tid, uid := o.tenant(), o.owner.User.ID
	st := p.store
	o.position = interview.Position{TenantID: tid, Title: "Engineer at " + name, Questions: []string{"Why us?"}}
	must("position", st.CreatePosition(ctx, &o.position))
	o.candidate = interview.Candidate{TenantID: tid, Name: "Alice", Email: candidateEmail}
	must("candidate", st.CreateCandidate(ctx, &o.candidate))
	o.session = interview.Session{TenantID: tid, PositionID: o.position.ID, CandidateID: o.candidate.ID,
		JoinTokenHash: "join-" + uid, JoinExpiresAt: time.Now().Add(time.Hour)}
	must("interview", st.CreateSession(ctx, &o.session))
	var lines []interview.TranscriptEntry
	for i, text := range []string{"Tell me about yourself.", "I left my last job because of a dispute.", "Thank you."} {
		lines = append(lines, interview.TranscriptEntry{ItemID: "item-" + string(rune('a'+i)),
			Speaker: []interview.Speaker{interview.SpeakerInterviewer, interview.SpeakerCandidate}[i%2],
			Text:    text, Timestamp: time.Now(), Source: interview.SourceSideband})
	}
	_, err := st.AppendTranscript(ctx, tid, o.session.ID, lines)
	must("transcript", err)
	o.lines = len(lines)
	segment := interview.VideoSegment{TenantID: tid, InterviewID: o.session.ID, VideoURL: "https://video.invalid/" + uid}
	must("video", st.CreateVideoSegment(ctx, &segment))
	_, err = st.AddChunk(ctx, interview.RecordingChunk{TenantID: tid, InterviewID: o.session.ID,
		SegmentID: segment.ID, Bytes: 1, SHA256: strings.Repeat("ab", 32)}, 0)
	must("recording chunk", err)
	_, err = st.AddUsage(ctx, &interview.Usage{TenantID: tid, InterviewID: o.session.ID,
		Kind: interview.UsageResponse, SourceID: "resp_" + uid, UsageTokens: interview.UsageTokens{TextIn: 1}})
	must("usage", err)
	erased := interview.Candidate{TenantID: tid, Name: "Erased", Email: "erased-" + uid[:8] + "@example.com"}
	must("erased candidate", st.CreateCandidate(ctx, &erased))
	must("erasure", st.EraseCandidate(ctx, &interview.Erasure{TenantID: tid, CandidateID: erased.ID, ActorType: "user", ActorID: uid}))
	must("consent", st.RecordConsent(ctx, &interview.Consent{TenantID: tid,
		InterviewID: o.session.ID, TextVersion: "v1", IPAddress: "192.0.2.1", UserAgent: "test"}))
	must("api key", st.CreateAPIKey(ctx, &interview.APIKey{TenantID: tid, Name: "ci",
		Prefix: "ik_" + uid[:8], Hash: "key-" + uid, CreatedBy: uid}))
	must("audit", st.AppendAudit(ctx, &interview.AuditEvent{TenantID: tid, ActorType: "user",
		ActorID: uid, Action: "position.created", TargetType: "position", TargetID: o.position.ID}))
	must("login", st.CreateLogin(ctx, &interview.Login{UserID: uid, TenantID: tid,
		TokenHash: "login-" + uid, ExpiresAt: time.Now().Add(time.Hour)}))
	must("invitation", st.CreateInvitation(ctx, &interview.Invitation{TenantID: tid,
		Email: "invitee-" + uid[:8] + "@example.com", Role: interview.RoleViewer, TokenHash: "invite-" + uid,
		InvitedBy: uid, ExpiresAt: time.Now().Add(time.Hour)}))
	_, err = st.ReserveIdempotencyKey(ctx, &interview.IdempotentRequest{TenantID: tid, Key: "idem-" + uid, Fingerprint: "fp"})
	must("idempotency key", err)
	must("webhook endpoint", st.CreateWebhookEndpoint(ctx, &interview.WebhookEndpoint{TenantID: tid,
		URL: "https://hooks.invalid/" + uid, Secret: "whsec_" + uid, CreatedBy: uid}))
	for _, to := range []interview.Status{interview.StatusReady, interview.StatusInProgress} {
		_, err = st.TransitionSession(ctx, tid, o.session.ID, to, "", time.Time{})
		must("start the interview (a webhook delivery)", err)
	}
	return o
}

// tenantOwned lists the tables whose rows belong to an organisation, from
// the catalogue (so a table added later is covered), and tenants and users.
func (p *project) tenantOwned(t *testing.T) []string {
	t.Helper()
	rows, _ := p.sql.Query(t.Context(), `SELECT DISTINCT table_name::text FROM information_schema.columns
		WHERE table_schema = 'public' AND column_name = 'tenant_id' ORDER BY 1`)
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil || len(names) < 10 {
		t.Fatalf("tenant-owned tables %v, %v", names, err)
	}
	return append(names, "tenants", "users")
}

// visible counts the rows of table that tx's user can read, or reports
// that reading it was refused.
func visible(t *testing.T, tx pgx.Tx, table string) (n int, refused bool) {
	t.Helper()
	sp, err := tx.Begin(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer sp.Rollback(t.Context())
	err = sp.QueryRow(t.Context(), "SELECT count(*) FROM public."+pgx.Identifier{table}.Sanitize()).Scan(&n)
	if pgCode(err) == "42501" {
		return 0, true
	} else if err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n, false
}

// tenantsOf returns the distinct organisations of the rows of table that
// tx's user reads.
func tenantsOf(t *testing.T, tx pgx.Tx, table string) []string {
	t.Helper()
	col := "tenant_id"
	if table == "tenants" {
		col = "id"
	}
	rows, _ := tx.Query(t.Context(), "SELECT DISTINCT "+col+"::text FROM public."+pgx.Identifier{table}.Sanitize()+" ORDER BY 1")
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatalf("read %s: %v", table, err)
	}
	return ids
}

func pgCode(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

// RLS with the tokens Auth issues: SQL run as PostgREST would, with the
// claims of a real access token, reads the user's own organisation's rows
// and none of another's, for an owner and an invited recruiter.
func testRLS(t *testing.T, p *project) {
	acc := p.accounts(t, nil)
	a := p.newOrg(t, acc, "Org A", "cand-a@example.com")
	b := p.newOrg(t, acc, "Org B", "cand-b@example.com")
	_, recruiter := p.invite(t, acc, a.owner, interview.RoleRecruiter)
	for _, who := range []struct {
		name  string
		email string
		org   org
	}{{"A's owner", a.owner.User.Email, a}, {"A's recruiter", recruiter.User.Email, a}, {"B's owner", b.owner.User.Email, b}} {
		claims, _ := claimsOf(t, p.directSignIn(t, who.email).AccessToken)
		p.asUser(t, claims, func(tx pgx.Tx) {
			for _, table := range []string{"tenants", "positions", "candidates", "interview_sessions", "transcript_entries"} {
				if got := tenantsOf(t, tx, table); !slices.Equal(got, []string{who.org.tenant()}) {
					t.Errorf("%s reads %s of organisations %v; want only %s", who.name, table, got, who.org.tenant())
				}
			}
			if n, _ := visible(t, tx, "transcript_entries"); n != who.org.lines {
				t.Errorf("%s reads %d transcript entries, want their organisation's %d", who.name, n, who.org.lines)
			}
		})
	}
	// The store's As path, as interviewd's requests run, agrees.
	as := p.store.As(store.Actor{UserID: recruiter.User.ID, Email: recruiter.User.Email})
	if ps, err := as.ListPositions(t.Context(), a.tenant(), interview.PositionFilter{}); err != nil || len(ps) != 1 || ps[0].ID != a.position.ID {
		t.Errorf("A's recruiter lists A's positions: %+v, %v", ps, err)
	}
	if _, err := as.GetSession(t.Context(), b.tenant(), b.session.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("A's recruiter gets B's interview: %v, want not found", err)
	}
}
