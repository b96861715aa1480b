// Package housekeeping deletes rows that would otherwise only grow: sign-in
// sessions once they expire, Idempotency-Key records a day old,
// invitations a month after their links expired, finished webhook
// deliveries a month old, sent or failed e-mail a month old, sign-in
// failures an hour old and spent signalling tokens once they expire; and
// interviews' recordings and transcripts once their organisation's
// retention (Tenant.Retention) has passed. A Janitor does it periodically in
// the serving process; of several instances sharing a database, one at a
// time sweeps (the "janitor" lock, store.Locks).
package housekeeping

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/interviewd/interviewd/internal/store"
)

// How often a Janitor sweeps and how long rows outlive their use. Logins
// and spent signalling tokens have no retention: an expired login is
// refused at sign-in, an expired token by its verifier (whose leeway the
// record's expiry includes), and either is gone at the next sweep.
const (
	// Interval is how often a Janitor sweeps. The deletes are cheap, and an
	// hour of leftovers is harmless: every row it deletes is already
	// refused or no longer shown.
	Interval = time.Hour
	// IdempotencyRetention is how long an Idempotency-Key is remembered: a
	// retry within it gets the stored response, a retry after it runs again
	// (docs/api.md). A day covers a client's retries, as at Stripe.
	IdempotencyRetention = 24 * time.Hour
	// InvitationRetention is how long an invitation is kept after its link
	// expired. Owners see expired invitations on the team page, so that they
	// notice who never joined and invite them again; after a month the
	// row goes, and its link answers as an expired one does.
	InvitationRetention = 30 * 24 * time.Hour
	// DeliveryRetention is how long a delivered or failed webhook delivery
	// is kept: the owner's webhooks page shows recent deliveries, to find
	// out why an integration missed an event. Pending ones are never
	// deleted; they fail by their retry schedule.
	DeliveryRetention = 30 * 24 * time.Hour
	// MailRetention is how long a sent or failed e-mail is kept, for the
	// interview's timeline, as webhook deliveries are. Messages about an
	// interview that has not ended stay (its reminder depends on them),
	// and pending ones until they settle.
	MailRetention = 30 * 24 * time.Hour
	// ThrottleRetention is how long a sign-in failure is kept: longer than
	// any throttle's window (auth's is 15 minutes), so that pruning never
	// forgives a failure still counted.
	ThrottleRetention = time.Hour
)

// lockName is the lock a sweep holds, so that instances sharing a
// database do not sweep it at once.
const lockName = "janitor"

// Store is what a Janitor deletes from: the privileged path of a
// store.Store, which sweeps every tenant.
type Store interface {
	DeleteExpiredLogins(ctx context.Context, now time.Time) (int64, error)
	DeleteIdempotencyKeys(ctx context.Context, before time.Time) (int64, error)
	DeleteExpiredInvitations(ctx context.Context, before time.Time) (int64, error)
	DeleteWebhookDeliveries(ctx context.Context, before time.Time) (int64, error)
	DeleteSettledMail(ctx context.Context, before time.Time) (int64, error)
	PruneThrottles(ctx context.Context, before time.Time) (int, error)
	PruneRTCTokens(ctx context.Context, before time.Time) (int, error)
	RetentionStore
	store.Locks
}

// Config is what New needs; zero Interval and Now mean the defaults.
type Config struct {
	Store    Store
	Logger   *slog.Logger     // discards when nil
	Interval time.Duration    // Interval when zero
	Now      func() time.Time // time.Now when nil
	// Recordings deletes recordings past their retention; nil leaves
	// recordings alone (transcripts are still swept).
	Recordings RecordingDeleter
}

// Janitor sweeps a Store periodically.
type Janitor struct {
	store    Store
	log      *slog.Logger
	interval time.Duration
	now      func() time.Time

	recordings RecordingDeleter
}

// New returns a Janitor for cfg.
func New(cfg Config) *Janitor {
	j := &Janitor{store: cfg.Store, log: cfg.Logger, interval: cfg.Interval, now: cfg.Now, recordings: cfg.Recordings}
	if j.interval <= 0 {
		j.interval = Interval
	}
	if j.now == nil {
		j.now = time.Now
	}
	if j.log == nil {
		j.log = slog.New(slog.DiscardHandler)
	}
	return j
}

