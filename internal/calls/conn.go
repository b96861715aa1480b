package calls

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/interviewd/interviewd/internal/auth"
	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/realtime"
)

// Conn is one signalling connection to an interview (the /rtc WebSocket of
// a candidate's browser). It offers calls and ends the interview; Done
// says when the manager has ended its part.
type Conn struct {
	m       *Manager
	key     key
	id      string // the signalling session ID recorded as webrtc_session_id
	brief   realtime.Brief
	limit   time.Duration
	v       interview.Session // as it was at Connect; StartedAt never changes once set
	opened  time.Time         // Connect's time: no witnessed line of a new interview is older
	resumed string            // the call this connection resumed; guarded by the interview's op
	probe   func(context.Context) error

	once     sync.Once
	done     chan struct{}
	err      error
	failures chan error
}

// Answer is the provider's answer to an offer.
type Answer struct {
	CallID    string    // the provider's call ID (rtc_…)
	SDP       string    // byte for byte as the provider sent it
	SessionID string    // the signalling session, as recorded on the interview
	ExpiresAt time.Time // when the interview's time limit ends the call
}

// Connect admits a signalling connection to an interview of tenantID. The
// interview must exist there (ErrNotFound) and be open (ErrClosed): not
// ended, and, until it has started, with its join link not revoked and
// its position not archived.
func (m *Manager) Connect(ctx context.Context, tenantID, interviewID string) (*Conn, error) {
	if m.isClosed() {
		return nil, ErrShutdown
	}
	st := m.cfg.Store
	v, err := st.GetSession(ctx, tenantID, interviewID)
	if err != nil {
		return nil, m.storeFailed("connect", err)
	}
	var b realtime.Brief
	if b.Position, err = st.GetPosition(ctx, tenantID, v.PositionID); err != nil {
		return nil, m.storeFailed("connect", err)
	}
	if err := open(v, b.Position); err != nil {
		return nil, err
	}
	if b.Candidate, err = st.GetCandidate(ctx, tenantID, v.CandidateID); err != nil {
		return nil, m.storeFailed("connect", err)
	}
	t, err := st.GetTenant(ctx, tenantID)
	if err != nil {
		return nil, m.storeFailed("connect", err)
	}
	b.Organisation = t.Name
	return &Conn{m: m, key: key{tenantID, interviewID}, id: auth.NewToken("sig_"), brief: b, v: v, opened: m.now(),
		limit: m.timeLimit(b.Position), done: make(chan struct{}), failures: make(chan error, 1)}, nil
}

// open applies the rule for admitting a call.
func open(v interview.Session, p interview.Position) error {
	if v.Status.Terminal() {
		return ErrClosed
	}
	if v.StartedAt == nil && (v.JoinRevokedAt != nil || p.Archived()) {
		return &Error{Code: CodeClosed, Message: "this interview is no longer open"}
	}
	return nil
}

func (m *Manager) timeLimit(p interview.Position) time.Duration {
	mins := p.MaxMinutes
	if mins <= 0 || mins > interview.MaxInterviewMins {
		mins = interview.MaxInterviewMins
	}
	limit := time.Duration(mins) * time.Minute
	if m.cfg.MaxLength > 0 && m.cfg.MaxLength < limit {
		limit = m.cfg.MaxLength
	}
	return limit
}

func (m *Manager) storeFailed(op string, err error) error {
	e := storeError(err)
	if e.(*Error).Code == CodeInternal {
		m.log.Error(op+": store failed", "error", err.Error())
	}
	return e
}

// SetProbe gives the manager a way to learn whether the connection's far
// end still answers (the transport's ping). When the provider ends the
// call while the connection stays attached, the end counts as the
// interviewer's only if the probe succeeds; a connection that no longer
// answers (a network outage: its close has not arrived yet) is taken as
// lost, and the reconnect window decides. Set it before the connection's
// first call; without one the connection is taken to answer.
func (c *Conn) SetProbe(probe func(context.Context) error) { c.probe = probe }

// InterviewID is the interview this connection belongs to.
func (c *Conn) InterviewID() string { return c.key.interview }

// TenantID is the tenant of that interview.
func (c *Conn) TenantID() string { return c.key.tenant }

// Done is closed when the manager has ended this connection's part: the
// interview ended, another connection took it over, or the server stops.
func (c *Conn) Done() <-chan struct{} { return c.done }

// Err says why Done was closed: ErrTakenOver, ErrShutdown or an *Ended.
func (c *Conn) Err() error {
	select {
	case <-c.done:
		return c.err
	default:
		return nil
	}
}

