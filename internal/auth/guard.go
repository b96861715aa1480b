package auth

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

// Limits of password attempts (docs/security.md, "Throttling and password
// hashing").
const (
	signInFailLimit  = 10               // per (email, client IP) and per client IP
	signInFailWindow = 15 * time.Minute // the window of both, and of the slowdown
	slowdownFree     = 5                // failures of an email before it slows
	slowdownStep     = 250 * time.Millisecond
	slowdownMax      = 3 * time.Second
)

// errThrottled answers an attempt past the limit of its pair or its address.
var errThrottled = interview.Errorf(interview.CodeRateLimited, "too many failed attempts; wait 15 minutes and try again")

// guard throttles password attempts: sign-in, sign-up and accepting an
// invitation. Per (email, client IP) and per client IP it refuses past a
// limit; per email alone it only slows down, so that a stranger failing
// from elsewhere cannot lock the owner out.
type guard struct {
	attempts *Throttle
	emails   *Throttle
	sleep    func(context.Context, time.Duration) error // tests shorten it
}

func newGuard(s store.Throttles, now func() time.Time) *guard {
	return &guard{
		attempts: NewThrottle(s, signInFailLimit, signInFailWindow, now),
		emails:   NewThrottle(s, signInFailLimit, signInFailWindow, now),
		sleep:    sleep,
	}
}

// attempt is one reserved password attempt. Unless it ends in success or
// cancel it stays counted as a failure. It keeps its request's context,
// without its cancellation, for settling the count once the request ends.
type attempt struct {
	g              *guard
	ctx            context.Context
	pair, ip, mail string
}

// begin reserves an attempt for email from clientIP, before the password
// is checked, then waits the email's slowdown. An empty email (sign-up
// before validation) counts against the address only.
func (g *guard) begin(ctx context.Context, email, clientIP string) (*attempt, error) {
	a := &attempt{g: g, ctx: context.WithoutCancel(ctx),
		pair: "pair:" + email + "\x00" + clientIP, ip: "ip:" + clientIP, mail: "email:" + email}
	switch ok, err := g.attempts.Reserve(ctx, a.pair, a.ip); {
	case err != nil:
		return nil, fmt.Errorf("throttle sign-in: %w", err)
	case !ok:
		return nil, errThrottled
	}
	n, err := g.emails.Add(ctx, a.mail)
	if err == nil {
		err = g.sleep(ctx, slowdown(n))
	}
	if err != nil {
		a.cancel()
		return nil, err
	}
	return a, nil
}

// slowdown is the wait before the n-th attempt on one email in the window
// is checked: none for the first few, then doubling up to slowdownMax.
func slowdown(n int) time.Duration {
	if n <= slowdownFree {
		return 0
	}
	d := slowdownStep << min(n-slowdownFree-1, 8)
	return min(d, slowdownMax)
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// success clears the attempt's own pair and gives back its reservation on
// the address and the email; others' failures stay counted.
func (a *attempt) success() {
	a.g.attempts.Reset(a.ctx, a.pair)
	a.g.attempts.Release(a.ctx, a.ip)
	a.g.emails.Release(a.ctx, a.mail)
}

// cancel gives back the reservation of an attempt that checked nothing (a
// busy server, an unreachable Supabase Auth).
func (a *attempt) cancel() {
	a.g.attempts.Release(a.ctx, a.pair, a.ip)
	a.g.emails.Release(a.ctx, a.mail)
}

// endCreate ends an attempt to create an account. One refused before any
// hash (a field or the password rules) gives its reservation back; any
// other, a created account included, stays counted against the address,
// so that one address cannot create accounts or hashes without limit.
func (a *attempt) endCreate(err error) {
	if errors.Is(err, ErrBusy) || (interview.ErrorCode(err) == interview.CodeInvalid && !errors.Is(err, store.ErrConflict)) {
		a.cancel()
	}
}
