package web

import (
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/webhooks"
)

// apiWebhookRoutes registers the integration API's webhook endpoints,
// inside apiRoutes' API-key group.
func (s *server) apiWebhookRoutes(r chi.Router) {
	r.With(s.idempotent).Post("/webhooks", s.apiCreateWebhook)
	r.Get("/webhooks", s.apiListWebhooks)
	r.Delete("/webhooks/{id}", s.apiDisableWebhook)
	r.Get("/webhooks/{id}/deliveries", s.apiWebhookDeliveries)
}

// webhookRequest is the body of POST /api/v1/webhooks.
type webhookRequest struct {
	URL         string   `json:"url"`
	Description string   `json:"description"`
	Events      []string `json:"events"`
}

// apiWebhook is an endpoint as the API shows it: never with its secret.
type apiWebhook struct {
	ID          string     `json:"id"`
	URL         string     `json:"url"`
	Description string     `json:"description"`
	Events      []string   `json:"events"`
	CreatedAt   time.Time  `json:"createdAt"`
	DisabledAt  *time.Time `json:"disabledAt"`
}

// apiNewWebhook is a new endpoint with its signing secret, shown once.
type apiNewWebhook struct {
	apiWebhook
	Secret string `json:"secret"`
}

// apiDelivery is one event for one endpoint.
type apiDelivery struct {
	ID            string     `json:"id"`
	Event         string     `json:"event"`
	InterviewID   string     `json:"interviewId"`
	Status        string     `json:"status"`
	Attempts      int        `json:"attempts"`
	NextAttemptAt *time.Time `json:"nextAttemptAt"`
	LastCode      int        `json:"lastCode"`
	LastError     string     `json:"lastError"`
	CreatedAt     time.Time  `json:"createdAt"`
	DeliveredAt   *time.Time `json:"deliveredAt"`
}

func toAPIWebhook(e interview.WebhookEndpoint) apiWebhook {
	events := e.Events
	if events == nil {
		events = []string{}
	}
	return apiWebhook{
		ID: e.ID, URL: e.URL, Description: e.Description, Events: events,
		CreatedAt: e.CreatedAt.UTC(), DisabledAt: utcPtr(e.DisabledAt),
	}
}

func toAPIDelivery(d interview.WebhookDelivery) apiDelivery {
	out := apiDelivery{
		ID: d.ID, Event: d.Event, InterviewID: d.InterviewID, Status: d.Status, Attempts: d.Attempts,
		LastCode: d.LastCode, LastError: d.LastError, CreatedAt: d.CreatedAt.UTC(), DeliveredAt: utcPtr(d.DeliveredAt),
	}
	if d.Status == interview.DeliveryPending {
		out.NextAttemptAt = utcPtr(&d.NextAttempt)
	}
	return out
}

// apiCreateWebhook adds an endpoint: 201 with its secret, the only time
// the secret is shown.
func (s *server) apiCreateWebhook(w http.ResponseWriter, r *http.Request) {
	var in webhookRequest
	if err := readJSON(w, r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	ep, err := s.webhookEndpoints().Create(r.Context(), apiActor(r), webhooks.EndpointInput(in))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeAPI(w, http.StatusCreated, apiNewWebhook{apiWebhook: toAPIWebhook(ep), Secret: ep.Secret})
}

// apiListWebhooks lists the organisation's endpoints, newest first.
func (s *server) apiListWebhooks(w http.ResponseWriter, r *http.Request) {
	list, err := s.webhookEndpoints().List(r.Context(), apiActor(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]apiWebhook, 0, len(list))
	for _, e := range list {
		out = append(out, toAPIWebhook(e))
	}
	writeAPI(w, http.StatusOK, map[string]any{"webhooks": out})
}

// apiDisableWebhook disables an endpoint (it stays listed, with its
// deliveries) and returns it; disabling twice keeps the first time.
func (s *server) apiDisableWebhook(w http.ResponseWriter, r *http.Request) {
	svc, a, id := s.webhookEndpoints(), apiActor(r), chi.URLParam(r, "id")
	if err := svc.Disable(r.Context(), a, id); err != nil {
		s.fail(w, r, err)
		return
	}
	ep, err := svc.Get(r.Context(), a, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeAPI(w, http.StatusOK, toAPIWebhook(ep))
}

// apiWebhookDeliveries lists an endpoint's latest deliveries, newest first.
func (s *server) apiWebhookDeliveries(w http.ResponseWriter, r *http.Request) {
	_, list, err := s.webhookEndpoints().Deliveries(r.Context(), apiActor(r), chi.URLParam(r, "id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]apiDelivery, 0, len(list))
	for _, d := range list {
		out = append(out, toAPIDelivery(d))
	}
	writeAPI(w, http.StatusOK, map[string]any{"webhookId": chi.URLParam(r, "id"), "deliveries": out})
}