// Counts are the rows one sweep deleted; Recordings and Transcripts
// count interviews whose recording or transcript went. Skipped says that
// another instance held the lock, so this one deleted nothing.
type Counts struct {
	Logins, IdempotencyKeys, Invitations, Deliveries, Throttles, RTCTokens, Mail int64
	Recordings, Transcripts                                                      int64
	Skipped                                                                      bool
}

// Sweep deletes what is due now and returns the counts, unless another
// instance is sweeping (Skipped). A failed delete does not stop the
// others; their errors are joined.
func (j *Janitor) Sweep(ctx context.Context) (Counts, error) {
	unlock, ok, err := j.store.TryLock(ctx, lockName)
	if err != nil {
		return Counts{}, fmt.Errorf("housekeeping: %w", err)
	}
	if !ok {
		return Counts{Skipped: true}, nil
	}
	defer unlock()
	now := j.now()
	var c Counts
	var errs [8]error
	var throttles, rtcTokens int
	throttles, errs[4] = j.store.PruneThrottles(ctx, now.Add(-ThrottleRetention))
	c.Throttles = int64(throttles)
	rtcTokens, errs[5] = j.store.PruneRTCTokens(ctx, now)
	c.RTCTokens = int64(rtcTokens)
	c.Logins, errs[0] = j.store.DeleteExpiredLogins(ctx, now)
	c.IdempotencyKeys, errs[1] = j.store.DeleteIdempotencyKeys(ctx, now.Add(-IdempotencyRetention))
	c.Invitations, errs[2] = j.store.DeleteExpiredInvitations(ctx, now.Add(-InvitationRetention))
	c.Deliveries, errs[3] = j.store.DeleteWebhookDeliveries(ctx, now.Add(-DeliveryRetention))
	c.Mail, errs[6] = j.store.DeleteSettledMail(ctx, now.Add(-MailRetention))
	c.Recordings, c.Transcripts, errs[7] = j.retention(ctx)
	if err := errors.Join(errs[:]...); err != nil {
		return c, fmt.Errorf("housekeeping: %w", err)
	}
	return c, nil
}

// Run sweeps at once, because a process may not live an interval, and then
// every interval until ctx ends. A failed sweep is logged and retried at
// the next tick.
func (j *Janitor) Run(ctx context.Context) {
	tick := time.NewTicker(j.interval)
	defer tick.Stop()
	for {
		j.sweepAndLog(ctx)
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// sweepAndLog logs one line per sweep: the counts at debug level, or the
// error at warn. A sweep cut short by shutdown is not worth a warning.
func (j *Janitor) sweepAndLog(ctx context.Context) {
	c, err := j.Sweep(ctx)
	attrs := []slog.Attr{slog.Int64("logins", c.Logins),
		slog.Int64("idempotency_keys", c.IdempotencyKeys), slog.Int64("invitations", c.Invitations),
		slog.Int64("webhook_deliveries", c.Deliveries), slog.Int64("throttle_failures", c.Throttles),
		slog.Int64("spent_rtc_tokens", c.RTCTokens), slog.Int64("mail", c.Mail),
		slog.Int64("recordings", c.Recordings), slog.Int64("transcripts", c.Transcripts)}
	if err == nil && c.Skipped {
		j.log.LogAttrs(ctx, slog.LevelDebug, "housekeeping sweep skipped: another instance holds the lock")
		return
	}
	if err == nil {
		j.log.LogAttrs(ctx, slog.LevelDebug, "housekeeping sweep", attrs...)
		return
	}
	if ctx.Err() == nil {
		j.log.LogAttrs(ctx, slog.LevelWarn, "housekeeping sweep failed", append(attrs, slog.String("error", err.Error()))...)
	}
}

// Start runs Run in a goroutine. The function it returns stops it and
// waits until it has, so the store may be closed after it returns.
func (j *Janitor) Start(ctx context.Context) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		j.Run(ctx)
	}()
	return func() {
		cancel()
		<-done
	}
}
