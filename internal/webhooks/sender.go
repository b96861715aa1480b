package webhooks

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sort"
	"sync"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

// DefaultSchedule is the wait before each retry of a delivery that was not
// answered 2xx: 30 s, 2 min, 10 min, 1 h and 6 h, so six attempts over
// about seven hours. A delivery that fails its last attempt is failed.
var DefaultSchedule = []time.Duration{
	30 * time.Second, 2 * time.Minute, 10 * time.Minute, time.Hour, 6 * time.Hour,
}

// Defaults of a Sender's Config.
const (
	DefaultInterval = 5 * time.Second // how often the outbox is polled
	DefaultLease    = time.Minute     // how long a claimed delivery is ours
	DefaultBatch    = 20              // deliveries claimed at once
	DefaultWorkers  = 4               // endpoints sent to at once
)

// Store is what a Sender reads and writes: the privileged path of a
// store.Store, because it sends for every tenant.
type Store interface {
	Reader
	ClaimWebhookDeliveries(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]interview.WebhookDelivery, error)
	RecordWebhookAttempt(ctx context.Context, tenantID, id string, a interview.WebhookAttempt) error
}

// Config is what NewSender needs; zero values mean the defaults.
type Config struct {
	Store     Store
	PublicURL string       // prefixes the transcript URL of every event
	Logger    *slog.Logger // discards when nil
	// AllowPrivate lets deliveries reach loopback, private and every
	// other special-purpose address (WEBHOOK_ALLOW_PRIVATE); off, they are
	// refused by the URL check and again at dial time.
	AllowPrivate bool
	Client       *http.Client    // NewClient(AllowPrivate) when nil
	Schedule     []time.Duration // DefaultSchedule when nil
	Interval     time.Duration
	Lease        time.Duration
	Batch        int
	Workers      int
	Now          func() time.Time
	Metrics      Metrics // nil counts nothing
}

// Metrics receives the recorded attempts, for monitoring: result is
// delivered, retrying (another attempt is scheduled) or failed (for good).
type Metrics interface {
	WebhookDelivery(result string)
}

// noMetrics counts nothing: Config.Metrics nil.
type noMetrics struct{}

func (noMetrics) WebhookDelivery(string) {}

// Sender delivers the outbox: it claims due deliveries, sends each one,
// and records the attempt.
type Sender struct {
	cfg   Config
	log   *slog.Logger
	nudge chan struct{}
}

// NewSender returns a Sender for cfg.
func NewSender(cfg Config) *Sender {
	if cfg.Client == nil {
		cfg.Client = NewClient(cfg.AllowPrivate)
	}
	if cfg.Schedule == nil {
		cfg.Schedule = DefaultSchedule
	}
	cfg.Interval = orDefault(cfg.Interval, DefaultInterval)
	cfg.Lease = orDefault(cfg.Lease, DefaultLease)
	cfg.Batch = orDefault(cfg.Batch, DefaultBatch)
	cfg.Workers = orDefault(cfg.Workers, DefaultWorkers)
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Metrics == nil {
		cfg.Metrics = noMetrics{}
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Sender{cfg: cfg, log: log, nudge: make(chan struct{}, 1)}
}

func orDefault[T int | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

// Nudge makes a running Sender look at the outbox now rather than at its
// next tick. It never blocks.
func (s *Sender) Nudge() {
	select {
	case s.nudge <- struct{}{}:
	default:
	}
}

// Run sends due deliveries at once and then every Interval, or when
// nudged, until ctx ends. A claim that fails is logged and tried again at
// the next tick.
func (s *Sender) Run(ctx context.Context) {
	tick := time.NewTicker(s.cfg.Interval)
	defer tick.Stop()
	for {
		if _, err := s.SendDue(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("webhook claim failed", "error", err.Error())
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		case <-s.nudge:
		}
	}
}

// Start runs Run in a goroutine. The function it returns stops it and
// waits until it has, so the store may be closed after it returns.
func (s *Sender) Start(ctx context.Context) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.Run(ctx)
	}()
	return func() {
		cancel()
		<-done
	}
}

// SendDue claims and sends batches until none is due, and returns how
// many attempts it made.
func (s *Sender) SendDue(ctx context.Context) (int, error) {
	sent := 0
	for ctx.Err() == nil {
		batch, err := s.cfg.Store.ClaimWebhookDeliveries(ctx, s.cfg.Now(), s.cfg.Lease, s.cfg.Batch)
		if err != nil {
			return sent, fmt.Errorf("claim webhook deliveries: %w", err)
		}
		s.sendBatch(ctx, batch)
		sent += len(batch)
		if len(batch) < s.cfg.Batch {
			break
		}
	}
	return sent, nil
}

// sendBatch sends a batch with at most Workers endpoints at once. An
// endpoint's deliveries go one after another, oldest first, so that one
// endpoint sees its events roughly in order.
func (s *Sender) sendBatch(ctx context.Context, batch []interview.WebhookDelivery) {
	sem := make(chan struct{}, s.cfg.Workers)
	var wg sync.WaitGroup
	for _, queue := range byEndpoint(batch) {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			for _, d := range queue {
				s.attempt(ctx, d)
			}
		}()
	}
	wg.Wait()
}