// Failures delivers a call that failed after its answer was returned (the
// server could not attach to it). The call is gone; the connection may
// offer again.
func (c *Conn) Failures() <-chan error { return c.failures }

func (c *Conn) finish(err error) {
	c.once.Do(func() {
		c.err = err
		close(c.done)
	})
}

func (c *Conn) fail(err error) {
	select {
	case c.failures <- err:
	default: // one undelivered failure says enough
	}
}

// Offer creates a provider call from the browser's SDP offer and hands
// the answer to deliver, which sends it on. An interview ended elsewhere
// since Connect is caught when the call attaches: it is hung up and Done
// reports ErrClosed. There is one live call per interview: an earlier call
// is hung up first (its transcript stored), and a different connection
// that held it is ended with ErrTakenOver. The server attaches its
// sideband only after deliver has returned, on its own goroutine, so the
// answer on its way to the browser does not share the CPU with it; if
// attaching fails the call is hung up and Failures says so.
func (c *Conn) Offer(ctx context.Context, sdp string, deliver func(Answer)) error {
	err := c.offer(ctx, sdp, deliver)
	c.m.cfg.Metrics.Offer(offerResult(err))
	return err
}

func (c *Conn) offer(ctx context.Context, sdp string, deliver func(Answer)) error {
	if err := CheckOffer(sdp); err != nil {
		return &Error{Code: CodeBadOffer, Message: err.Error(), Retryable: true}
	}
	m := c.m
	l, err := m.acquire(c.key)
	if err != nil {
		return err
	}
	handedOff := false
	defer func() {
		if !handedOff {
			m.release(l)
		}
	}()
	if err := c.Err(); err != nil {
		return err
	}
	// No store read here: Connect checked the interview, and attach's
	// transition to in_progress refuses one that has ended since.
	v := c.v
	if err := m.claimForOffer(ctx, l); err != nil {
		return err
	}
	m.take(l, c, v)
	if !l.end.IsZero() && !m.now().Before(l.end) {
		m.finish(l, interview.StatusCompleted, "time limit", "")
		return ErrClosed
	}
	brief := c.brief
	if l.started {
		// A new call of an interview that already ran: the provider starts
		// with no memory, so the instructions say where it stands.
		brief.Answered = m.answered(ctx, c.key, len(brief.Position.Questions))
	}
	session := realtime.BuildSession(m.cfg.Settings, brief)
	call, err := m.cfg.Provider.CreateCall(ctx, sdp, session)
	m.cfg.Metrics.Upstream("create_call", result(err))
	if err != nil {
		return m.createFailed(l, v, err)
	}
	expires := l.end
	if expires.IsZero() {
		expires = m.now().Add(l.limit)
	}
	deliver(Answer{CallID: call.ID, SDP: call.AnswerSDP, SessionID: c.id, ExpiresAt: expires})
	handedOff = true
	m.wg.Add(1)
	go m.attach(l, c, v, call, session)
	return nil
}

// take makes c the interview's one connection: the call before is hung
// up, another connection is taken over, the grace window ends.
func (m *Manager) take(l *live, c *Conn, v interview.Session) {
	m.stopCall(l)
	m.attachConn(l, c, v)
}

// attachConn makes c the interview's one connection, leaving its call
// running: another connection is taken over, the grace window ends.
func (m *Manager) attachConn(l *live, c *Conn, v interview.Session) {
	m.stopTimer(&l.grace)
	m.stopTimer(&l.settle)
	if l.conn != nil && l.conn != c {
		m.log.Info("interview taken over", "interview_id", c.key.interview)
		l.conn.finish(ErrTakenOver)
	}
	l.conn = c
	l.lost = ""
	l.limit = c.limit
	if v.StartedAt != nil {
		l.started = true
		if l.end.IsZero() {
			l.end = v.StartedAt.Add(l.limit)
		}
	}
}

// claimForOffer takes the interview's lease before a new call replaces
// the one it has: a call another instance was running (it handed it
// over) or a dead one's is hung up, as this instance's own previous call
// is. A store failure other than a held lease is logged and the offer
// goes on: one instance without its lease row is better than no call.
func (m *Manager) claimForOffer(ctx context.Context, l *live) error {
	lease, err := m.claim(ctx, l, "")
	var e *Error
	switch {
	case errors.As(err, &e), errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	case err != nil:
		m.log.Warn("take call lease", "interview_id", l.key.interview, "error", err.Error())
		return nil
	}
	if lease.CallID != "" && (l.call == nil || l.call.id != lease.CallID) {
		m.hangup(lease.CallID)
	}
	return nil
}

