// Package store defines the storage that interviewd's services use. The
// sqlite and postgres packages implement it with hand-written SQL, and
// storetest holds the conformance suite that both must pass.
//
// Tenant scoping is part of every method's contract: a method given a tenant
// ID never returns, creates or changes a row of another tenant. A record that
// exists in another tenant is reported as ErrNotFound, exactly as if it did
// not exist, so that callers cannot probe for other tenants' IDs.
package store

import (
	"context"
	"errors"
	"time"

	"github.com/interviewd/interviewd/internal/interview"
)

// Errors every implementation maps its driver's errors to. They are the
// domain's errors, so the web layer maps them to statuses in one place.
var (
	ErrNotFound = interview.ErrNotFound // no such row in this tenant
	ErrConflict = interview.ErrConflict // a unique key is already taken
	ErrClosed   = interview.ErrClosed   // the interview has ended and takes no writes
	ErrInvalid  = interview.ErrInvalid  // a value fails validation or a CHECK constraint
)

// ErrNotEmpty is CreateFirstUserWithTenant's answer once the instance has a
// user or a tenant.
var ErrNotEmpty = errors.New("the instance already has an account")

// List limits: a list call with Limit 0 returns at most the default, and
// never more than the maximum.
const (
	DefaultListLimit = 50
	MaxListLimit     = 500
	DefaultAuditList = 100
	MaxAuditList     = 1000
)

// Actor is the person a query runs for. On PostgreSQL, a Store returned by
// As runs each query as the authenticated role with these claims, so that
// row-level security applies on top of the explicit tenant scoping.
type Actor struct {
	UserID string
	Email  string
}

// Store is the whole storage interface.
type Store interface {
	// As returns a Store whose queries run on behalf of actor (see Actor).
	// The Store it is called on is the privileged path used by server jobs.
	As(actor Actor) Store
	// Ping reports whether the database answers.
	Ping(ctx context.Context) error
	// Close releases the database. Stores returned by As share it.
	Close() error
	// Dialect names the database: "sqlite" or "postgres".
	Dialect() string

	Tenants
	Users
	Positions
	Candidates
	Sessions
	Transcripts
	Records
	APIKeys
	Audit
	Logins
	Invitations
	Idempotency
	Webhooks
	Rubrics
	Assessments
	Scorecards
	Decisions
	Instances
	Leases
	Locks
	Throttles
	RTCTokens
	Notifier
	Mails
	Feedbacks
	CandidateProblems
	Usage
	Recordings
	Retention
	Erasures
}

// Tenants stores organisations and their members.
type Tenants interface {
	// CreateTenant stores t and makes ownerID its owner, atomically. It fills
	// t.ID and t.CreatedAt when they are zero. An empty ownerID creates a
	// tenant with no members (the admin CLI and single-tenant deploys).
	// A zero t.Retention becomes DefaultRetention; another is validated
	// and stored (CreateUserWithTenant does the same).
	CreateTenant(ctx context.Context, t *interview.Tenant, ownerID string) error
	GetTenant(ctx context.Context, id string) (interview.Tenant, error)

	// AddMember stores m; ErrConflict if the user is already a member.
	AddMember(ctx context.Context, m *interview.Membership) error
	GetMembership(ctx context.Context, tenantID, userID string) (interview.Membership, error)
	// ListMembers returns a tenant's members, oldest first.
	ListMembers(ctx context.Context, tenantID string) ([]interview.Member, error)
	// ListMemberships returns the tenants a user belongs to, oldest first.
	ListMemberships(ctx context.Context, userID string) ([]interview.Membership, error)
	UpdateMemberRole(ctx context.Context, tenantID, userID string, role interview.Role) error
	// RemoveMember ends userID's membership of tenantID and, in the same
	// transaction, revokes the API keys the user created in the tenant and
	// deletes the user's logins working in it. ErrNotFound if the user is
	// not a member; then nothing changes. On PostgreSQL through As, where
	// logins are out of reach, the logins are the caller's to delete.
	RemoveMember(ctx context.Context, tenantID, userID string) error
	// CreateUserWithTenant stores u, the new tenant t and u's ownership of
	// t in one transaction: all three, or on any error none of them. Both
	// are validated before anything is written; ErrConflict if u's email
	// (normalised) is taken. It fills the IDs and CreatedAt when zero.
	CreateUserWithTenant(ctx context.Context, u *interview.User, t *interview.Tenant) error
	// CreateFirstUserWithTenant is CreateUserWithTenant on an empty
	// instance only (no user and no tenant yet), checked inside the same
	// transaction so that of two parallel first sign-ups one wins;
	// ErrNotEmpty, with nothing written, otherwise.
	CreateFirstUserWithTenant(ctx context.Context, u *interview.User, t *interview.Tenant) error
	// Empty reports whether the instance has no user and no tenant yet.
	Empty(ctx context.Context) (bool, error)
}

