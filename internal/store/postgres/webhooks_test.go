package postgres

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/internal/store"
)

// Webhooks through As: owners manage endpoints but never read a secret
// back; other members see nothing; the outbox is written by the triggers,
// which run as the owner of the tables, even when the status change or the
// disabling runs as `authenticated`; the sender's methods are refused.
func TestAsWebhooks(t *testing.T) {
	t.Parallel()
	s := openStore(t)
	w := newWorld(t, s)
	ctx := context.Background()
	a := w.a
	owner, recruiter := s.As(actorOf(a.owner)), s.As(actorOf(a.recruiter))

	e := interview.WebhookEndpoint{TenantID: a.tenant.ID, URL: "https://hooks.invalid/as",
		Events: []string{interview.EventInterviewCompleted}, Secret: "whsec_as", CreatedBy: a.owner.ID}
	if err := owner.CreateWebhookEndpoint(ctx, &e); err != nil {
		t.Fatalf("owner creates an endpoint: %v", err)
	}
	list, err := owner.ListWebhookEndpoints(ctx, a.tenant.ID)
	if err != nil || len(list) != 2 || list[0].ID != e.ID || list[0].URL != e.URL {
		t.Fatalf("owner lists endpoints: %+v, %v", list, err)
	}
	for _, got := range list {
		if got.Secret != "" {
			t.Errorf("owner read the secret of %s back", got.URL)
		}
	}
	_, err = runCell(ctx, s.pool, newMatrixActor(a.owner.ID, a.owner.Email), func(tx pgx.Tx) (bool, error) {
		var secret string
		return false, tx.QueryRow(ctx, `SELECT secret FROM webhook_endpoints WHERE id = $1`, e.ID).Scan(&secret)
	})
	if !refused(err) {
		t.Errorf("raw SELECT of secret as the owner: %v, want a refusal", err)
	}

	checkOthersSeeNoWebhooks(t, s, w, e)

	// An editor ends the interview through As; the trigger writes the
	// deliveries that authenticated may not write.
	if _, err := recruiter.TransitionSession(ctx, a.tenant.ID, a.started.ID, interview.StatusCompleted, "", time.Time{}); err != nil {
		t.Fatal(err)
	}
	if got, err := owner.ListWebhookDeliveries(ctx, a.tenant.ID, e.ID, 0); err != nil || len(got) != 1 ||
		got[0].Event != interview.EventInterviewCompleted || got[0].InterviewID != a.started.ID {
		t.Errorf("owner lists the deliveries of the new endpoint: %+v, %v", got, err)
	}
	if got, err := owner.ListWebhookDeliveries(ctx, a.tenant.ID, a.endpoint.ID, 0); err != nil || len(got) != 2 {
		t.Errorf("owner lists the deliveries of the fixture's endpoint: %+v, %v; want started and completed", got, err)
	}

	if _, err := owner.ClaimWebhookDeliveries(ctx, time.Now(), time.Minute, 10); !errors.Is(err, interview.ErrForbidden) {
		t.Errorf("ClaimWebhookDeliveries through As: %v, want ErrForbidden", err)
	}
	pending, err := s.ListWebhookDeliveries(ctx, a.tenant.ID, e.ID, 0)
	if err != nil || len(pending) != 1 {
		t.Fatalf("privileged list: %+v, %v", pending, err)
	}
	err = owner.RecordWebhookAttempt(ctx, a.tenant.ID, pending[0].ID, interview.WebhookAttempt{Delivered: true})
	if !errors.Is(err, interview.ErrForbidden) {
		t.Errorf("RecordWebhookAttempt through As: %v, want ErrForbidden", err)
	}

	// Disabling through As fails the endpoint's pending deliveries.
	if err := owner.DisableWebhookEndpoint(ctx, a.tenant.ID, e.ID, time.Time{}); err != nil {
		t.Fatalf("owner disables an endpoint: %v", err)
	}
	got, err := s.ListWebhookDeliveries(ctx, a.tenant.ID, e.ID, 0)
	if err != nil || len(got) != 1 || got[0].Status != interview.DeliveryFailed || got[0].Attempts != 0 {
		t.Errorf("deliveries after disabling through As: %+v, %v; want failed, unattempted", got, err)
	}
	if claimed, err := s.ClaimWebhookDeliveries(ctx, time.Now(), time.Minute, 10); err != nil || len(claimed) != 3 {
		t.Errorf("privileged claim: %+v, %v; want the two of the fixture's endpoint in A and one in B", claimed, err)
	}
}

// checkOthersSeeNoWebhooks: a recruiter, a viewer and another tenant's
// owner neither see tenant A's endpoints and deliveries nor change them.
func checkOthersSeeNoWebhooks(t *testing.T, s *Store, w world, e interview.WebhookEndpoint) {
	t.Helper()
	ctx := context.Background()
	a := w.a
	for name, u := range map[string]interview.User{"recruiter": a.recruiter, "viewer": a.viewer, "other tenant's owner": w.b.owner} {
		as := s.As(actorOf(u))
		if list, err := as.ListWebhookEndpoints(ctx, a.tenant.ID); err != nil || len(list) != 0 {
			t.Errorf("%s lists A's endpoints: %+v, %v; want none", name, list, err)
		}
		if list, err := as.ListWebhookDeliveries(ctx, a.tenant.ID, a.endpoint.ID, 0); err != nil || len(list) != 0 {
			t.Errorf("%s lists A's deliveries: %+v, %v; want none", name, list, err)
		}
		if err := as.DisableWebhookEndpoint(ctx, a.tenant.ID, e.ID, time.Time{}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s disables A's endpoint: %v, want ErrNotFound", name, err)
		}
		err := as.CreateWebhookEndpoint(ctx, &interview.WebhookEndpoint{TenantID: a.tenant.ID,
			URL: "https://hooks.invalid/x", Secret: "whsec_x"})
		if !errors.Is(err, interview.ErrForbidden) {
			t.Errorf("%s creates an endpoint in A: %v, want ErrForbidden", name, err)
		}
	}
}
