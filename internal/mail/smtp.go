package mail

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/smtp"
	"net/textproto"
	"net/url"
	"time"
)

// Server is an SMTP server to send through: SMTP_URL parsed.
type Server struct {
	Addr     string // host:port
	Host     string
	Implicit bool // smtps://: TLS from the first byte; smtp:// upgrades with STARTTLS when offered
	User     string
	Password string
	// RootCAs verifies the server's certificate; nil means the system's.
	RootCAs *x509.CertPool
	// Timeout bounds one whole delivery; zero means a minute.
	Timeout time.Duration
}

// ParseURL reads SMTP_URL: smtp://[user:pass@]host[:port] (port 587 by
// default; STARTTLS when the server offers it, and required when a user
// is given) or smtps://[user:pass@]host[:port] (port 465, implicit TLS).
// Its errors never repeat the URL, which may hold a password.
func ParseURL(raw string) (Server, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return Server{}, errors.New("not a valid URL")
	}
	var s Server
	port := "587"
	switch u.Scheme {
	case "smtp":
	case "smtps":
		s.Implicit, port = true, "465"
	default:
		return Server{}, fmt.Errorf("scheme %q is not supported (want smtp:// or smtps://)", u.Scheme)
	}
	if s.Host = u.Hostname(); s.Host == "" {
		return Server{}, errors.New("no host in the URL")
	}
	if p := u.Port(); p != "" {
		port = p
	}
	if u.Path != "" && u.Path != "/" || u.RawQuery != "" {
		return Server{}, errors.New("the URL takes no path or query")
	}
	s.Addr = net.JoinHostPort(s.Host, port)
	if u.User != nil {
		s.User = u.User.Username()
		s.Password, _ = u.User.Password()
	}
	return s, nil
}

// SendError is a failed delivery: Temporary when the server answered 4xx
// or could not be reached (try again later), permanent for a 5xx answer
// or a refusal of ours.
type SendError struct {
	Temporary bool
	Err       error
}

func (e *SendError) Error() string { return e.Err.Error() }
func (e *SendError) Unwrap() error { return e.Err }

// classify wraps err as a SendError: a 5xx reply is permanent, anything
// else (4xx, network, TLS) temporary.
func classify(err error) error {
	if err == nil {
		return nil
	}
	var se *SendError
	if errors.As(err, &se) {
		return err
	}
	var te *textproto.Error
	if errors.As(err, &te) {
		return &SendError{Temporary: te.Code < 500, Err: fmt.Errorf("%d %s", te.Code, te.Msg)}
	}
	return &SendError{Temporary: true, Err: err}
}

// Send delivers msg from from to to through s, in one connection.
func (s Server) Send(ctx context.Context, from, to string, msg []byte) error {
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	conn, err := s.dial(ctx)
	if err != nil {
		return classify(err)
	}
	defer conn.Close()
	deadline, _ := ctx.Deadline()
	_ = conn.SetDeadline(deadline)
	c, err := smtp.NewClient(conn, s.Host)
	if err != nil {
		return classify(err)
	}
	defer c.Close()
	return classify(s.deliver(c, from, to, msg))
}

// dial connects, with TLS from the start for smtps://.
func (s Server) dial(ctx context.Context) (net.Conn, error) {
	if s.Implicit {
		d := tls.Dialer{Config: s.tlsConfig()}
		return d.DialContext(ctx, "tcp", s.Addr)
	}
	var d net.Dialer
	return d.DialContext(ctx, "tcp", s.Addr)
}

func (s Server) tlsConfig() *tls.Config {
	return &tls.Config{ServerName: s.Host, RootCAs: s.RootCAs, MinVersion: tls.VersionTLS12}
}

// deliver runs the SMTP conversation on c: STARTTLS (when offered, and
// required before a password), AUTH, MAIL, RCPT, DATA, QUIT.
func (s Server) deliver(c *smtp.Client, from, to string, msg []byte) error {
	if err := c.Hello("localhost"); err != nil {
		return err
	}
	if !s.Implicit {
		if ok, _ := c.Extension("STARTTLS"); ok {
			if err := c.StartTLS(s.tlsConfig()); err != nil {
				return err
			}
		} else if s.User != "" {
			return &SendError{Err: errors.New("the server offers no STARTTLS: the password is not sent in clear")}
		}
	}
	if s.User != "" {
		if err := c.Auth(smtp.PlainAuth("", s.User, s.Password, s.Host)); err != nil {
			return err
		}
	}
	if err := c.Mail(from); err != nil {
		return err
	}
	if err := c.Rcpt(to); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(msg); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}