// Users stores accounts. Users are global, not tenant-owned.
type Users interface {
	// CreateUser stores u with its email normalised; ErrConflict if the email
	// is taken. It fills u.ID and u.CreatedAt when they are zero.
	CreateUser(ctx context.Context, u *interview.User) error
	GetUser(ctx context.Context, id string) (interview.User, error)
	GetUserByEmail(ctx context.Context, email string) (interview.User, error)
	SetPasswordHash(ctx context.Context, userID, hash string) error
}

// Positions stores jobs and their interview plans.
type Positions interface {
	// CreatePosition stores p in p.TenantID, filling ID and timestamps.
	CreatePosition(ctx context.Context, p *interview.Position) error
	GetPosition(ctx context.Context, tenantID, id string) (interview.Position, error)
	// ListPositions returns a tenant's positions, newest first.
	ListPositions(ctx context.Context, tenantID string, f interview.PositionFilter) ([]interview.Position, error)
	// UpdatePosition replaces the editable fields of the position p.ID in
	// p.TenantID and sets p.UpdatedAt.
	UpdatePosition(ctx context.Context, p *interview.Position) error
	// ArchivePosition marks a position archived at the given time.
	ArchivePosition(ctx context.Context, tenantID, id string, at time.Time) error
}

// Candidates stores the people being interviewed.
type Candidates interface {
	// CreateCandidate stores c in c.TenantID, filling ID and CreatedAt.
	CreateCandidate(ctx context.Context, c *interview.Candidate) error
	GetCandidate(ctx context.Context, tenantID, id string) (interview.Candidate, error)
}

// Sessions stores interviews and drives their lifecycle.
type Sessions interface {
	// CreateSession stores s in s.TenantID with status pending and the join
	// link (JoinVersion, hash, expiry) as given. Its position and candidate
	// must belong to the same tenant, or ErrNotFound.
	CreateSession(ctx context.Context, s *interview.Session) error
	GetSession(ctx context.Context, tenantID, id string) (interview.Session, error)
	// GetSessionByJoinHash finds the interview whose join token hashes to
	// hash, in any tenant: the candidate's link is all it has.
	GetSessionByJoinHash(ctx context.Context, hash string) (interview.Session, error)
	// ListSessions returns a tenant's interviews, newest first.
	ListSessions(ctx context.Context, tenantID string, f interview.SessionFilter) ([]interview.SessionSummary, error)
	// ListInProgress returns the interviews in progress of tenantID, or of
	// every tenant when tenantID is empty, oldest start first. It is the
	// server's start-up path: calls do not survive a restart, so the calls
	// manager gives each of these a reconnect window.
	ListInProgress(ctx context.Context, tenantID string) ([]interview.Session, error)
	// TransitionSession moves an interview to status to, atomically checking
	// the state machine against the stored status. Moving to the status it
	// already has changes nothing and is not an error. Entering in_progress
	// sets StartedAt once; entering a terminal status sets EndedAt and reason.
	TransitionSession(ctx context.Context, tenantID, id string, to interview.Status, reason string, at time.Time) (interview.Session, error)
	// UpdateSessionCall records the WebRTC signalling state of an interview.
	UpdateSessionCall(ctx context.Context, tenantID, id string, call interview.CallInfo) error
	// UpdateSessionProgress records the question the interviewer asked
	// last (CurrentQuestion) and, the first time question is asked, a
	// QuestionMark at time at; a negative question is ErrInvalid, and 0
	// records no mark.
	UpdateSessionProgress(ctx context.Context, tenantID, id string, question int, at time.Time) error
	// ListQuestionMarks returns the questions of an interview that were
	// asked, each with the time it was first asked, in question order.
	ListQuestionMarks(ctx context.Context, tenantID, interviewID string) ([]interview.QuestionMark, error)
	// SetJoinToken replaces the join link's version, hash and expiry and
	// clears a revocation (re-issuing the link).
	SetJoinToken(ctx context.Context, tenantID, id string, version int, hash string, expiresAt time.Time) error
	// RevokeJoinToken revokes the join link; revoking twice keeps the first time.
	RevokeJoinToken(ctx context.Context, tenantID, id string, at time.Time) error
}

