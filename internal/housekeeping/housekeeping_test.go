package housekeeping_test

import (
	"bytes"
	"errors"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/interviewd/interviewd/internal/housekeeping"
	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
	"github.com/interviewd/interviewd/internal/store/postgres"
	"github.com/interviewd/interviewd/internal/store/sqlite"
	"github.com/interviewd/interviewd/internal/testenv"
)

// t0 is when the tests' janitor first sweeps.
var t0 = time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)

const day = 24 * time.Hour

func openSQLite(t *testing.T) *sqlite.Store {
	t.Helper()
	return openSQLiteAt(t, filepath.Join(t.TempDir(), "interviewd.db"))
}

// openSQLiteAt opens (creating) the SQLite store at path.
func openSQLiteAt(t *testing.T, path string) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestJanitorSQLite(t *testing.T) { testJanitor(t, openSQLite(t)) }

// The same sweeps on PostgreSQL (a skip without it, a failure in CI).
func TestJanitorPostgres(t *testing.T) {
	dbURL, _ := testenv.PostgresDB(t)
	s, err := postgres.Open(t.Context(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() }) // before the database is dropped
	testJanitor(t, s)
}

// testJanitor runs a janitor that ticks every few milliseconds on a clock
// the test moves: the first sweep deletes what is due at t0, the rows at
// each retention's edge survive it, and they go once the clock passes it.
func testJanitor(t *testing.T, s store.Store) {
	rows := newRows(t, s)
	var clock atomic.Pointer[time.Time]
	clock.Store(&t0)
	logs := &syncBuffer{}
	j := housekeeping.New(housekeeping.Config{
		Store: s, Interval: 5 * time.Millisecond, Now: func() time.Time { return *clock.Load() },
		Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	})
	stop := j.Start(t.Context())
	defer stop()

	waitForLog(t, logs, `level=DEBUG msg="housekeeping sweep" logins=2 idempotency_keys=1 invitations=1`)
	rows.check(t, 1)
	later := t0.Add(2 * day)
	clock.Store(&later)
	waitForLog(t, logs, `level=DEBUG msg="housekeeping sweep" logins=1 idempotency_keys=2 invitations=2`)
	rows.check(t, 2)
	stopped := make(chan struct{})
	go func() { stop(); close(stopped) }()
	select {
	case <-stopped:
	case <-time.After(10 * time.Second):
		t.Fatal("the janitor did not stop")
	}
	if strings.Contains(logs.String(), "level=WARN") {
		t.Errorf("a sweep failed:\n%s", logs)
	}
}

// A sweep that fails is logged at warn level, and the janitor keeps
// running and tries again at the next tick.
func TestJanitorSurvivesFailures(t *testing.T) {
	s := openSQLite(t)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	j := housekeeping.New(housekeeping.Config{Store: s, Interval: 5 * time.Millisecond,
		Logger: slog.New(slog.NewTextHandler(logs, nil))})
	if _, err := j.Sweep(t.Context()); err == nil || !strings.Contains(err.Error(), "database is closed") {
		t.Errorf("sweep of a closed store: %v, want the store's error", err)
	}
	stop := j.Start(t.Context())
	defer stop()
	deadline := time.Now().Add(10 * time.Second)
	for strings.Count(logs.String(), `level=WARN msg="housekeeping sweep failed"`) < 2 {
		if time.Now().After(deadline) {
			t.Fatalf("no second failed sweep logged:\n%s", logs)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if !strings.Contains(logs.String(), "database is closed") {
		t.Errorf("the warning does not say why:\n%s", logs)
	}
}

// Of two instances sharing a database, one sweeps at a time: while one
// holds the janitor's lock the other's sweep is skipped and deletes
// nothing; once it is released the other sweeps.
func TestJanitorOneAtATime(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		s := openSQLite(t)
		testOneAtATime(t, s, s)
	})
	t.Run("postgres", func(t *testing.T) {
		dbURL, _ := testenv.PostgresDB(t)
		a, b := openPostgres(t, dbURL), openPostgres(t, dbURL)
		testOneAtATime(t, a, b)
	})
}