// createFailed reports a refused or failed call creation. The interview
// fails only when it never started and a retry cannot help (classify).
func (m *Manager) createFailed(l *live, v interview.Session, err error) error {
	e := classify(err)
	m.log.Warn("create call failed", "interview_id", l.key.interview, "code", string(e.Code), "error", err.Error())
	if e.Retryable || l.started {
		return e
	}
	m.finish(l, interview.StatusFailed, fmt.Sprintf("the realtime provider refused the call (%v)", err), e.Code)
	return e
}

// End is the candidate ending the interview: the call is hung up, the rest
// of the transcript stored, and the interview completed. Before the
// interview has started it is abandoned ("candidate ended before it
// started", as the lifecycle API says); a connection that has been taken
// over changes nothing.
func (c *Conn) End(ctx context.Context) error {
	m := c.m
	l, err := m.acquire(c.key)
	if err != nil {
		return err
	}
	defer m.release(l)
	if l.conn != c && (l.conn != nil || l.ended) {
		if err := c.Err(); err != nil {
			return err
		}
		return ErrClosed
	}
	l.conn = c // no offer yet: nobody else holds the interview
	if !l.started {
		m.finish(l, interview.StatusAbandoned, "candidate ended before it started", "")
		return nil
	}
	m.finish(l, interview.StatusCompleted, "candidate ended", "")
	return nil
}

// Close is the signalling connection going away. If it held an interview
// in progress, the grace window starts: the call goes on (and its
// transcript is still written) until a new offer continues the interview
// or the window passes and the interview is abandoned.
func (c *Conn) Close() { c.detach(nil) }

// errUnanswered ends a connection that stopped answering its probe: the
// close (1001, as a restart's) asks a browser that is still there to
// reconnect, and the reconnect window decides.
var errUnanswered = &Error{Code: CodeShutdown, Message: "The connection stopped answering; reconnecting."}

// detach ends the connection's part with err (nil: it went away) and
// starts the reconnect window if it held an interview in progress.
func (c *Conn) detach(err error) {
	c.finish(err)
	m := c.m
	l, err := m.acquire(c.key)
	if err != nil {
		return
	}
	defer m.release(l)
	if l.conn != c {
		return
	}
	l.conn = nil
	m.stopTimer(&l.settle)
	if l.started && !l.ended {
		m.log.Info("signalling lost; grace window starts", "interview_id", c.key.interview, "grace", m.cfg.Grace)
		l.grace = m.after(m.cfg.Grace, func() { m.graceOver(l) })
	} else {
		m.stopCall(l)
	}
}

// End ends an interview from outside its signalling connection (the
// lifecycle API, a recruiter): the live call is hung up, the rest of the
// transcript stored, the interview completed with reason (who ended it)
// and its connection closed. ErrNotFound when the manager runs no started
// interview of that ID; ErrClosed when it has already ended. The caller
// checks that whoever asks may end it.
func (m *Manager) End(ctx context.Context, tenantID, interviewID, reason string) error {
	m.mu.Lock()
	l := m.lives[key{tenantID, interviewID}]
	m.mu.Unlock()
	if l == nil || !m.lock(l) {
		return ErrNotFound
	}
	defer m.release(l)
	switch {
	case l.ended:
		return ErrClosed
	case !l.started:
		return ErrNotFound
	}
	m.finish(l, interview.StatusCompleted, reason, "")
	return nil
}

// answered counts the candidate's answers stored so far, at most max and,
// once the interviewer has recorded its progress, at most the question it
// reached (a candidate who asked for a question again has not answered
// two): where a resumed interview continues. A failed read resumes from
// the start rather than failing the call.
func (m *Manager) answered(ctx context.Context, k key, max int) int {
	entries, err := m.cfg.Store.ListTranscript(ctx, k.tenant, k.interview, 0)
	if err != nil {
		m.log.Warn("resume: read transcript", "interview_id", k.interview, "error", err.Error())
		return 0
	}
	n := 0
	for _, e := range entries {
		if e.Speaker == interview.SpeakerCandidate && strings.TrimSpace(e.Text) != "" {
			n++
		}
	}
	if v, err := m.cfg.Store.GetSession(ctx, k.tenant, k.interview); err == nil && v.CurrentQuestion > 0 {
		n = min(n, v.CurrentQuestion)
	}
	return min(n, max)
}