// Transcripts stores what was said.
type Transcripts interface {
	// AppendTranscript writes entries to an open interview in one
	// transaction and returns them as stored, in the order given. An entry
	// whose (interview, item ID) is already stored is not written again: the
	// stored one is returned. New entries get the next gap-free Seq values.
	// ErrClosed if the interview has ended; ErrNotFound if it is not in
	// tenantID.
	AppendTranscript(ctx context.Context, tenantID, interviewID string, entries []interview.TranscriptEntry) ([]interview.TranscriptEntry, error)
	// ListTranscript returns an interview's entries with Seq > afterSeq, in
	// Seq order.
	ListTranscript(ctx context.Context, tenantID, interviewID string, afterSeq int64) ([]interview.TranscriptEntry, error)
}

// Records stores recordings and consents.
type Records interface {
	CreateVideoSegment(ctx context.Context, v *interview.VideoSegment) error
	// UpdateVideoSegment replaces URL, end time and status of v.ID.
	UpdateVideoSegment(ctx context.Context, v *interview.VideoSegment) error
	ListVideoSegments(ctx context.Context, tenantID, interviewID string) ([]interview.VideoSegment, error)
	RecordConsent(ctx context.Context, c *interview.Consent) error
	ListConsents(ctx context.Context, tenantID, interviewID string) ([]interview.Consent, error)
}

// APIKeys stores integration keys by hash.
type APIKeys interface {
	CreateAPIKey(ctx context.Context, k *interview.APIKey) error
	// GetAPIKeyByHash finds a key in any tenant: the bearer token is all a
	// request has. Revoked keys are returned too; callers check Active.
	GetAPIKeyByHash(ctx context.Context, hash string) (interview.APIKey, error)
	ListAPIKeys(ctx context.Context, tenantID string) ([]interview.APIKey, error)
	RevokeAPIKey(ctx context.Context, tenantID, id string, at time.Time) error
	TouchAPIKey(ctx context.Context, tenantID, id string, at time.Time) error
}

// Audit stores the audit trail.
type Audit interface {
	AppendAudit(ctx context.Context, e *interview.AuditEvent) error
	// ListAudit returns a tenant's newest events first, at most limit.
	ListAudit(ctx context.Context, tenantID string, limit int) ([]interview.AuditEvent, error)
	// ListAuditPage returns a tenant's events newest first (CreatedAt, then
	// ID, descending), narrowed by f: the organisation's audit log page and
	// its CSV export. On PostgreSQL, through As, only owners read the log.
	ListAuditPage(ctx context.Context, tenantID string, f interview.AuditFilter) ([]interview.AuditEvent, error)
}