func openPostgres(t *testing.T, dbURL string) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(t.Context(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func testOneAtATime(t *testing.T, a, b store.Store) {
	ctx := t.Context()
	now := time.Now()
	key := "signin:" + uuid.NewString()
	if _, err := b.AddThrottle(ctx, key, now.Add(-2*housekeeping.ThrottleRetention), time.Hour); err != nil {
		t.Fatal(err)
	}
	unlock, ok, err := a.TryLock(ctx, "janitor")
	if err != nil || !ok {
		t.Fatalf("take the janitor's lock: %v, %v", ok, err)
	}
	j := housekeeping.New(housekeeping.Config{Store: b})
	c, err := j.Sweep(ctx)
	if err != nil || c != (housekeeping.Counts{Skipped: true}) {
		t.Errorf("sweep while another holds the lock: %+v, %v; want skipped", c, err)
	}
	if n, _ := b.CountThrottle(ctx, key, now, 3*housekeeping.ThrottleRetention); n != 1 {
		t.Errorf("a skipped sweep pruned: %d failures left, want 1", n)
	}
	unlock()
	c, err = j.Sweep(ctx)
	if err != nil || c.Skipped || c.Throttles != 1 {
		t.Errorf("sweep after the lock was released: %+v, %v; want the failure pruned", c, err)
	}
}

// Sweep uses the retentions: due rows are counted, and the defaults (an
// hourly tick, the wall clock) apply when the Config leaves them out.
func TestSweepRetention(t *testing.T) {
	s := openSQLite(t)
	now := time.Now().UTC()
	f := newFixture(t, s)
	f.login(now.Add(-time.Second))
	f.login(now.Add(time.Hour))
	f.key(now.Add(-housekeeping.IdempotencyRetention - time.Minute))
	f.key(now.Add(-housekeeping.IdempotencyRetention + time.Minute))
	f.invitation(now.Add(-housekeeping.InvitationRetention - time.Minute))
	f.invitation(now.Add(-housekeeping.InvitationRetention + time.Minute))
	f.delivery(now.Add(-housekeeping.DeliveryRetention - time.Minute))
	f.delivery(now.Add(-housekeeping.DeliveryRetention + time.Minute))
	f.mail(now.Add(-housekeeping.MailRetention - time.Minute))
	f.mail(now.Add(-housekeeping.MailRetention + time.Minute))
	for _, at := range []time.Time{now.Add(-housekeeping.ThrottleRetention - time.Minute), now.Add(-housekeeping.ThrottleRetention + time.Minute)} {
		if _, err := s.AddThrottle(t.Context(), "signin:"+uuid.NewString(), at, time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	for _, exp := range []time.Time{now.Add(-time.Minute), now.Add(time.Minute)} {
		if err := s.SpendRTCToken(t.Context(), "rtc_"+uuid.NewString(), exp); err != nil {
			t.Fatal(err)
		}
	}
	c, err := housekeeping.New(housekeeping.Config{Store: s}).Sweep(t.Context())
	if err != nil || c != (housekeeping.Counts{Logins: 1, IdempotencyKeys: 1, Invitations: 1, Deliveries: 1,
		Throttles: 1, RTCTokens: 1, Mail: 1}) {
		t.Errorf("sweep: %+v, %v; want one row of each", c, err)
	}
}

// row is one fixture row and the sweep that should delete it (0: none).
type row struct {
	name  string
	dueAt int
	gone  func() (bool, error)
}

type rows []row

// newRows makes rows due at the first sweep (t0), at the second (t0 plus
// two days), and never, in two tenants.
func newRows(t *testing.T, s store.Store) rows {
	f, g := newFixture(t, s), newFixture(t, s)
	return rows{
		{"login expired before t0", 1, f.login(t0.Add(-time.Minute))},
		{"login expiring at t0", 1, g.login(t0)},
		{"login expiring after t0", 2, f.login(t0.Add(time.Hour))},
		{"login of next month", 0, g.login(t0.Add(30 * day))},
		{"key of 25 hours", 1, f.key(t0.Add(-25 * time.Hour))},
		{"key of exactly 24 hours", 2, g.key(t0.Add(-day))},
		{"key of an hour", 2, f.key(t0.Add(-time.Hour))},
		{"key made after t0", 0, g.key(t0.Add(day + time.Minute))},
		{"invitation expired 31 days ago", 1, f.invitation(t0.Add(-31 * day))},
		{"invitation expired exactly 30 days ago", 2, g.invitation(t0.Add(-30 * day))},
		{"invitation expired 29 days ago", 2, f.invitation(t0.Add(-29 * day))},
		{"invitation expiring next week", 0, g.invitation(t0.Add(7 * day))},
	}
}

// check fails the test unless exactly the rows due by sweep n are gone.
func (rs rows) check(t *testing.T, n int) {
	t.Helper()
	for _, r := range rs {
		gone, err := r.gone()
		if err != nil {
			t.Fatalf("%s: %v", r.name, err)
		}
		if want := r.dueAt != 0 && r.dueAt <= n; gone != want {
			t.Errorf("after sweep %d, %s: gone = %v, want %v", n, r.name, gone, want)
		}
	}
}

// fixture is a tenant with its owner, and makes rows in it.
type fixture struct {
	t        *testing.T
	s        store.Store
	tenantID string
	ownerID  string
}

func newFixture(t *testing.T, s store.Store) *fixture {
	t.Helper()
	f := &fixture{t: t, s: s}
	owner := interview.User{Email: "owner-" + uuid.NewString() + "@example.com", Name: "Owner"}
	must(t, s.CreateUser(t.Context(), &owner))
	tenant := interview.Tenant{Name: "Org"}
	must(t, s.CreateTenant(t.Context(), &tenant, owner.ID))
	f.tenantID, f.ownerID = tenant.ID, owner.ID
	return f
}

// notFound turns a lookup's error into "gone".
func notFound(err error) (bool, error) {
	if errors.Is(err, store.ErrNotFound) {
		return true, nil
	}
	return false, err
}

func (f *fixture) login(expires time.Time) func() (bool, error) {
	l := interview.Login{UserID: f.ownerID, TenantID: f.tenantID, TokenHash: uuid.NewString(),
		CreatedAt: expires.Add(-7 * day), ExpiresAt: expires}
	must(f.t, f.s.CreateLogin(f.t.Context(), &l))
	return func() (bool, error) {
		_, err := f.s.GetLoginByHash(f.t.Context(), l.TokenHash)
		return notFound(err)
	}
}

// key reserves an Idempotency-Key made at created. Its check completes the
// key, which fails only when the key is gone (a reservation would make it
// anew, for the next sweep to count).
func (f *fixture) key(created time.Time) func() (bool, error) {
	r := interview.IdempotentRequest{TenantID: f.tenantID, Key: uuid.NewString(), Fingerprint: "fp", CreatedAt: created}
	_, err := f.s.ReserveIdempotencyKey(f.t.Context(), &r)
	must(f.t, err)
	return func() (bool, error) {
		return notFound(f.s.CompleteIdempotencyKey(f.t.Context(), f.tenantID, r.Key, 201, []byte(`{}`)))
	}
}

func (f *fixture) invitation(expires time.Time) func() (bool, error) {
	inv := interview.Invitation{TenantID: f.tenantID, Email: "invitee@example.com", Role: interview.RoleViewer,
		TokenHash: uuid.NewString(), InvitedBy: f.ownerID, CreatedAt: expires.Add(-7 * day), ExpiresAt: expires}
	must(f.t, f.s.CreateInvitation(f.t.Context(), &inv))
	return func() (bool, error) {
		_, err := f.s.GetInvitationByHash(f.t.Context(), inv.TokenHash)
		return notFound(err)
	}
}

// delivery makes a webhook delivery at created, as an interview that is
// abandoned then does, and marks it delivered.
func (f *fixture) delivery(created time.Time) {
	ctx := f.t.Context()
	e := interview.WebhookEndpoint{TenantID: f.tenantID, URL: "https://hooks.example.com/x", Secret: "whsec_x"}
	must(f.t, f.s.CreateWebhookEndpoint(ctx, &e))
	p := interview.Position{TenantID: f.tenantID, Title: "Engineer", Questions: []string{"Why?"}}
	must(f.t, f.s.CreatePosition(ctx, &p))
	c := interview.Candidate{TenantID: f.tenantID, Name: "Ada", Email: "ada-" + uuid.NewString() + "@example.com"}
	must(f.t, f.s.CreateCandidate(ctx, &c))
	v := interview.Session{TenantID: f.tenantID, PositionID: p.ID, CandidateID: c.ID,
		JoinTokenHash: uuid.NewString(), JoinExpiresAt: created.Add(day), CreatedAt: created}
	must(f.t, f.s.CreateSession(ctx, &v))
	_, err := f.s.TransitionSession(ctx, f.tenantID, v.ID, interview.StatusAbandoned, "test", created)
	must(f.t, err)
	list, err := f.s.ListWebhookDeliveries(ctx, f.tenantID, e.ID, 0)
	must(f.t, err)
	if len(list) != 1 {
		f.t.Fatalf("deliveries %+v", list)
	}
	must(f.t, f.s.RecordWebhookAttempt(ctx, f.tenantID, list[0].ID, interview.WebhookAttempt{At: created, Code: 200, Delivered: true}))
	must(f.t, f.s.DisableWebhookEndpoint(ctx, f.tenantID, e.ID, created))
}

// mail sends a team invitation's e-mail made at created. Its invitation
// is still pending, so the message goes by its own retention, not with it.
func (f *fixture) mail(created time.Time) {
	ctx := f.t.Context()
	inv := interview.Invitation{TenantID: f.tenantID, Email: "mate@example.com", Role: interview.RoleViewer,
		TokenHash: uuid.NewString(), InvitedBy: f.ownerID, CreatedAt: created, ExpiresAt: time.Now().Add(day)}
	must(f.t, f.s.CreateInvitation(ctx, &inv))
	m := store.Mail{TenantID: f.tenantID, Kind: store.MailTeamInvitation, InvitationID: inv.ID, To: inv.Email,
		Link: "https://interviewd.test/invite/x", CreatedAt: created, NextAttempt: created}
	must(f.t, f.s.EnqueueMail(ctx, &m))
	claimed, err := f.s.ClaimMail(ctx, created, time.Minute, 0)
	must(f.t, err)
	if len(claimed) != 1 || claimed[0].ID != m.ID {
		f.t.Fatalf("claimed %+v, want the message made at %s", claimed, created)
	}
	must(f.t, f.s.RecordMailAttempt(ctx, f.tenantID, m.ID, store.MailAttempt{At: created, Sent: true}))
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// waitForLog waits until the log has line in it.
func waitForLog(t *testing.T, logs *syncBuffer, line string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(logs.String(), line) {
		if time.Now().After(deadline) {
			t.Fatalf("no %q in the log:\n%s", line, logs)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// syncBuffer is a bytes.Buffer that the janitor's goroutine writes while
// the test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
