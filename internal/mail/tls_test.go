package mail_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/interviewd/interviewd/internal/mail"
	"github.com/interviewd/interviewd/internal/store"
)

func TestTLS(t *testing.T) {
	cfg, roots := testCert(t)
	cases := []struct {
		name     string
		opts     serverOptions
		implicit bool
		user     string
	}{
		{"STARTTLS and AUTH", serverOptions{tls: cfg, user: "mailer", pass: "s3cret"}, false, "mailer"},
		{"STARTTLS without AUTH", serverOptions{tls: cfg}, false, ""},
		{"implicit TLS and AUTH", serverOptions{tls: cfg, implicit: true, user: "mailer", pass: "s3cret"}, true, "mailer"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t, stores[0].open(t))
			srv := startSMTP(t, tc.opts)
			wk := w.worker(w.st, srv.server(tc.implicit, roots, tc.opts.user, tc.opts.pass))
			w.invite(t, wk)
			_, err := wk.SendDue(t.Context())
			must(t, err)
			got := srv.messages()
			if len(got) != 1 || !got[0].TLS || got[0].User != tc.user {
				t.Fatalf("delivered %+v, want one message over TLS by %q", got, tc.user)
			}
			checkInvitation(t, w, parse(t, got[0].Data))
		})
	}
}

// A password is never sent to a server that offers no STARTTLS, and a
// certificate that does not verify is refused (and retried: it may be
// fixed).
func TestTLSRefusals(t *testing.T) {
	cfg, roots := testCert(t)
	cases := []struct {
		name      string
		opts      serverOptions
		srv       func(s *smtpServer) mail.Server
		want      string
		temporary bool
	}{
		{"password without STARTTLS", serverOptions{user: "mailer", pass: "s3cret"},
			func(s *smtpServer) mail.Server { return s.server(false, nil, "mailer", "s3cret") },
			"offers no STARTTLS", false},
		{"untrusted certificate", serverOptions{tls: cfg},
			func(s *smtpServer) mail.Server { return s.server(false, nil, "", "") },
			"certificate", true},
		{"wrong password", serverOptions{tls: cfg, user: "mailer", pass: "s3cret"},
			func(s *smtpServer) mail.Server { return s.server(false, roots, "mailer", "wrong") },
			"535", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t, stores[0].open(t))
			srv := startSMTP(t, tc.opts)
			server := tc.srv(srv)
			err := server.Send(t.Context(), "noreply@interviewd.test", "ada@example.com", []byte("Subject: x\r\n\r\nx\r\n"))
			var se *mail.SendError
			if !errors.As(err, &se) || se.Temporary != tc.temporary || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Send = %v, want a SendError (temporary %v) with %q", err, tc.temporary, tc.want)
			}
			if strings.Contains(err.Error(), "s3cret") {
				t.Error("the error repeats the password")
			}
			wk := w.worker(w.st, server)
			w.invite(t, wk)
			_, err = wk.SendDue(t.Context())
			must(t, err)
			tl := w.timeline(t)
			wantStatus := store.MailFailed
			if tc.temporary {
				wantStatus = store.MailPending
			}
			if len(srv.messages()) != 0 || tl[0].Status != wantStatus || !strings.Contains(tl[0].LastError, tc.want) {
				t.Errorf("timeline %+v, want %s with %q and nothing delivered", tl[0], wantStatus, tc.want)
			}
		})
	}
}
