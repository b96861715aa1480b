package hiring

import (
	"cmp"
	"context"
	"errors"
	"maps"
	"slices"
	"strings"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

// AuditPageSize is how many events one page of the audit log shows.
const AuditPageSize = 50

// AuditAction is an action of the audit trail and how people read it.
type AuditAction struct {
	Action string
	Label  string
}

// AuditActions are the actions the audit log names and filters by, in the
// order the filter lists them. An event of an action missing here still
// shows, under its code. Read-only.
var AuditActions = []AuditAction{
	{"position.created", "Position created"},
	{"position.updated", "Position changed"},
	{"position.archived", "Position archived"},
	{"rubric.saved", "Rubric saved"},
	{"interview.created", "Interview created"},
	{"interview.link_revoked", "Join link revoked"},
	{"interview.link_reissued", "Join link re-issued"},
	{"interview.consented", "Candidate consented"},
	{"interview.ready", "Interview ready"},
	{"interview.ended", "Interview ended"},
	{"interview.hiring_status", "Hiring status set"},
	{"scorecard.submitted", "Scorecard submitted"},
	{"scorecard.declined", "Scoring declined"},
	{"assessment.requested", "AI assessment requested"},
	{"transcript.exported", "Transcript downloaded"},
	{"transcript.deleted", "Transcript deleted"},
	{"recording.played", "Recording played"},
	{"recording.downloaded", "Recording downloaded"},
	{"recording.deleted", "Recording deleted"},
	{"candidate.erased", "Candidate's data erased"},
	{"webhook.created", "Webhook endpoint added"},
	{"webhook.disabled", "Webhook endpoint disabled"},
	{"settings.retention_changed", "Retention changed"},
	{"audit.exported", "Audit log exported"},
}

// ActionLabel is how people read an action: its label, or its code when
// the log does not know it.
func ActionLabel(action string) string {
	for _, a := range AuditActions {
		if a.Action == action {
			return a.Label
		}
	}
	return action
}

// KnownAction reports whether the audit log names action.
func KnownAction(action string) bool { return ActionLabel(action) != action }

// AuditEntry is an event of the audit log as people read it.
type AuditEntry struct {
	interview.AuditEvent
	Actor  string // a user's email, "API key NAME", "Candidate" or "System"
	What   string // ActionLabel
	Target string // what the event was about, named; "" when it names nothing
	// TargetExists says the target is still there to link to.
	TargetExists bool
}

// AuditLogPage is one page of the audit log: newest first, and whether
// older events follow (the last entry is the cursor to them).
type AuditLogPage struct {
	Entries []AuditEntry
	More    bool
}

// AuditLog returns a page of the actor's organisation's audit log,
// narrowed by f (f.Limit is ignored: a page is AuditPageSize events).
// Owners only.
func (s *Service) AuditLog(ctx context.Context, a Actor, f interview.AuditFilter) (AuditLogPage, error) {
	if err := canManage(a); err != nil {
		return AuditLogPage{}, err
	}
	f.Limit = AuditPageSize + 1
	events, err := s.db(a).ListAuditPage(ctx, a.TenantID, f)
	if err != nil {
		return AuditLogPage{}, wrap("audit log", err)
	}
	page := AuditLogPage{More: len(events) > AuditPageSize}
	events = events[:min(len(events), AuditPageSize)]
	n := s.auditNames(a)
	for _, e := range events {
		entry := n.entry(ctx, e)
		entry.Target, entry.TargetExists = n.target(ctx, e)
		page.Entries = append(page.Entries, entry)
	}
	return page, n.err
}

// auditNamer names the actors and targets of one tenant's events, asking
// the store once for each.
type auditNamer struct {
	s       *Service
	a       Actor
	db      store.Store
	users   map[string]string // user ID → email
	keys    map[string]string // API key ID → name
	targets map[string]string // type/ID → name, "" when gone
	err     error             // the first failure other than not found
}

func (s *Service) auditNames(a Actor) *auditNamer {
	return &auditNamer{s: s, a: a, db: s.db(a), targets: map[string]string{}}
}

// entry names e's actor and action.
func (n *auditNamer) entry(ctx context.Context, e interview.AuditEvent) AuditEntry {
	return AuditEntry{AuditEvent: e, Actor: n.actor(ctx, e), What: ActionLabel(e.Action)}
}

func (n *auditNamer) actor(ctx context.Context, e interview.AuditEvent) string {
	switch e.ActorType {
	case "user":
		return n.user(ctx, e.ActorID)
	case "api_key":
		return "API key " + n.key(ctx, e.ActorID)
	case KindCandidate:
		return "Candidate"
	}
	return "System"
}

// user is a user's email: a member's, or a former member's (on the
// privileged path, which still knows them; the caller is an owner).
func (n *auditNamer) user(ctx context.Context, id string) string {
	if n.users == nil {
		n.users = map[string]string{}
		members, err := n.db.ListMembers(ctx, n.a.TenantID)
		n.fail(err)
		for _, m := range members {
			n.users[m.UserID] = m.Email
		}
	}
	if email, ok := n.users[id]; ok {
		return email
	}
	u, err := n.s.store.GetUser(ctx, id)
	n.fail(err)
	n.users[id] = cmp.Or(u.Email, "a deleted user")
	return n.users[id]
}

func (n *auditNamer) key(ctx context.Context, id string) string {
	if n.keys == nil {
		n.keys = map[string]string{}
		keys, err := n.db.ListAPIKeys(ctx, n.a.TenantID)
		n.fail(err)
		for _, k := range keys {
			n.keys[k.ID] = k.Name
		}
	}
	return cmp.Or(n.keys[id], "(deleted)")
}

// target names e's target and says whether it still exists.
func (n *auditNamer) target(ctx context.Context, e interview.AuditEvent) (string, bool) {
	if e.TargetID == "" {
		return "", false
	}
	k := e.TargetType + "/" + e.TargetID
	name, ok := n.targets[k]
	if !ok {
		name = n.lookup(ctx, e.TargetType, e.TargetID)
		n.targets[k] = name
	}
	if name == "" {
		return targetKind(e.TargetType) + " (deleted)", false
	}
	return name, true
}

// lookup names a target that exists, or returns "".
func (n *auditNamer) lookup(ctx context.Context, kind, id string) string {
	switch kind {
	case "interview":
		v, err := n.db.GetSession(ctx, n.a.TenantID, id)
		if n.fail(err) {
			return ""
		}
		c, err := n.db.GetCandidate(ctx, n.a.TenantID, v.CandidateID)
		if n.fail(err) {
			return "Interview"
		}
		return "Interview with " + c.Name
	case "position":
		p, err := n.db.GetPosition(ctx, n.a.TenantID, id)
		if n.fail(err) {
			return ""
		}
		return "Position " + p.Title
	case "webhook_endpoint":
		list, err := n.db.ListWebhookEndpoints(ctx, n.a.TenantID)
		n.fail(err)
		for _, ep := range list {
			if ep.ID == id {
				return "Webhook " + ep.URL
			}
		}
	case "tenant":
		if id == n.a.TenantID {
			return "Organisation settings"
		}
	}
	return ""
}

// fail keeps the first error that is not "not found" and reports whether
// err is one.
func (n *auditNamer) fail(err error) bool {
	if err != nil && !errors.Is(err, interview.ErrNotFound) && n.err == nil {
		n.err = wrap("audit log names", err)
	}
	return err != nil
}

// targetKind names a kind of target.
func targetKind(kind string) string {
	switch kind {
	case "webhook_endpoint":
		return "Webhook"
	case "tenant":
		return "Organisation"
	case "":
		return "Record"
	}
	return strings.ToUpper(kind[:1]) + kind[1:]
}

// Details are an event's data as "key: value" pairs in key order.
func (e AuditEntry) Details() []string {
	out := make([]string, 0, len(e.Data))
	for _, k := range slices.Sorted(maps.Keys(e.Data)) {
		out = append(out, k+": "+e.Data[k])
	}
	return out
}
