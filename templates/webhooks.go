package templates

import (
	"slices"
	"strconv"
	"strings"

	"github.com/interviewd/interviewd/internal/interview"
)

// WebhooksView is the owner's webhooks page: the endpoints, the form that
// adds one (kept as typed when it fails), and a new endpoint's secret,
// shown once.
type WebhooksView struct {
	Endpoints []interview.WebhookEndpoint
	Form      WebhookForm
	Created   *interview.WebhookEndpoint // the endpoint just added, with its Secret
	Err       *FormError
}

// WebhookForm is what the owner typed into the add form.
type WebhookForm struct {
	URL         string
	Description string
	Events      []string
}

// WebhookView is one endpoint's page: its settings and latest deliveries.
type WebhookView struct {
	Endpoint   interview.WebhookEndpoint
	Deliveries []interview.WebhookDelivery
}

// eventsLabel says which events an endpoint receives.
func eventsLabel(events []string) string {
	if len(events) == 0 {
		return "all events"
	}
	return strings.Join(events, ", ")
}

func (f WebhookForm) checked(event string) bool { return slices.Contains(f.Events, event) }

// eventHelp says when an event is sent.
func eventHelp(event string) string {
	switch event {
	case interview.EventInterviewStarted:
		return "the candidate's call is up"
	case interview.EventInterviewCompleted:
		return "the interview ended and its transcript is complete"
	case interview.EventInterviewAbandoned:
		return "the candidate left and did not come back within the reconnect window, or the interview was ended before it started"
	case interview.EventInterviewFailed:
		return "the call could not be made"
	}
	return ""
}

// deliveryClass styles a delivery's status badge like an interview's.
func deliveryClass(status string) string {
	switch status {
	case interview.DeliveryDelivered:
		return "badge status-completed"
	case interview.DeliveryFailed:
		return "badge status-failed"
	}
	return "badge status-pending"
}

// lastResult says how a delivery's last attempt went.
func lastResult(d interview.WebhookDelivery) string {
	switch {
	case d.Attempts == 0:
		return "not sent yet"
	case d.LastError != "":
		return d.LastError
	case d.LastCode != 0:
		return "answered " + strconv.Itoa(d.LastCode)
	}
	return "—"
}

func webhookHref(id string) string { return "/app/webhooks/" + id }

// shortID is the start of an ID, enough to tell rows apart.
func shortID(id string) string {
	if len(id) > 8 {
		return id[:8]
	}
	return id
}
