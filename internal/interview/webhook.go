package interview

import (
	"slices"
	"time"
)

// Webhook events: an interview changing status. The names are what an
// endpoint subscribes to and what each delivery's "type" says.
const (
	EventInterviewStarted   = "interview.started"   // in_progress: the call is up
	EventInterviewCompleted = "interview.completed" // the transcript is complete
	EventInterviewAbandoned = "interview.abandoned"
	EventInterviewFailed    = "interview.failed"
	// EventInterviewAssessed: an AI assessment of the interview is done
	// (written when the assessment is stored, not by a status change).
	EventInterviewAssessed = "interview.assessed"
)

// WebhookEvents lists every event, in the order the UI shows them.
var WebhookEvents = []string{EventInterviewStarted, EventInterviewCompleted, EventInterviewAbandoned, EventInterviewFailed, EventInterviewAssessed}

// EventOf names the webhook event of entering status s, or "" when
// entering it sends none (pending, ready).
func EventOf(s Status) string {
	switch s {
	case StatusInProgress:
		return EventInterviewStarted
	case StatusCompleted:
		return EventInterviewCompleted
	case StatusAbandoned:
		return EventInterviewAbandoned
	case StatusFailed:
		return EventInterviewFailed
	}
	return ""
}

// WebhookEndpoint is a URL of a tenant's that receives signed events.
type WebhookEndpoint struct {
	ID          string
	TenantID    string
	URL         string   // http or https; absolute
	Description string   // the owner's note, optional
	Events      []string // subscribed events; empty means all
	// Secret signs every delivery (Standard Webhooks: "whsec_" + base64 of
	// 32 random bytes). It is needed to sign, so it is stored as it is;
	// through As on PostgreSQL it cannot be read back.
	Secret     string
	CreatedBy  string // user ID
	CreatedAt  time.Time
	DisabledAt *time.Time
}

// Prepare checks what a store needs of a new endpoint, a URL and a
// secret, and that every event is known; an empty event list (every
// event) becomes nil. Known event names hold no comma, so a store may
// keep the list joined by commas.
func (e *WebhookEndpoint) Prepare() error {
	if e.URL == "" || e.Secret == "" {
		return Errorf(CodeInvalid, "a webhook endpoint needs a URL and a secret")
	}
	for _, ev := range e.Events {
		if !slices.Contains(WebhookEvents, ev) {
			return Errorf(CodeInvalid, "unknown webhook event %q", ev)
		}
	}
	if len(e.Events) == 0 {
		e.Events = nil
	}
	return nil
}

// Wants reports whether the endpoint is active and subscribed to event.
func (e WebhookEndpoint) Wants(event string) bool {
	if e.DisabledAt != nil {
		return false
	}
	return len(e.Events) == 0 || slices.Contains(e.Events, event)
}

// Delivery states.
const (
	DeliveryPending   = "pending"   // waiting for its next attempt
	DeliveryDelivered = "delivered" // the endpoint answered 2xx
	DeliveryFailed    = "failed"    // given up after the last attempt
)

// WebhookDelivery is one event for one endpoint: the outbox row. It is
// written in the same transaction as the status change it reports, so an
// event is never lost; the body is built when it is sent, from the
// interview as it is then (a "thin" event that names the interview).
type WebhookDelivery struct {
	ID          string
	TenantID    string
	EndpointID  string
	Event       string
	InterviewID string
	Status      string // DeliveryPending, DeliveryDelivered, DeliveryFailed
	Attempts    int
	NextAttempt time.Time // when a pending delivery is due
	LastCode    int       // the HTTP status of the last attempt; 0 when none answered
	LastError   string    // why the last attempt failed, for the owner
	CreatedAt   time.Time
	DeliveredAt *time.Time
	// AssessmentID is the assessment an interview.assessed delivery
	// announces; empty for the other events.
	AssessmentID string

	// Filled by ClaimWebhookDeliveries for the sender, from the endpoint.
	URL    string
	Secret string
}

// WebhookAttempt is the outcome of sending a delivery once.
type WebhookAttempt struct {
	At        time.Time
	Code      int    // HTTP status; 0 when no response came
	Error     string // empty on success
	Delivered bool
	// Retry is when to try again; zero means give up (the delivery fails).
	Retry time.Time
}
