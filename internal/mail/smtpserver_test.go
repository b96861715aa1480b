package mail_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"math/big"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/interviewd/interviewd/internal/mail"
)

// delivered is one message a test SMTP server accepted.
type delivered struct {
	From, To string
	Data     []byte
	TLS      bool   // the session was encrypted
	User     string // who authenticated, if anyone
}

// smtpServer is a real SMTP server (emersion/go-smtp) on a loopback port
// that keeps what it accepts.
type smtpServer struct {
	Addr     string
	mu       sync.Mutex
	got      []delivered
	defer4xx int // answer the next messages' DATA with 451
	user     string
	pass     string
}

type serverOptions struct {
	tls      *tls.Config // offers STARTTLS (or, implicit, serves TLS from the start)
	implicit bool
	user     string // requires AUTH PLAIN with user and pass
	pass     string
}

func startSMTP(t *testing.T, o serverOptions) *smtpServer {
	t.Helper()
	s := &smtpServer{user: o.user, pass: o.pass}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		_, enc := c.TLSConnectionState()
		return &session{srv: s, cur: delivered{TLS: enc}, conn: c}, nil
	}))
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	srv.TLSConfig = o.tls
	var ln net.Listener
	var err error
	if o.implicit {
		ln, err = tls.Listen("tcp", "127.0.0.1:0", o.tls)
	} else {
		ln, err = net.Listen("tcp", "127.0.0.1:0")
	}
	if err != nil {
		t.Fatal(err)
	}
	s.Addr = ln.Addr().String()
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return s
}

// server is how a test's Worker reaches s.
func (s *smtpServer) server(implicit bool, roots *x509.CertPool, user, pass string) mail.Server {
	host, _, _ := net.SplitHostPort(s.Addr)
	return mail.Server{Addr: s.Addr, Host: host, Implicit: implicit, RootCAs: roots, User: user, Password: pass, Timeout: 10 * time.Second}
}

func (s *smtpServer) messages() []delivered {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]delivered(nil), s.got...)
}

func (s *smtpServer) deferNext(n int) {
	s.mu.Lock()
	s.defer4xx = n
	s.mu.Unlock()
}

type session struct {
	srv  *smtpServer
	conn *smtp.Conn
	cur  delivered
}

func (s *session) AuthMechanisms() []string {
	if s.srv.user == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (s *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != s.srv.user || pass != s.srv.pass {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "invalid credentials"}
		}
		s.cur.User = user
		return nil
	}), nil
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if s.srv.user != "" && s.cur.User == "" {
		return smtp.ErrAuthRequired
	}
	s.cur.From = from
	_, s.cur.TLS = s.conn.TLSConnectionState()
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.cur.To = to
	return nil
}

func (s *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.srv.mu.Lock()
	defer s.srv.mu.Unlock()
	if s.srv.defer4xx > 0 {
		s.srv.defer4xx--
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	}
	d := s.cur
	d.Data = b
	s.srv.got = append(s.srv.got, d)
	return nil
}

func (s *session) Reset()        { s.cur = delivered{TLS: s.cur.TLS, User: s.cur.User} }
func (s *session) Logout() error { return nil }

// testCert is a self-signed certificate for 127.0.0.1, and the pool that
// trusts it.
func testCert(t *testing.T) (*tls.Config, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "interviewd test SMTP"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, DNSNames: []string{"localhost"},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}, pool
}