// Webhooks stores a tenant's webhook endpoints and the outbox of their
// deliveries. Deliveries are never written by callers: entering
// in_progress, completed, abandoned or failed writes one pending delivery
// per active endpoint of the tenant subscribed to that event, in the
// transaction that changes the status (TransitionSession; a trigger in the
// database), so an event cannot be lost between the change and its
// delivery. The delivery is due at the transition's time.
type Webhooks interface {
	// CreateWebhookEndpoint stores e in e.TenantID, filling ID and
	// CreatedAt; URL and Secret are required and Events must name
	// interview.WebhookEvents (ErrInvalid).
	CreateWebhookEndpoint(ctx context.Context, e *interview.WebhookEndpoint) error
	// ListWebhookEndpoints returns a tenant's endpoints, newest first.
	// Through As on PostgreSQL their Secret is empty.
	ListWebhookEndpoints(ctx context.Context, tenantID string) ([]interview.WebhookEndpoint, error)
	// DisableWebhookEndpoint stops an endpoint: it gets no new deliveries,
	// and its pending ones fail. Disabling twice keeps the first time.
	DisableWebhookEndpoint(ctx context.Context, tenantID, id string, at time.Time) error
	// ListWebhookDeliveries returns an endpoint's deliveries, newest first,
	// at most limit (0: a default).
	ListWebhookDeliveries(ctx context.Context, tenantID, endpointID string, limit int) ([]interview.WebhookDelivery, error)
	// ClaimWebhookDeliveries returns up to limit (0: a default) pending
	// deliveries of every tenant that are due at now (NextAttempt <= now),
	// the most overdue ones, oldest first, with their endpoint's URL and
	// Secret, and moves each one's NextAttempt to now+lease, so that
	// another sender does not take it meanwhile. It is the sender's
	// (server path; through As it is ErrForbidden).
	ClaimWebhookDeliveries(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]interview.WebhookDelivery, error)
	// RecordWebhookAttempt stores the outcome of one attempt: delivered,
	// due again at a.Retry, or failed when a.Retry is zero. Attempts grows
	// by one. Only a pending delivery takes an attempt: ErrConflict if it
	// was delivered or failed meanwhile (its endpoint disabled), ErrNotFound
	// if it is not in tenantID. Server path, as ClaimWebhookDeliveries.
	RecordWebhookAttempt(ctx context.Context, tenantID, id string, a interview.WebhookAttempt) error
	// DeleteWebhookDeliveries deletes the delivered and failed deliveries of
	// every tenant created before before, and returns how many; pending
	// ones stay whatever their age. A server job's: through As on
	// PostgreSQL it is ErrForbidden and deletes nothing.
	DeleteWebhookDeliveries(ctx context.Context, before time.Time) (int64, error)
}

// Rubrics stores the versions of each position's rubric.
type Rubrics interface {
	// SaveRubric stores r as the next version of its position's rubric
	// (1 for the first), filling ID, Version and CreatedAt. ErrNotFound if
	// the position is not in r.TenantID; ErrInvalid if r fails Validate.
	// Callers skip a save whose content equals the latest version's.
	SaveRubric(ctx context.Context, r *interview.Rubric) error
	// GetRubric returns version of a position's rubric, or its latest
	// version when version is 0; ErrNotFound when there is none.
	GetRubric(ctx context.Context, tenantID, positionID string, version int) (interview.Rubric, error)
}

// Assessments stores AI assessments: each is a durable job while pending
// or running (claimed like webhook deliveries), then a record kept for
// history. At most one assessment per interview is pending or running.
// When one becomes done, one interview.assessed delivery is written per
// active endpoint of the tenant subscribed to it, in the same transaction
// (a trigger, as for status changes).
type Assessments interface {
	// EnqueueAssessment stores a as a new pending assessment of its
	// interview, due at a.NextAttempt, filling ID and CreatedAt.
	// ErrConflict if the interview already has one pending or running;
	// ErrNotFound if the interview is not in a.TenantID.
	EnqueueAssessment(ctx context.Context, a *interview.Assessment) error
	// EnqueueMissingAssessments enqueues, for every tenant, one pending
	// assessment (Model model, due at now) for each completed interview
	// that ended at or after since and has no assessment at all, and
	// returns how many it enqueued. It is the worker's (privileged path).
	EnqueueMissingAssessments(ctx context.Context, since, now time.Time, model string) (int, error)
	// ClaimAssessments returns up to limit (0: a default) assessments of
	// every tenant that are pending and due at now, or running with a
	// lease that ended at or before now (their worker died), oldest due
	// first. Each becomes running with LeaseUntil now+lease and Attempts
	// one more. Privileged path; through As it is ErrForbidden.
	ClaimAssessments(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]interview.Assessment, error)
	// FinishAssessment stores the outcome of a claimed assessment a: its
	// Status (done with Result, failed with Error, or pending again at
	// NextAttempt with Error as the last reason), Model, PromptVersion,
	// RubricVersion, TranscriptHash and CompletedAt. It applies only while
	// the stored row is running with a.Attempts (the claim's count):
	// ErrConflict otherwise, and nothing changes.
	FinishAssessment(ctx context.Context, a *interview.Assessment) error
	GetAssessment(ctx context.Context, tenantID, id string) (interview.Assessment, error)
	// ListAssessments returns an interview's assessments, newest first.
	ListAssessments(ctx context.Context, tenantID, interviewID string) ([]interview.Assessment, error)
	// ListPositionAssessments returns, for each interview of a position
	// that has one, its newest done assessment.
	ListPositionAssessments(ctx context.Context, tenantID, positionID string) ([]interview.Assessment, error)
}

