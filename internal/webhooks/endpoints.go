package webhooks

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/interviewd/interviewd/internal/hiring"
	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

// DeliveryListLimit is how many of an endpoint's deliveries are shown.
const DeliveryListLimit = 50

// Endpoints is where owners and API keys manage a tenant's webhook
// endpoints, for the pages and the API alike: the role check, validation
// and tenant scoping live here.
type Endpoints struct {
	store store.Store // the privileged path; members' queries go through As
	now   func() time.Time
}

// NewEndpoints returns the endpoint manager over st.
func NewEndpoints(st store.Store) *Endpoints {
	return &Endpoints{store: st, now: time.Now}
}

// EndpointInput is what an owner types to add an endpoint.
type EndpointInput struct {
	URL         string
	Description string
	Events      []string // empty means every event
}

// canManage lets owners and API keys (which act for the whole
// organisation) manage webhooks; recruiters and viewers are refused.
func canManage(a hiring.Actor) error {
	if a.Kind == "api_key" || a.Role.CanManage() {
		return nil
	}
	return interview.Errorf(interview.CodeForbidden, "only owners can manage webhooks")
}

// db is the store path of the actor's queries: a member's run as that
// member (row-level security on PostgreSQL), a key's on the privileged
// path scoped to its tenant.
func (e *Endpoints) db(a hiring.Actor) store.Webhooks {
	if a.Kind == "user" {
		return e.store.As(store.Actor{UserID: a.ID, Email: a.Email})
	}
	return e.store
}

// List returns the tenant's endpoints, newest first, without secrets.
func (e *Endpoints) List(ctx context.Context, a hiring.Actor) ([]interview.WebhookEndpoint, error) {
	if err := canManage(a); err != nil {
		return nil, err
	}
	list, err := e.db(a).ListWebhookEndpoints(ctx, a.TenantID)
	if err != nil {
		return nil, fmt.Errorf("list webhook endpoints: %w", err)
	}
	for i := range list {
		list[i].Secret = ""
	}
	return list, nil
}

// Get returns one endpoint of the tenant, without its secret.
func (e *Endpoints) Get(ctx context.Context, a hiring.Actor, id string) (interview.WebhookEndpoint, error) {
	list, err := e.List(ctx, a)
	if err != nil {
		return interview.WebhookEndpoint{}, err
	}
	for _, ep := range list {
		if ep.ID == id {
			return ep, nil
		}
	}
	return interview.WebhookEndpoint{}, interview.Errorf(interview.CodeNotFound, "no such webhook endpoint")
}

// Create adds an endpoint with a new secret and returns it: its Secret is
// shown this once.
func (e *Endpoints) Create(ctx context.Context, a hiring.Actor, in EndpointInput) (interview.WebhookEndpoint, error) {
	if err := canManage(a); err != nil {
		return interview.WebhookEndpoint{}, err
	}
	ep, err := newEndpoint(a, in)
	if err != nil {
		return ep, err
	}
	ep.CreatedAt = e.now()
	if err := e.db(a).CreateWebhookEndpoint(ctx, &ep); err != nil {
		return interview.WebhookEndpoint{}, fmt.Errorf("create webhook endpoint: %w", err)
	}
	e.audit(ctx, a, "webhook.created", ep.ID)
	return ep, nil
}

// newEndpoint validates in and makes the endpoint to store.
func newEndpoint(a hiring.Actor, in EndpointInput) (interview.WebhookEndpoint, error) {
	ep := interview.WebhookEndpoint{
		TenantID: a.TenantID, URL: strings.TrimSpace(in.URL),
		Description: strings.TrimSpace(in.Description), Secret: NewSecret(),
	}
	if a.Kind == "user" {
		ep.CreatedBy = a.ID
	}
	var urlErr, descErr, eventsErr error
	if err := CheckURL(ep.URL); err != nil {
		urlErr = interview.FieldErrorf("url", "%s", err.Error())
	}
	if len(ep.Description) > 200 {
		descErr = interview.FieldErrorf("description", "the description must have at most 200 characters")
	}
	ep.Events, eventsErr = checkEvents(in.Events)
	return ep, interview.JoinFields(urlErr, descErr, eventsErr)
}

// checkEvents returns the subscribed events without blanks and
// duplicates, in the UI's order; every one must be a known event.
func checkEvents(events []string) ([]string, error) {
	var out []string
	for _, ev := range events {
		ev = strings.TrimSpace(ev)
		if ev == "" {
			continue
		}
		if !slices.Contains(interview.WebhookEvents, ev) {
			return nil, interview.FieldErrorf("events", "unknown event %q (want %s)", ev, strings.Join(interview.WebhookEvents, ", "))
		}
		if !slices.Contains(out, ev) {
			out = append(out, ev)
		}
	}
	slices.SortFunc(out, func(x, y string) int {
		return slices.Index(interview.WebhookEvents, x) - slices.Index(interview.WebhookEvents, y)
	})
	return out, nil
}

// Disable stops an endpoint: no new deliveries, and its pending ones fail.
func (e *Endpoints) Disable(ctx context.Context, a hiring.Actor, id string) error {
	if _, err := e.Get(ctx, a, id); err != nil {
		return err
	}
	if err := e.db(a).DisableWebhookEndpoint(ctx, a.TenantID, id, e.now()); err != nil {
		return fmt.Errorf("disable webhook endpoint %s: %w", id, err)
	}
	e.audit(ctx, a, "webhook.disabled", id)
	return nil
}

// Deliveries returns an endpoint and its latest deliveries, newest first.
func (e *Endpoints) Deliveries(ctx context.Context, a hiring.Actor, id string) (interview.WebhookEndpoint, []interview.WebhookDelivery, error) {
	ep, err := e.Get(ctx, a, id)
	if err != nil {
		return ep, nil, err
	}
	list, err := e.db(a).ListWebhookDeliveries(ctx, a.TenantID, id, DeliveryListLimit)
	if err != nil {
		return ep, nil, fmt.Errorf("list webhook deliveries: %w", err)
	}
	for i := range list {
		list[i].Secret = ""
	}
	return ep, list, nil
}

// audit records a change on the privileged path, best effort, as hiring
// does: the trail must not fail the change.
func (e *Endpoints) audit(ctx context.Context, a hiring.Actor, action, id string) {
	ev := interview.AuditEvent{
		TenantID: a.TenantID, ActorType: a.Kind, ActorID: a.ID,
		Action: action, TargetType: "webhook_endpoint", TargetID: id, CreatedAt: e.now(),
	}
	_ = e.store.AppendAudit(ctx, &ev)
}
