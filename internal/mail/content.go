package mail

import (
	"bytes"
	"fmt"
	"html/template"
	"strings"
	"time"
)

// Content is what one message says, before it becomes a Message: the
// plain-text and HTML parts are written from it, so that they say the
// same. Links are written as given: no tracking, no rewriting.
type Content struct {
	Org        string   // the organisation's name, in the subject, the body and the sender's name
	Subject    string   //
	Greeting   string   // "Hello Ada,"
	Paragraphs []string // before the link
	Action     string   // the link's label
	Link       string
	After      []string // after the link
}

// expiry formats a link's expiry for a message.
func expiry(t time.Time) string { return t.UTC().Format("Monday 2 January 2006 at 15:04 UTC") }

// InvitationContent is a candidate's invitation (reminder false) or the
// reminder before the link expires.
func InvitationContent(org, candidate, position, link string, expires time.Time, reminder bool) Content {
	c := Content{
		Org:      org,
		Subject:  fmt.Sprintf("Your interview for %s at %s", position, org),
		Greeting: greeting(candidate),
		Paragraphs: []string{
			fmt.Sprintf("%s invites you to an interview for the %s position. The interview runs in your browser with an AI interviewer; you need a microphone and about half an hour of quiet.", org, position),
		},
		Action: "Start your interview",
		Link:   link,
		After: []string{
			"The link works until " + expiry(expires) + ". It is yours alone: please do not share it.",
			"If you did not expect this message, you can ignore it.",
		},
	}
	if reminder {
		c.Subject = "Reminder: " + c.Subject
		c.Paragraphs = []string{fmt.Sprintf("A reminder: %s invited you to an interview for the %s position, and your link expires on %s.", org, position, expiry(expires))}
	}
	return c
}

// TeamInvitationContent is an invitation to join an organisation.
func TeamInvitationContent(org, role, link string, expires time.Time) Content {
	return Content{
		Org:        org,
		Subject:    fmt.Sprintf("You are invited to join %s on interviewd", org),
		Greeting:   "Hello,",
		Paragraphs: []string{fmt.Sprintf("You have been invited to join %s on interviewd as a %s.", org, role)},
		Action:     "Accept the invitation",
		Link:       link,
		After:      []string{"The invitation expires on " + expiry(expires) + ".", "If you did not expect this message, you can ignore it."},
	}
}

func greeting(name string) string {
	if name = strings.TrimSpace(name); name == "" {
		return "Hello,"
	}
	return "Hello " + name + ","
}

// Text is the plain-text part.
func (c Content) Text() string {
	var b strings.Builder
	b.WriteString(c.Greeting + "\n\n")
	for _, p := range c.Paragraphs {
		b.WriteString(p + "\n\n")
	}
	b.WriteString(c.Action + ":\n" + c.Link + "\n\n")
	for _, p := range c.After {
		b.WriteString(p + "\n\n")
	}
	b.WriteString("— " + c.Org + "\n")
	return b.String()
}

var page = template.Must(template.New("mail").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Subject}}</title></head>
<body style="font-family: sans-serif; line-height: 1.5; color: #1a1a1a; max-width: 40em;">
<p>{{.Greeting}}</p>
{{range .Paragraphs}}<p>{{.}}</p>
{{end}}<p><a href="{{.Link}}" style="display: inline-block; padding: 0.6em 1.2em; background: #1d4ed8; color: #ffffff; text-decoration: none; border-radius: 4px;">{{.Action}}</a></p>
<p style="font-size: 0.9em;">Or paste this address into your browser: {{.Link}}</p>
{{range .After}}<p>{{.}}</p>
{{end}}<p>— {{.Org}}</p>
</body></html>
`))

// HTML is the HTML part: the same words, the link as a button and as text.
func (c Content) HTML() (string, error) {
	var b bytes.Buffer
	if err := page.Execute(&b, c); err != nil {
		return "", err
	}
	return b.String(), nil
}
