package web

import (
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	netmail "net/mail"
	"net/url"
	"strings"
	"testing"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/mail"
	"github.com/interviewd/interviewd/internal/store"
)

// deliveredText is a delivered message's recipient and its text/plain part,
// decoded.
func deliveredText(t *testing.T, raw string) (to, text string) {
	t.Helper()
	msg, err := netmail.ReadMessage(strings.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	_, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	parts := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := parts.NextPart()
		if err != nil {
			t.Fatalf("no text/plain part: %v", err)
		}
		if strings.HasPrefix(p.Header.Get("Content-Type"), "text/plain") {
			b, err := io.ReadAll(p)
			if err != nil {
				t.Fatal(err)
			}
			return msg.Header.Get("To"), string(b)
		}
	}
}

// mailApp is a test app with e-mail on, delivering to a real SMTP server.
func mailApp(t *testing.T, st store.Store) (*testApp, *inbox, *mail.Worker) {
	box, server := startInbox(t)
	var worker *mail.Worker
	app := newTestAppWith(t, st, func(app *testApp, d *Deps) {
		worker = mail.NewWorker(mail.Config{Store: app.Store, Server: server, JoinURL: app.Hiring.JoinURL,
			From: netmail.Address{Address: "noreply@interviewd.test"}})
		d.Mail = worker
	})
	return app, box, worker
}

// afterSending runs the worker once and returns what the inbox holds.
func (b *inbox) afterSending(t *testing.T, w *mail.Worker) []string {
	t.Helper()
	if _, err := w.SendDue(t.Context()); err != nil {
		t.Fatal(err)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.msgs...)
}

// With e-mail on, the new-interview form's checkbox mails the invitation,
// and the team page's option mails a teammate's invitation whose link
// opens the invitation; the link is still shown once on the page.
func TestMailFromForms(t *testing.T) {
	for _, so := range bothStores() {
		t.Run(so.name, func(t *testing.T) { testMailFromForms(t, so.open(t)) })
	}
}

func testMailFromForms(t *testing.T, st store.Store) {
	app, box, worker := mailApp(t, st)
	c := app.client()
	c.signUp("Mail Forms Org", "owner@forms.example.com")
	posID := newPositionVia(c, "Engineer", "Why?")
	doc := c.page("/app/interviews/new", http.StatusOK)
	if doc.Find(testID("interview-send-invitation")).Length() != 1 {
		t.Fatal("no e-mail option on the new-interview form with e-mail on")
	}
	loc := c.postRedirect("/app/interviews/new", url.Values{"position": {posID}, "name": {"Ada"},
		"email": {"ada@forms.example.com"}, "send_invitation": {"1"}})
	if !strings.HasSuffix(loc, "?done=invitation") {
		t.Errorf("creation with e-mail led to %q, want the invitation notice", loc)
	}
	msgs := box.afterSending(t, worker)
	if len(msgs) != 1 {
		t.Fatalf("delivered %d messages, want the invitation", len(msgs))
	}
	if to, text := deliveredText(t, msgs[0]); !strings.Contains(to, "ada@forms.example.com") || !strings.Contains(text, app.URL+"/join/") {
		t.Errorf("invitation to %q says %q, want Ada and a join link", to, text)
	}

	doc = c.page("/app/team", http.StatusOK)
	if doc.Find(testID("invite-send-email")).Length() != 1 {
		t.Fatal("no e-mail option on the team page with e-mail on")
	}
	doc = c.postPage("/app/team/invitations", url.Values{"email": {"mate@forms.example.com"}, "role": {"viewer"},
		"send_email": {"1"}}, http.StatusCreated)
	link, _ := doc.Find(testID("invite-link")).Attr("value")
	if doc.Find(testID("invite-mailed")).Length() != 1 || !strings.HasPrefix(link, app.URL+"/invite/") {
		t.Fatalf("invite with e-mail: mailed notice %d, link %q", doc.Find(testID("invite-mailed")).Length(), link)
	}
	msgs = box.afterSending(t, worker)
	if len(msgs) != 2 {
		t.Fatalf("delivered %d messages, want the team invitation too", len(msgs))
	}
	to, text := deliveredText(t, msgs[1])
	if !strings.Contains(to, "mate@forms.example.com") || !strings.Contains(text, link) || !strings.Contains(text, "Mail Forms Org") {
		t.Errorf("team invitation to %q says %q, want the link %s and the organisation", to, text, link)
	}
	page := app.client().page(link, http.StatusOK)
	if s := page.Find(testID("invite-summary")).Text(); !strings.Contains(s, "mate@forms.example.com") {
		t.Errorf("the mailed link opens %q, want the invitation", s)
	}
}

// Without SMTP_URL neither form offers e-mail, and a forged field sends
// nothing: the interview is made and its link shown to copy.
func TestMailFormsOff(t *testing.T) {
	app := newTestApp(t, openSQLiteStore(t))
	c := app.client()
	tenantID := c.signUp("No Mail Forms", "owner@nomail.example.com")
	pos := interview.Position{TenantID: tenantID, Title: "Engineer", Questions: []string{"Why?"}}
	if err := app.Store.CreatePosition(t.Context(), &pos); err != nil {
		t.Fatal(err)
	}
	if n := c.page("/app/interviews/new", http.StatusOK).Find(testID("interview-send-invitation")).Length(); n != 0 {
		t.Error("an e-mail option on the new-interview form without SMTP_URL")
	}
	if n := c.page("/app/team", http.StatusOK).Find(testID("invite-send-email")).Length(); n != 0 {
		t.Error("an e-mail option on the team page without SMTP_URL")
	}
	loc := c.postRedirect("/app/interviews/new", url.Values{"position": {pos.ID}, "name": {"Ada"},
		"email": {"ada@nomail.example.com"}, "send_invitation": {"1"}})
	if !strings.HasSuffix(loc, "?done=interview") {
		t.Errorf("creation led to %q, want the plain notice", loc)
	}
	doc := c.postPage("/app/team/invitations", url.Values{"email": {"mate@nomail.example.com"}, "role": {"viewer"},
		"send_email": {"1"}}, http.StatusCreated)
	if doc.Find(testID("invite-mailed")).Length() != 0 || doc.Find(testID("invite-link")).Length() != 1 {
		t.Error("without SMTP_URL the invitation claims to be mailed, or shows no link")
	}
}
