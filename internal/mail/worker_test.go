package mail_test

import (
	"bytes"
	"context"
	"io"
	"mime"
	"mime/multipart"
	netmail "net/mail"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/interviewd/interviewd/internal/auth"
	"github.com/interviewd/interviewd/internal/hiring"
	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/mail"
	"github.com/interviewd/interviewd/internal/store"
	"github.com/interviewd/interviewd/internal/store/postgres"
	"github.com/interviewd/interviewd/internal/store/sqlite"
	"github.com/interviewd/interviewd/internal/testenv"
)

// stores are the two stores the tests run on.
var stores = []struct {
	name string
	open func(t *testing.T) store.Store
}{
	{"sqlite", func(t *testing.T) store.Store {
		s, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "interviewd.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}},
	{"postgres", func(t *testing.T) store.Store {
		url, _ := testenv.PostgresDB(t)
		return openPostgres(t, url)
	}},
}

func openPostgres(t *testing.T, url string) store.Store {
	t.Helper()
	s, err := postgres.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// world is an organisation with a pending interview, and the hiring
// service that makes and checks its join links.
type world struct {
	st     store.Store
	hiring *hiring.Service
	tenant interview.Tenant
	cand   interview.Candidate
	iv     interview.Session
	clock  *clock
}

// clock is a settable time.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func newWorld(t *testing.T, st store.Store) *world {
	t.Helper()
	ctx := t.Context()
	links, err := auth.NewJoinLinks(strings.Repeat("s", 32))
	if err != nil {
		t.Fatal(err)
	}
	w := &world{st: st, clock: &clock{now: time.Now().UTC().Truncate(time.Second)}}
	w.hiring = hiring.New(hiring.Config{Store: st, Links: links, PublicURL: "http://interviewd.test", Now: w.clock.Now})
	owner := interview.User{Email: "owner-" + auth.NewToken("") + "@example.com", Name: "Owner"}
	must(t, st.CreateUser(ctx, &owner))
	w.tenant = interview.Tenant{Name: "Zoë & Çie — Zürich"}
	must(t, st.CreateTenant(ctx, &w.tenant, owner.ID))
	p := interview.Position{TenantID: w.tenant.ID, Title: "Backend engineer", Questions: []string{"Why?"}}
	must(t, st.CreatePosition(ctx, &p))
	a := hiring.Actor{TenantID: w.tenant.ID, Role: interview.RoleOwner, Kind: "api_key", ID: "k", Name: "test"}
	iv, err := w.hiring.CreateInterview(ctx, a, p.ID, hiring.CandidateInput{Name: "Ada Lovelace", Email: "ada@example.com"})
	must(t, err)
	w.iv, w.cand = iv.Session, iv.Candidate
	return w
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// worker is a Worker of w's store sending through srv.
func (w *world) worker(st store.Store, srv mail.Server) *mail.Worker {
	return mail.NewWorker(mail.Config{Store: st, Server: srv, JoinURL: w.hiring.JoinURL,
		From: netmail.Address{Name: "interviewd", Address: "noreply@interviewd.test"}, Now: w.clock.Now,
		Batch: 2}) // small batches: two workers interleave
}

func (w *world) invite(t *testing.T, wk *mail.Worker) store.Mail {
	t.Helper()
	m := store.Mail{TenantID: w.tenant.ID, Kind: store.MailInvitation, InterviewID: w.iv.ID, To: w.cand.Email}
	must(t, wk.Enqueue(t.Context(), &m))
	return m
}

func (w *world) timeline(t *testing.T) []store.Mail {
	t.Helper()
	list, err := w.st.ListInterviewMail(t.Context(), w.tenant.ID, w.iv.ID)
	must(t, err)
	return list
}

// parsed is a delivered message taken apart.
type parsed struct {
	header      netmail.Header
	subject     string
	text, html  string
	contentType string
}

func parse(t *testing.T, raw []byte) parsed {
	t.Helper()
	msg, err := netmail.ReadMessage(bytes.NewReader(raw))
	must(t, err)
	var p parsed
	p.header = msg.Header
	p.subject, err = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	must(t, err)
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	must(t, err)
	p.contentType = mt
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		part, err := mr.NextPart() // decodes quoted-printable
		if err == io.EOF {
			break
		}
		must(t, err)
		b, err := io.ReadAll(part)
		must(t, err)
		switch ct := part.Header.Get("Content-Type"); ct {
		case "text/plain; charset=utf-8":
			p.text = string(b)
		case "text/html; charset=utf-8":
			p.html = string(b)
		default:
			t.Errorf("unexpected part %q", ct)
		}
	}
	return p
}

var joinLink = regexp.MustCompile(`http://interviewd\.test/join/[A-Za-z0-9._~-]+`)

func TestInvitationDelivered(t *testing.T) {
	for _, sc := range stores {
		t.Run(sc.name, func(t *testing.T) {
			w := newWorld(t, sc.open(t))
			srv := startSMTP(t, serverOptions{})
			wk := w.worker(w.st, srv.server(false, nil, "", ""))
			m := w.invite(t, wk)
			n, err := wk.SendDue(t.Context())
			must(t, err)
			got := srv.messages()
			if n != 1 || len(got) != 1 {
				t.Fatalf("attempts %d, delivered %d, want 1 and 1", n, len(got))
			}
			if got[0].From != "noreply@interviewd.test" || got[0].To != "ada@example.com" {
				t.Errorf("envelope %s → %s", got[0].From, got[0].To)
			}
			checkInvitation(t, w, parse(t, got[0].Data))
			tl := w.timeline(t)
			if len(tl) != 1 || tl[0].ID != m.ID || tl[0].Status != store.MailSent || tl[0].SentAt == nil || !tl[0].SentAt.Equal(w.clock.Now()) {
				t.Errorf("timeline = %+v, want the invitation sent now", tl)
			}
		})
	}
}

// checkInvitation asserts what a delivered invitation says, and that its
// link opens the interview.
func checkInvitation(t *testing.T, w *world, p parsed) {
	t.Helper()
	if d, err := p.header.Date(); err != nil || !d.Equal(w.clock.Now()) {
		t.Errorf("Date %q (%v), want now", p.header.Get("Date"), err)
	}
	if id := p.header.Get("Message-Id"); !regexp.MustCompile(`^<[0-9a-f]{32}@interviewd\.test>$`).MatchString(id) {
		t.Errorf("Message-ID %q", id)
	}
	if p.header.Get("Mime-Version") != "1.0" || p.contentType != "multipart/alternative" {
		t.Errorf("MIME-Version %q, Content-Type %q", p.header.Get("Mime-Version"), p.contentType)
	}
	if !strings.Contains(p.header.Get("Subject"), "=?utf-8?") {
		t.Errorf("the non-ASCII subject is not encoded: %q", p.header.Get("Subject"))
	}
	if want := "Your interview for Backend engineer at " + w.tenant.Name; p.subject != want {
		t.Errorf("subject %q, want %q", p.subject, want)
	}
	from, err := p.header.AddressList("From")
	if err != nil || len(from) != 1 || from[0].Name != w.tenant.Name+" via interviewd" {
		t.Errorf("From %v (%v), want the organisation's name", from, err)
	}
	links := joinLink.FindAllString(p.text, -1)
	if len(links) != 1 || !strings.Contains(p.text, "Hello Ada Lovelace,") || !strings.Contains(p.text, w.tenant.Name) {
		t.Errorf("text part lacks the greeting, the organisation or the one link:\n%s", p.text)
	}
	if len(links) == 0 {
		return
	}
	if !strings.Contains(p.html, `href="`+links[0]+`"`) || !strings.Contains(p.html, "Zoë &amp; Çie") {
		t.Errorf("HTML part lacks the link or the escaped organisation:\n%s", p.html)
	}
	if strings.Contains(strings.ToLower(p.html), "<img") {
		t.Error("the HTML part has an image (a tracking pixel?)")
	}
	token := strings.TrimPrefix(links[0], "http://interviewd.test/join/")
	landing, err := w.hiring.JoinLanding(t.Context(), token)
	if err != nil || landing.ID != w.iv.ID || landing.Refusal != "" {
		t.Errorf("the link opens %q (refusal %q, %v), want the interview %s", landing.ID, landing.Refusal, err, w.iv.ID)
	}
}

func TestRetryAfter4xx(t *testing.T) {
	for _, sc := range stores {
		t.Run(sc.name, func(t *testing.T) {
			w := newWorld(t, sc.open(t))
			srv := startSMTP(t, serverOptions{})
			srv.deferNext(1)
			wk := w.worker(w.st, srv.server(false, nil, "", ""))
			w.invite(t, wk)
			_, err := wk.SendDue(t.Context())
			must(t, err)
			tl := w.timeline(t)
			if len(srv.messages()) != 0 || tl[0].Status != store.MailPending || tl[0].Attempts != 1 ||
				!strings.HasPrefix(tl[0].LastError, "451") || !tl[0].NextAttempt.Equal(w.clock.Now().Add(mail.DefaultSchedule[0])) {
				t.Fatalf("after a 451: %+v, want pending, retried after %v", tl[0], mail.DefaultSchedule[0])
			}
			_, err = wk.SendDue(t.Context()) // not due yet
			must(t, err)
			w.clock.Add(mail.DefaultSchedule[0])
			_, err = wk.SendDue(t.Context())
			must(t, err)
			if got := srv.messages(); len(got) != 1 {
				t.Fatalf("delivered %d after the retry, want 1", len(got))
			}
			if tl := w.timeline(t); tl[0].Status != store.MailSent || tl[0].Attempts != 2 {
				t.Errorf("after the retry: %+v, want sent after 2 attempts", tl[0])
			}
		})
	}
}
