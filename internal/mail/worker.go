package mail

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"strings"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

// DefaultSchedule is the wait before each retry of a message the server
// deferred (4xx) or that could not reach it: 1 min, 5 min, 30 min, 2 h
// and 6 h, so six attempts over about nine hours.
var DefaultSchedule = []time.Duration{
	time.Minute, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour, 6 * time.Hour,
}

// Defaults of a Worker's Config.
const (
	DefaultInterval       = 10 * time.Second // how often the outbox is polled
	DefaultLease          = 2 * time.Minute  // how long a claimed message is ours
	DefaultBatch          = 20               // messages claimed at once
	DefaultReminderBefore = 24 * time.Hour   // reminders go out this long before a link expires
)

// Store is what a Worker reads and writes: the privileged path of a
// store.Store, because it sends for every tenant.
type Store interface {
	store.Mails
	GetTenant(ctx context.Context, id string) (interview.Tenant, error)
	GetSession(ctx context.Context, tenantID, id string) (interview.Session, error)
	GetCandidate(ctx context.Context, tenantID, id string) (interview.Candidate, error)
	GetPosition(ctx context.Context, tenantID, id string) (interview.Position, error)
	ListInvitations(ctx context.Context, tenantID string) ([]interview.Invitation, error)
}

// Config is what NewWorker needs; zero values mean the defaults.
type Config struct {
	Store  Store
	Server Server
	From   mail.Address // MAIL_FROM; the organisation's name becomes the display name
	// JoinURL is an interview's current join link (hiring.Service.JoinURL).
	JoinURL        func(interview.Session) string
	ReminderBefore time.Duration
	Schedule       []time.Duration
	Interval       time.Duration
	Lease          time.Duration
	Batch          int
	Now            func() time.Time
	Logger         *slog.Logger // discards when nil
}

// Worker sends the outbox: it enqueues the reminders that are due, claims
// due messages, sends each one and records the attempt. Several workers
// (one per instance) share the outbox; a claim is theirs alone.
type Worker struct {
	cfg   Config
	log   *slog.Logger
	nudge chan struct{}
}

// NewWorker returns a Worker for cfg.
func NewWorker(cfg Config) *Worker {
	if cfg.Schedule == nil {
		cfg.Schedule = DefaultSchedule
	}
	cfg.Interval = orDefault(cfg.Interval, DefaultInterval)
	cfg.Lease = orDefault(cfg.Lease, DefaultLease)
	cfg.Batch = orDefault(cfg.Batch, DefaultBatch)
	cfg.ReminderBefore = orDefault(cfg.ReminderBefore, DefaultReminderBefore)
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Worker{cfg: cfg, log: log, nudge: make(chan struct{}, 1)}
}

func orDefault[T int | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

// Enqueue stores m in the outbox and wakes the worker.
func (w *Worker) Enqueue(ctx context.Context, m *store.Mail) error {
	m.NextAttempt = w.cfg.Now()
	if err := w.cfg.Store.EnqueueMail(ctx, m); err != nil {
		return fmt.Errorf("enqueue %s: %w", m.Kind, err)
	}
	select {
	case w.nudge <- struct{}{}:
	default:
	}
	return nil
}

// Start runs the worker in a goroutine until ctx ends: at once, then
// every Interval or when nudged. The function it returns stops it and
// waits, so the store may be closed after it returns.
func (w *Worker) Start(ctx context.Context) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(w.cfg.Interval)
		defer tick.Stop()
		for {
			if _, err := w.SendDue(ctx); err != nil && ctx.Err() == nil {
				w.log.Warn("mail outbox", "error", err.Error())
			}
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			case <-w.nudge:
			}
		}
	}()
	return func() {
		cancel()
		<-done
	}
}

// SendDue enqueues due reminders, then claims and sends batches until
// none is due, and returns how many attempts it made.
func (w *Worker) SendDue(ctx context.Context) (int, error) {
	if _, err := w.cfg.Store.EnqueueMailReminders(ctx, w.cfg.Now(), w.cfg.ReminderBefore); err != nil {
		return 0, err
	}
	sent := 0
	for ctx.Err() == nil {
		batch, err := w.cfg.Store.ClaimMail(ctx, w.cfg.Now(), w.cfg.Lease, w.cfg.Batch)
		if err != nil {
			return sent, err
		}
		for _, m := range batch {
			w.attempt(ctx, m)
		}
		sent += len(batch)
		if len(batch) < w.cfg.Batch {
			break
		}
	}
	return sent, nil
}

// attempt sends m once and records the outcome. The record uses a context
// of its own so that an attempt finished during shutdown is not lost (an
// unrecorded one is sent again when its lease ends: at least once).
func (w *Worker) attempt(ctx context.Context, m store.Mail) {
	err := w.send(ctx, m)
	if err != nil && ctx.Err() != nil {
		return // cut short by shutdown: the lease runs out and it is retried
	}
	a := store.MailAttempt{At: w.cfg.Now(), Sent: err == nil}
	if err != nil {
		a.Error = oneLine(err.Error())
		var se *SendError
		if errors.As(err, &se) && se.Temporary && m.Attempts < len(w.cfg.Schedule) {
			a.Retry = a.At.Add(w.cfg.Schedule[m.Attempts])
		}
	}
	w.logAttempt(m, a)
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := w.cfg.Store.RecordMailAttempt(rctx, m.TenantID, m.ID, a); err != nil {
		w.log.Warn("mail attempt not recorded", "mail_id", m.ID, "error", err.Error())
	}
}

// send composes m and hands it to the SMTP server.
func (w *Worker) send(ctx context.Context, m store.Mail) error {
	c, err := w.compose(ctx, m)
	if err != nil {
		return err
	}
	html, err := c.HTML()
	if err != nil {
		return &SendError{Err: err}
	}
	from := w.cfg.From
	from.Name = c.Org
	if w.cfg.From.Name != "" {
		from.Name = c.Org + " via " + w.cfg.From.Name
	}
	msg := Message{From: from, To: mail.Address{Address: m.To}, Subject: c.Subject,
		Text: c.Text(), HTML: html, Date: w.cfg.Now(), Domain: domainOf(w.cfg.From.Address)}
	body, err := msg.Bytes()
	if err != nil {
		return &SendError{Temporary: true, Err: err}
	}
	return w.cfg.Server.Send(ctx, w.cfg.From.Address, m.To, body)
}

// logAttempt logs one line per attempt: info when sent, warn when not.
// Never the link or the body.
func (w *Worker) logAttempt(m store.Mail, a store.MailAttempt) {
	attrs := []any{"mail_id", m.ID, "tenant_id", m.TenantID, "kind", m.Kind, "attempt", m.Attempts + 1}
	switch {
	case a.Sent:
		w.log.Info("mail sent", attrs...)
	case a.Retry.IsZero():
		w.log.Warn("mail failed for good", append(attrs, "error", a.Error)...)
	default:
		w.log.Warn("mail attempt failed", append(attrs, "error", a.Error, "retry_at", a.Retry.UTC().Format(time.RFC3339))...)
	}
}

func domainOf(addr string) string {
	if i := strings.LastIndexByte(addr, '@'); i >= 0 {
		return addr[i+1:]
	}
	return ""
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 300 {
		s = s[:300]
	}
	return s
}