// byEndpoint groups deliveries by endpoint, each group oldest first, the
// groups in the order of their first delivery.
func byEndpoint(batch []interview.WebhookDelivery) [][]interview.WebhookDelivery {
	index := map[string]int{}
	var groups [][]interview.WebhookDelivery
	for _, d := range batch {
		i, ok := index[d.EndpointID]
		if !ok {
			i = len(groups)
			index[d.EndpointID] = i
			groups = append(groups, nil)
		}
		groups[i] = append(groups[i], d)
	}
	for _, g := range groups {
		sort.SliceStable(g, func(a, b int) bool { return g[a].CreatedAt.Before(g[b].CreatedAt) })
	}
	return groups
}

// attempt sends d once and records the outcome. The record uses a context
// of its own so that an attempt finished during shutdown is not lost (an
// unrecorded one is sent again when its lease ends: at least once).
func (s *Sender) attempt(ctx context.Context, d interview.WebhookDelivery) {
	a := s.send(ctx, d)
	if ctx.Err() != nil && !a.Delivered {
		return // cut short by shutdown: the lease runs out and it is retried
	}
	if !a.Delivered {
		a.Retry = s.retryAt(d.Attempts+1, a.At, a.Error)
	}
	s.logAttempt(d, a)
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := s.cfg.Store.RecordWebhookAttempt(rctx, d.TenantID, d.ID, a); err != nil {
		s.log.Warn("webhook attempt not recorded", "delivery_id", d.ID, "error", err.Error())
		return
	}
	s.cfg.Metrics.WebhookDelivery(attemptResult(a))
}

// attemptResult is a recorded attempt's metric result.
func attemptResult(a interview.WebhookAttempt) string {
	switch {
	case a.Delivered:
		return "delivered"
	case a.Retry.IsZero():
		return "failed"
	}
	return "retrying"
}

// retryAt is when to try again after the n-th attempt failed at at, or
// zero to give up: after the schedule runs out, or when the interview is
// gone.
func (s *Sender) retryAt(n int, at time.Time, why string) time.Time {
	if n > len(s.cfg.Schedule) || why == errGone {
		return time.Time{}
	}
	return at.Add(s.cfg.Schedule[n-1])
}

// errGone is the attempt error of a delivery whose interview no longer
// exists: there is nothing to send, ever.
const errGone = "the interview no longer exists"

// send makes one attempt and says how it went.
func (s *Sender) send(ctx context.Context, d interview.WebhookDelivery) interview.WebhookAttempt {
	body, err := s.body(ctx, d)
	if err != nil {
		s.log.Warn("webhook event not built", "delivery_id", d.ID, "error", err.Error())
		a := interview.WebhookAttempt{At: s.cfg.Now(), Error: "could not build the event"}
		if errors.Is(err, store.ErrNotFound) {
			a.Error = errGone
		}
		return a
	}
	code, err := s.post(ctx, d, body)
	a := interview.WebhookAttempt{At: s.cfg.Now(), Code: code}
	switch {
	case err != nil:
		a.Error = attemptError(err)
		s.log.Debug("webhook attempt error", "delivery_id", d.ID, "endpoint_id", d.EndpointID,
			"reason", a.Error, "error", withoutURL(err).Error())
	case code < 200 || code > 299:
		a.Error = fmt.Sprintf("HTTP %d", code)
	default:
		a.Delivered = true
	}
	return a
}

func (s *Sender) body(ctx context.Context, d interview.WebhookDelivery) ([]byte, error) {
	ev, err := BuildEvent(ctx, s.cfg.Store, s.cfg.PublicURL, d)
	if err != nil {
		return nil, err
	}
	return json.Marshal(ev)
}

// post sends body to d's URL, signed now, and returns the status code.
func (s *Sender) post(ctx context.Context, d interview.WebhookDelivery, body []byte) (int, error) {
	if err := s.checkURL(d.URL); err != nil {
		return 0, err
	}
	h, err := Headers(d.Secret, d.ID, s.cfg.Now(), body)
	if err != nil {
		return 0, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.URL, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header = h
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "interviewd-webhooks/1")
	res, err := s.cfg.Client.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, MaxResponseBody))
	return res.StatusCode, nil
}

// checkURL is CheckURLAddress, or only CheckURL when private addresses
// are allowed.
func (s *Sender) checkURL(raw string) error {
	if s.cfg.AllowPrivate {
		return CheckURL(raw)
	}
	return CheckURLAddress(raw)
}

// logAttempt logs one line per attempt: debug when delivered, warn when
// not. Never the secret, the URL or a body.
func (s *Sender) logAttempt(d interview.WebhookDelivery, a interview.WebhookAttempt) {
	attrs := []any{"delivery_id", d.ID, "endpoint_id", d.EndpointID, "tenant_id", d.TenantID,
		"event", d.Event, "attempt", d.Attempts + 1, "code", a.Code}
	switch {
	case a.Delivered:
		s.log.Debug("webhook delivered", attrs...)
	case a.Retry.IsZero():
		s.log.Warn("webhook failed for good", append(attrs, "error", a.Error)...)
	default:
		s.log.Warn("webhook attempt failed", append(attrs, "error", a.Error, "retry_at", a.Retry.UTC().Format(time.RFC3339))...)
	}
}