// Scorecards stores people's scorecards. Blind scoring is the service's
// rule (hiring), backed on PostgreSQL by row-level security: a member sees
// another reviewer's scorecard of an interview only once they have their
// own (viewers see all).
type Scorecards interface {
	// SaveScorecard creates or replaces c.ReviewerID's scorecard of
	// c.InterviewID, filling ID and SubmittedAt on creation and UpdatedAt
	// always (SubmittedAt is kept on replacement). ErrNotFound if the
	// interview is not in c.TenantID; ErrInvalid if c fails Validate.
	SaveScorecard(ctx context.Context, c *interview.Scorecard) error
	// ListScorecards returns an interview's scorecards, oldest first.
	ListScorecards(ctx context.Context, tenantID, interviewID string) ([]interview.Scorecard, error)
	// ListPositionScorecards returns the scorecards of every interview of
	// a position, oldest first.
	ListPositionScorecards(ctx context.Context, tenantID, positionID string) ([]interview.Scorecard, error)
}

// Decisions stores interviews' hiring statuses and their history.
type Decisions interface {
	// SetHiringStatus sets an interview's HiringStatus to d.Status and
	// appends d to its history in one transaction, filling d.ID (d.At is
	// the caller's). Setting the status it has appends nothing and is not
	// an error. ErrNotFound if the interview is not in d.TenantID;
	// ErrInvalid for an unknown status.
	SetHiringStatus(ctx context.Context, d *interview.HiringDecision) (interview.Session, error)
	// ListHiringDecisions returns an interview's decisions, oldest first.
	ListHiringDecisions(ctx context.Context, tenantID, interviewID string) ([]interview.HiringDecision, error)
}

// Instances stores the heartbeats of the processes sharing the database.
type Instances interface {
	// Heartbeat creates or refreshes inst's row (HeartbeatAt, Draining;
	// StartedAt and Host are kept from the first call).
	Heartbeat(ctx context.Context, inst interview.Instance) error
	// RemoveInstance deletes an instance's row (a clean exit); removing
	// one that is not there is not an error.
	RemoveInstance(ctx context.Context, id string) error
	// ListInstances returns every instance, oldest start first.
	ListInstances(ctx context.Context) ([]interview.Instance, error)
	// HoldInstance declares instance id alive until release is called or
	// the process dies. PostgreSQL: a session advisory lock (a fixed
	// namespace and hashtext(id)) on a connection of its own, re-taken
	// when that connection drops; a lease whose owner holds no such lock
	// counts as expired (Leases). SQLite: one process, so nothing is held
	// and leases expire by time alone. ErrInvalid for an empty id.
	HoldInstance(ctx context.Context, id string) (release func(), err error)
}

