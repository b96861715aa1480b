// Package mail sends interviewd's e-mail: candidates' invitations and
// reminders, and team invitations (docs/email.md). Messages wait in the
// store's outbox (store.Mails) and a Worker sends them over SMTP, with
// retries, on whichever instance claims them first.
package mail

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
	"time"
)

// Message is one e-mail: a plain-text part and an HTML part with the same
// content, sent as multipart/alternative.
type Message struct {
	From     mail.Address
	To       mail.Address
	Subject  string
	Text     string
	HTML     string
	Date     time.Time
	ReplyTo  string // optional
	Domain   string // the right-hand side of the Message-ID
	headerID string // the Message-ID, set by Bytes
}

// MessageID is the Message-ID header Bytes wrote, angle brackets included.
func (m *Message) MessageID() string { return m.headerID }

// Bytes renders the message as RFC 5322 text with CRLF line endings:
// Date, Message-ID, MIME-Version, UTF-8 headers encoded (RFC 2047) and
// both parts quoted-printable.
func (m *Message) Bytes() ([]byte, error) {
	id, err := newMessageID(m.Domain)
	if err != nil {
		return nil, err
	}
	m.headerID = id
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for _, part := range []struct{ kind, text string }{{"text/plain", m.Text}, {"text/html", m.HTML}} {
		if err := writePart(w, part.kind, part.text); err != nil {
			return nil, err
		}
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	var out bytes.Buffer
	header := [][2]string{
		{"Date", m.Date.Format(time.RFC1123Z)},
		{"Message-ID", id},
		{"From", m.From.String()},
		{"To", m.To.String()},
		{"Subject", mime.QEncoding.Encode("utf-8", m.Subject)},
		{"MIME-Version", "1.0"},
		{"Content-Type", `multipart/alternative; boundary="` + w.Boundary() + `"`},
	}
	if m.ReplyTo != "" {
		header = append(header, [2]string{"Reply-To", m.ReplyTo})
	}
	for _, h := range header {
		fmt.Fprintf(&out, "%s: %s\r\n", h[0], h[1])
	}
	out.WriteString("\r\n")
	out.Write(body.Bytes())
	return out.Bytes(), nil
}

// writePart adds one quoted-printable UTF-8 part of kind to w.
func writePart(w *multipart.Writer, kind, text string) error {
	h := textproto.MIMEHeader{}
	h.Set("Content-Type", kind+"; charset=utf-8")
	h.Set("Content-Transfer-Encoding", "quoted-printable")
	pw, err := w.CreatePart(h)
	if err != nil {
		return err
	}
	qp := quotedprintable.NewWriter(pw)
	if _, err := qp.Write([]byte(crlf(text))); err != nil {
		return err
	}
	return qp.Close()
}

// crlf gives text the line endings SMTP wants.
func crlf(text string) string {
	return strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\n", "\r\n")
}

// newMessageID is a unique Message-ID at domain.
func newMessageID(domain string) (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	if domain == "" {
		domain = "interviewd.invalid"
	}
	return "<" + hex.EncodeToString(b) + "@" + domain + ">", nil
}
