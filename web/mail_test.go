package web

import (
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/interviewd/interviewd/internal/mail"
	"github.com/interviewd/interviewd/internal/store"
)

// inbox is a real SMTP server (emersion/go-smtp) on a loopback port that
// keeps the messages it accepts.
type inbox struct {
	mu   sync.Mutex
	msgs []string
}

func (b *inbox) NewSession(*smtp.Conn) (smtp.Session, error) { return &inboxSession{b: b}, nil }

type inboxSession struct{ b *inbox }

func (s *inboxSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *inboxSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s *inboxSession) Reset()                               {}
func (s *inboxSession) Logout() error                        { return nil }
func (s *inboxSession) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	s.b.mu.Lock()
	s.b.msgs = append(s.b.msgs, string(data))
	s.b.mu.Unlock()
	return err
}

func (b *inbox) count() int { b.mu.Lock(); defer b.mu.Unlock(); return len(b.msgs) }

// startInbox serves an inbox and returns a mail.Server that reaches it.
func startInbox(t *testing.T) (*inbox, mail.Server) {
	t.Helper()
	b := &inbox{}
	srv := smtp.NewServer(b)
	srv.Domain = "localhost"
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return b, mail.Server{Addr: ln.Addr().String(), Host: "127.0.0.1", Timeout: 10 * time.Second}
}

// With e-mail on, the interview page has a Send invitation button whose
// message is delivered and shows in the timeline; the API sends one with
// "sendInvitation": true.
func TestSendInvitation(t *testing.T) {
	for _, so := range bothStores() {
		t.Run(so.name, func(t *testing.T) { testSendInvitation(t, so.open(t)) })
	}
}

func testSendInvitation(t *testing.T, st store.Store) {
	app, box, worker := mailApp(t, st)
	c := app.client()
	c.signUp("Mail Org", "owner@mail.example.com")
	posID := newPositionVia(c, "Engineer", "Why?")
	loc := c.postRedirect("/app/interviews/new", url.Values{"position": {posID}, "name": {"Ada"}, "email": {"ada@example.com"}})
	id := strings.TrimPrefix(loc[:strings.IndexByte(loc+"?", '?')], "/app/interviews/")
	doc := c.page("/app/interviews/"+id, http.StatusOK)
	if doc.Find(testID("send-invitation")).Length() != 1 {
		t.Fatal("no Send invitation button with e-mail on")
	}
	c.postRedirect("/app/interviews/"+id+"/invitation", url.Values{})
	if _, err := worker.SendDue(t.Context()); err != nil {
		t.Fatal(err)
	}
	if box.count() != 1 {
		t.Fatalf("delivered %d messages, want 1", box.count())
	}
	doc = c.page("/app/interviews/"+id, http.StatusOK)
	if got := doc.Find(testID("timeline-mail-sent")).Text(); !strings.Contains(got, "Invitation sent to ada@example.com") {
		t.Errorf("timeline line %q, want the invitation sent", got)
	}
	api := newAPITenant(t, app, "API Org")
	p := api.createPosition("Designer")
	api.call("POST", "/api/v1/interviews", `{"positionId":"`+p+`","candidate":{"name":"Bo","email":"bo@example.com"},"sendInvitation":true}`).
		want(t, http.StatusCreated)
	if _, err := worker.SendDue(t.Context()); err != nil {
		t.Fatal(err)
	}
	if box.count() != 2 {
		t.Errorf("delivered %d messages after the API's, want 2", box.count())
	}
}

// Without SMTP_URL there is no button and the API refuses sendInvitation.
func TestSendInvitationOff(t *testing.T) {
	app := newTestApp(t, openSQLiteStore(t))
	api := newAPITenant(t, app, "No Mail Org")
	p := api.createPosition("Designer")
	api.call("POST", "/api/v1/interviews", `{"positionId":"`+p+`","candidate":{"name":"Bo","email":"bo@example.com"},"sendInvitation":true}`).
		wantError(t, http.StatusBadRequest, "invalid_request", "e-mail is not configured on this server (SMTP_URL): copy the link instead")
	if _, interviews := api.counts(); interviews != 0 {
		t.Errorf("%d interviews created by a refused request, want 0", interviews)
	}
}