// Leases stores which instance owns each live call (interview.CallLease).
// Every method is the server's (privileged path); through As on
// PostgreSQL they are ErrForbidden. On PostgreSQL a lease also counts as
// expired, whatever its expiry, when its owner does not hold its instance
// (HoldInstance): a killed process's calls are free at once, and the
// expiry still bounds a machine lost without its connections closing.
type Leases interface {
	// AcquireLease makes l.Owner the holder of l's interview's lease,
	// expiring at now+ttl, with l.CallID (kept when empty), when the
	// interview has no lease, when its lease expired at or before now, or
	// when l.Owner holds it already (a renewal). Otherwise it returns
	// ErrConflict and the lease as it stands, unchanged. It is atomic: of
	// two instances acquiring at once, one wins. ErrNotFound if the
	// interview is not in l.TenantID.
	AcquireLease(ctx context.Context, l interview.CallLease, now time.Time, ttl time.Duration) (interview.CallLease, error)
	// ReleaseLease ends owner's lease of the interview at once (so that
	// another instance may take the call without waiting); a lease that
	// owner does not hold is left alone, and that is not an error.
	ReleaseLease(ctx context.Context, tenantID, interviewID, owner string) error
	// HandOverLease makes to the holder of from's lease of the interview,
	// expiring at now+ttl, with its call ID kept: a handover that no
	// orphan scan can take in between (a released lease is anyone's). A
	// lease from does not hold is left alone, and that is not an error.
	HandOverLease(ctx context.Context, tenantID, interviewID, from, to string, now time.Time, ttl time.Duration) error
	// GetLease returns the interview's lease; ErrNotFound when it has none.
	GetLease(ctx context.Context, tenantID, interviewID string) (interview.CallLease, error)
	// ListOrphans returns the interviews in progress of tenantID (every
	// tenant when empty) whose lease expired at or before now, or that
	// have none: the calls no live instance owns, for recovery. Each comes
	// with its lease as it stands (Owner empty when none).
	ListOrphans(ctx context.Context, tenantID string, now time.Time) ([]interview.CallLease, error)
}

// Locks are named, instance-wide mutual exclusions: the janitor runs on
// one instance at a time.
type Locks interface {
	// TryLock takes the named lock if no other process holds it and
	// returns its unlock; ok is false (and unlock nil) when another holds
	// it. PostgreSQL: a session advisory lock on a connection of its own,
	// released by unlock or when the process dies. SQLite: the process is
	// alone (see the DATA_DIR lock), so an in-process lock.
	TryLock(ctx context.Context, name string) (unlock func(), ok bool, err error)
}

// Throttles count failures (sign-ins) shared by every instance.
type Throttles interface {
	// AddThrottle records one failure of key at at and returns how many
	// failures key has had after at-window: those in (at-window, at] and
	// any a parallel add recorded with a later time. Parallel adds of one
	// key are counted one after the other: each sees the ones before it,
	// whatever times their callers read.
	AddThrottle(ctx context.Context, key string, at time.Time, window time.Duration) (int, error)
	// CountThrottle returns how many failures key has had in (at-window, at].
	CountThrottle(ctx context.Context, key string, at time.Time, window time.Duration) (int, error)
	// ResetThrottle forgets key's failures (a success).
	ResetThrottle(ctx context.Context, key string) error
	// ReleaseThrottle forgets key's latest failure only: an attempt counted
	// in advance (a reservation) that turned out not to be a failure.
	// Releasing a key with none is not an error.
	ReleaseThrottle(ctx context.Context, key string) error
	// PruneThrottles deletes failures at or before before, returning how
	// many (the janitor).
	PruneThrottles(ctx context.Context, before time.Time) (int, error)
}

// RTCTokens records the signalling tokens already used (docs/signaling.md),
// shared by every instance so that each token admits one connection.
// Every method is the server's (privileged path); through As on
// PostgreSQL they are ErrForbidden.
type RTCTokens interface {
	// SpendRTCToken records the token id as spent until expires. It is
	// atomic: the first call for an id returns nil, every later one (from
	// any instance) ErrConflict, until the record is pruned.
	SpendRTCToken(ctx context.Context, id string, expires time.Time) error
	// PruneRTCTokens deletes the records that expired at or before before,
	// returning how many (the janitor).
	PruneRTCTokens(ctx context.Context, before time.Time) (int, error)
}

// Notifier carries small messages between the instances sharing the
// database: PostgreSQL's LISTEN/NOTIFY, or in process on SQLite (which
// is single-process).
type Notifier interface {
	// Notify sends payload (at most 7,000 bytes) on channel to every
	// listener of every instance, this one included. On PostgreSQL it is
	// sent when the statement commits; listeners that are not listening
	// at that moment miss it (re-read the store after (re)listening).
	Notify(ctx context.Context, channel, payload string) error
	// Listen delivers channel's payloads until ctx ends, then closes the
	// channel it returned. A listener that falls behind by more than a
	// buffer loses payloads, never blocks others; after a lost database
	// connection it listens again and delivers "" once, meaning "you may
	// have missed some: re-read".
	Listen(ctx context.Context, channel string) (<-chan string, error)
}
