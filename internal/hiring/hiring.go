// Package hiring is the recruiter's side of interviewd: positions, and
// interviews with their candidates and join links. The web pages and the
// integration API both go through it, so both obey the same rules: roles,
// validation, tenant scoping and the audit trail.
package hiring

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/interviewd/interviewd/internal/auth"
	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

// DefaultLinkTTL is how long a new join link works.
const DefaultLinkTTL = 14 * 24 * time.Hour

// Service runs the recruiter's side of interviewd.
type Service struct {
	store     store.Store // the privileged path; actors narrow it
	links     *auth.JoinLinks
	publicURL string
	linkTTL   time.Duration
	now       func() time.Time
	ended     func(interview.Status)
	ai        AssessmentConfig
	suggester Suggester
	nudge     func(interviewID string)
}

// Config configures New.
type Config struct {
	Store     store.Store
	Links     *auth.JoinLinks
	PublicURL string        // join links are PublicURL/join/TOKEN
	LinkTTL   time.Duration // zero means DefaultLinkTTL
	Now       func() time.Time
	// Ended, when set, is told each time EndInterview itself moves an
	// interview to a terminal status (for monitoring). An interview whose
	// live call the calls manager ended is counted there instead.
	Ended func(status interview.Status)
	// Assessment says whether AI assessment is on (ASSESSMENT_MODEL).
	Assessment AssessmentConfig
	// Suggester proposes questions and a rubric; nil without a model.
	Suggester Suggester
	// Nudge, when set, wakes the assessment worker for an interview (a
	// re-run); the worker also polls, so a lost nudge only delays it.
	Nudge func(interviewID string)
}

// New returns a Service.
func New(c Config) *Service {
	if c.LinkTTL == 0 {
		c.LinkTTL = DefaultLinkTTL
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Ended == nil {
		c.Ended = func(interview.Status) {}
	}
	if c.Nudge == nil {
		c.Nudge = func(string) {}
	}
	return &Service{store: c.Store, links: c.Links, publicURL: strings.TrimRight(c.PublicURL, "/"), linkTTL: c.LinkTTL, now: c.Now, ended: c.Ended,
		ai: c.Assessment, suggester: c.Suggester, nudge: c.Nudge}
}

// Actor is who acts: a signed-in member (whose queries run under the
// database's row-level security as that user) or an API key (whose queries
// run on the privileged path, scoped to the key's tenant).
type Actor struct {
	TenantID string
	Role     interview.Role
	Kind     string // "user" or "api_key"
	ID       string // user ID or API key ID
	Email    string // users only
	Name     string // API keys only: the key's name
}

// displayName names the actor to people: a user's email, a key's name.
func (a Actor) displayName() string {
	if a.Kind == "api_key" {
		return "API key " + a.Name
	}
	return a.Email
}

// UserActor is a signed-in member acting in their organisation.
func UserActor(p auth.Principal) Actor {
	return Actor{TenantID: p.Membership.TenantID, Role: p.Role(), Kind: "user", ID: p.User.ID, Email: p.User.Email}
}

// KeyActor is an integration acting with an API key. Keys may read and
// write, like a recruiter.
func KeyActor(k interview.APIKey) Actor {
	return Actor{TenantID: k.TenantID, Role: interview.RoleRecruiter, Kind: "api_key", ID: k.ID, Name: k.Name}
}

// db returns the store path the actor's queries take.
func (s *Service) db(a Actor) store.Store {
	if a.Kind == "user" {
		return s.store.As(store.Actor{UserID: a.ID, Email: a.Email})
	}
	return s.store
}

func canEdit(a Actor) error {
	if !a.Role.CanEdit() {
		return interview.Errorf(interview.CodeForbidden, "your role (%s) can read but not change this organisation", a.Role)
	}
	return nil
}

// audit records an event on the privileged path: the trail must be written
// whoever acts, and must not depend on what the actor may insert.
func (s *Service) audit(ctx context.Context, a Actor, action, targetType, targetID string, data map[string]string) {
	e := interview.AuditEvent{
		TenantID: a.TenantID, ActorType: a.Kind, ActorID: a.ID,
		Action: action, TargetType: targetType, TargetID: targetID, Data: data, CreatedAt: s.now(),
	}
	_ = s.store.AppendAudit(ctx, &e) // best effort: never fail the action for its trail
}

// JoinURL is the candidate's link to an interview.
func (s *Service) JoinURL(v interview.Session) string {
	return s.publicURL + "/join/" + s.links.Token(v.ID, v.JoinVersion)
}

func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", op, err)
}
