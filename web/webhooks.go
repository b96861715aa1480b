package web

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/interviewd/interviewd/internal/hiring"
	"github.com/interviewd/interviewd/internal/webhooks"
	"github.com/interviewd/interviewd/templates"
)

// webhookRoutes are the owner's webhook pages, under /app.
func (s *server) webhookRoutes(r chi.Router) {
	r.Get("/webhooks", s.webhooksPage)
	r.Post("/webhooks", s.createWebhook)
	r.Get("/webhooks/{id}", s.webhookPage)
	r.Post("/webhooks/{id}/disable", s.disableWebhook)
}

// webhookEndpoints is the service behind the webhook pages and API.
func (s *server) webhookEndpoints() *webhooks.Endpoints {
	return webhooks.NewEndpoints(s.store)
}

// userActor is the signed-in member a page acts for.
func userActor(r *http.Request) hiring.Actor {
	p, _ := principalFrom(r.Context())
	return hiring.UserActor(p)
}

func (s *server) webhooksPage(w http.ResponseWriter, r *http.Request) {
	list, err := s.webhookEndpoints().List(r.Context(), userActor(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, templates.Webhooks(templates.WebhooksView{Endpoints: list}))
}

// createWebhook adds an endpoint and shows its secret once; a mistake
// shows the form again as typed.
func (s *server) createWebhook(w http.ResponseWriter, r *http.Request) {
	form := templates.WebhookForm{
		URL: r.PostFormValue("url"), Description: r.PostFormValue("description"), Events: r.PostForm["events"],
	}
	a, svc := userActor(r), s.webhookEndpoints()
	ep, err := svc.Create(r.Context(), a, webhooks.EndpointInput(form))
	list, lerr := svc.List(r.Context(), a)
	if lerr != nil {
		s.fail(w, r, lerr)
		return
	}
	v := templates.WebhooksView{Endpoints: list, Form: form}
	if err != nil {
		s.formFailure(w, r, err, func(fe *templates.FormError) templates.Component {
			v.Err = fe
			return templates.Webhooks(v)
		})
		return
	}
	s.log.Info("webhook endpoint created", "tenant_id", ep.TenantID, "endpoint_id", ep.ID)
	v.Form, v.Created = templates.WebhookForm{}, &ep
	s.render(w, r, http.StatusCreated, templates.Webhooks(v))
}

func (s *server) webhookPage(w http.ResponseWriter, r *http.Request) {
	ep, list, err := s.webhookEndpoints().Deliveries(r.Context(), userActor(r), chi.URLParam(r, "id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, templates.Webhook(templates.WebhookView{Endpoint: ep, Deliveries: list}))
}

func (s *server) disableWebhook(w http.ResponseWriter, r *http.Request) {
	id := chi.URLParam(r, "id")
	s.thenRedirect(w, r, s.webhookEndpoints().Disable(r.Context(), userActor(r), id), "/app/webhooks/"+id)
}
